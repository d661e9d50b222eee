//! The Platform API token, found the Heroku CLI's way: `HEROKU_API_KEY`,
//! else `heroku auth:token` when `heroku` is on PATH (CLI 11.9+ keeps
//! logins in the OS keychain, so this covers them), else `~/.netrc`'s
//! machine for the API host. Never an argument; never printed, never
//! logged: [`Token`]'s `Debug` and `Display` show neither it nor a piece
//! of it, and [`Token::secret`] is how the output guard learns it.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::Error;
use crate::input;

/// A Platform API token.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The token as sent, for the `Authorization` header only.
    #[must_use]
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// The token's bytes, for the output guard to mask: the one way
    /// anything outside this module sees them.
    #[must_use]
    pub fn secret(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted token>")
    }
}

/// Where the token came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// `HEROKU_API_KEY`.
    Env,
    /// `heroku auth:token`.
    HerokuCli,
    /// `~/.netrc`.
    Netrc,
}

impl TokenSource {
    /// As logged.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TokenSource::Env => "HEROKU_API_KEY",
            TokenSource::HerokuCli => "heroku auth:token",
            TokenSource::Netrc => "~/.netrc",
        }
    }
}

/// What the lookup reads from the process: its settings, passed in so
/// tests need no process env.
#[derive(Clone, Debug, Default)]
pub struct Lookup {
    /// `HEROKU_API_KEY`.
    pub api_key: Option<OsString>,
    /// `PATH`.
    pub path: Option<OsString>,
    /// `HOME`.
    pub home: Option<PathBuf>,
    /// The `~/.netrc` machine (see [`super::ApiUrl`]).
    pub netrc_machine: String,
}

/// A token longer than this is no token (and `heroku auth:token`'s output
/// is read no further).
const MAX_TOKEN_BYTES: usize = 4096;

/// Finds the token, in order: `HEROKU_API_KEY`, `heroku auth:token`,
/// `~/.netrc`.
///
/// # Errors
/// [`Error::NoToken`], saying what each source gave.
pub fn find(lookup: &Lookup) -> Result<(Token, TokenSource), Error> {
    let mut tried = Vec::new();
    match lookup.api_key.as_ref().map(|v| v.to_str().map(str::trim)) {
        Some(Some(key)) if usable(key) => return Ok((Token(key.to_owned()), TokenSource::Env)),
        Some(_) => tried.push("HEROKU_API_KEY (set, but not a token)".to_owned()),
        None => tried.push("HEROKU_API_KEY (not set)".to_owned()),
    }
    match on_path(lookup.path.as_deref(), "heroku") {
        Some(heroku) => match from_cli(&heroku) {
            Some(token) => return Ok((token, TokenSource::HerokuCli)),
            None => tried.push("`heroku auth:token` (no token: not logged in?)".to_owned()),
        },
        None => tried.push("`heroku auth:token` (heroku is not on PATH)".to_owned()),
    }
    let machine = &lookup.netrc_machine;
    match lookup.home.as_deref().map(|h| h.join(".netrc")) {
        Some(netrc) => match read_netrc(&netrc) {
            Some(content) => match netrc_password(&content, machine) {
                Some(token) => return Ok((token, TokenSource::Netrc)),
                None => tried.push(format!("~/.netrc (no password for machine {machine})")),
            },
            None => tried.push("~/.netrc (none)".to_owned()),
        },
        None => tried.push("~/.netrc (HOME is not set)".to_owned()),
    }
    Err(Error::NoToken(tried.join(", ")))
}

/// Printable ASCII without spaces, and not absurdly long.
fn usable(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= MAX_TOKEN_BYTES
        && token.bytes().all(|b| b.is_ascii_graphic())
}

fn on_path(path: Option<&std::ffi::OsStr>, name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(path?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// `heroku auth:token`'s stdout, when it exits 0 with a token. Its stderr
/// (warnings, prompts) is not ours to show, and stdin is closed so it can
/// never wait for a login.
fn from_cli(heroku: &Path) -> Option<Token> {
    let out = Command::new(heroku)
        .arg("auth:token")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    // The token is its last line (a warning may come before it).
    let text = std::str::from_utf8(&out.stdout).ok()?;
    let token = text.lines().map(str::trim).rfind(|l| !l.is_empty())?;
    usable(token).then(|| Token(token.to_owned()))
}

fn read_netrc(path: &Path) -> Option<Vec<u8>> {
    path.exists().then_some(())?;
    input::read(path, input::Kind::RegularFile, input::MAX_CONFIG_BYTES).ok()
}

/// The password of `machine` in a `.netrc` (whitespace-separated tokens;
/// `default` applies to any machine not listed before it; `macdef` bodies
/// are skipped to their blank line).
#[must_use]
pub fn netrc_password(content: &[u8], machine: &str) -> Option<Token> {
    let text = std::str::from_utf8(content).ok()?;
    let mut lines = text.lines();
    let mut in_entry = false;
    let mut found = None;
    while let Some(line) = lines.next() {
        let mut words = line.split_whitespace();
        while let Some(word) = words.next() {
            match word {
                "machine" => {
                    if found.is_some() {
                        return found;
                    }
                    in_entry = words.next() == Some(machine);
                }
                "default" => {
                    if found.is_some() {
                        return found;
                    }
                    in_entry = true;
                }
                "password" => {
                    let password = words.next();
                    if in_entry {
                        found = password.filter(|p| usable(p)).map(|p| Token(p.to_owned()));
                    }
                }
                "macdef" => {
                    // The macro's body runs to the next blank line.
                    for body in lines.by_ref() {
                        if body.trim().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const NETRC: &str = "machine git.heroku.com\n  login a@b.c\n  password GIT-TOKEN\nmachine api.heroku.com\n  login a@b.c\n  password API-TOKEN\n";

    #[test]
    fn netrc_machine_password() {
        let token = netrc_password(NETRC.as_bytes(), "api.heroku.com").unwrap();
        assert_eq!(token.expose(), "API-TOKEN");
        assert!(netrc_password(NETRC.as_bytes(), "api.example.com").is_none());
        let oneline =
            b"machine 127.0.0.1:5000 login x password LOCAL\ndefault login y password ANY\n";
        assert_eq!(
            netrc_password(oneline, "127.0.0.1:5000").unwrap().expose(),
            "LOCAL"
        );
        assert_eq!(netrc_password(oneline, "other").unwrap().expose(), "ANY");
    }

    #[test]
    fn token_never_shows() {
        let token = Token("HRKU-secret-token-value".into());
        assert!(!format!("{token:?} {token}").contains("secret"));
    }

    #[test]
    fn the_order_and_the_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".netrc"), NETRC).unwrap();
        let mut lookup = Lookup {
            api_key: Some("ENV-TOKEN".into()),
            path: Some("/nonexistent".into()),
            home: Some(dir.path().to_owned()),
            netrc_machine: "api.heroku.com".into(),
        };
        let (token, from) = find(&lookup).unwrap();
        assert_eq!((token.expose(), from), ("ENV-TOKEN", TokenSource::Env));
        lookup.api_key = None;
        let (token, from) = find(&lookup).unwrap();
        assert_eq!((token.expose(), from), ("API-TOKEN", TokenSource::Netrc));
        lookup.netrc_machine = "api.example.com".into();
        let err = find(&lookup).unwrap_err().to_string();
        assert!(err.contains("HEROKU_API_KEY (not set)"), "{err}");
        assert!(err.contains("heroku is not on PATH"), "{err}");
        assert!(
            err.contains("no password for machine api.example.com"),
            "{err}"
        );
    }
}
