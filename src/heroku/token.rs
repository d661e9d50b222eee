//! The Platform API token, found the Heroku CLI's way: `HEROKU_API_KEY`,
//! else `heroku auth:token` when `heroku` is on PATH (CLI 11.9+ keeps
//! logins in the OS keychain, so this covers them), else `~/.netrc`'s
//! machine for the API host. Never an argument; never printed, never
//! logged: [`Token`]'s `Debug` and `Display` show neither it nor a piece
//! of it, and [`Token::secret`] is how the output guard learns it.

use std::ffi::OsString;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

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
    /// The `~/.netrc` machine (see [`super::ApiBase`]).
    pub netrc_machine: String,
}

/// A token longer than this is no token.
const MAX_TOKEN_BYTES: usize = 4096;

/// Finds the token, in order: `HEROKU_API_KEY`, `heroku auth:token`,
/// `~/.netrc`.
///
/// # Errors
/// [`Error::NoToken`], saying what each source gave; [`Error::HerokuApi`]
/// when `heroku auth:token` passes its time limit or read cap.
pub fn find(lookup: &Lookup) -> Result<(Token, TokenSource), Error> {
    let mut tried = Vec::new();
    match lookup.api_key.as_ref().map(|v| v.to_str().map(str::trim)) {
        Some(Some(key)) if usable(key) => return Ok((Token(key.to_owned()), TokenSource::Env)),
        Some(_) => tried.push("HEROKU_API_KEY (set, but not a token)".to_owned()),
        None => tried.push("HEROKU_API_KEY (not set)".to_owned()),
    }
    match on_path(lookup.path.as_deref(), "heroku") {
        Some(heroku) => match from_cli(&heroku)? {
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

/// How long `heroku auth:token` may take: it reads a file or the OS
/// keychain, well under a second; past this it is waiting for something
/// that will not come (a prompt, a network), and the run stops.
pub const CLI_TIME_LIMIT: Duration = Duration::from_secs(10);

/// The most of `heroku auth:token`'s stdout read: a token and a warning
/// or two are well under 1 KiB.
pub const CLI_READ_CAP: usize = 64 * 1024;

/// `heroku auth:token`'s stdout, when it exits 0 with a token. Its stderr
/// (warnings, prompts) is not ours to show, and stdin is closed so it can
/// never wait for a login. Bounded: stopped past [`CLI_TIME_LIMIT`] or
/// [`CLI_READ_CAP`] bytes, and the run with it (exit 2), rather than a
/// lookup that hangs or fills the memory.
fn from_cli(heroku: &Path) -> Result<Option<Token>, Error> {
    let Ok(mut child) = Command::new(heroku)
        .arg("auth:token")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return Ok(None);
    };
    let deadline = Instant::now() + CLI_TIME_LIMIT;
    let stopped = |child: &mut std::process::Child, why: &str| {
        let _ = child.kill();
        let _ = child.wait();
        Error::HerokuApi(format!(
            "`heroku auth:token` {why}, so it was stopped; check that `heroku auth:token` prints the token, or set HEROKU_API_KEY"
        ))
    };
    // Read on a thread so the wait has a limit: a `heroku` that never
    // writes nor exits would block a read forever. The thread is left
    // behind if it is stuck (a grandchild holding the pipe); the run ends
    // soon after.
    let (tx, rx) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let read = stdout.take(CLI_READ_CAP as u64 + 1).read_to_end(&mut out);
            let _ = tx.send(read.map(|_| out));
        });
    }
    let out = match rx.recv_timeout(CLI_TIME_LIMIT) {
        Ok(Ok(out)) if out.len() > CLI_READ_CAP => {
            return Err(stopped(
                &mut child,
                &format!(
                    "printed more than {} KiB (no token is that long)",
                    CLI_READ_CAP / 1024
                ),
            ));
        }
        Ok(Ok(out)) => out,
        Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Disconnected) => Vec::new(),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            return Err(stopped(&mut child, &limit_passed()));
        }
    };
    // Its stdout is closed; it may still not exit.
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) => return Err(stopped(&mut child, &limit_passed())),
            Err(_) => return Ok(None),
        }
    };
    if !status.success() {
        return Ok(None);
    }
    // The token is its last line (a warning may come before it).
    let Ok(text) = std::str::from_utf8(&out) else {
        return Ok(None);
    };
    let token = text.lines().map(str::trim).rfind(|l| !l.is_empty());
    Ok(token.filter(|t| usable(t)).map(|t| Token(t.to_owned())))
}

fn limit_passed() -> String {
    format!("did not finish within {} s", CLI_TIME_LIMIT.as_secs())
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
