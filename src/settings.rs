//! Every setting the binary reads from its process, read once, in `main`:
//! the arguments and the process environment ([`Settings::from_process`]
//! is the only code that reads `std::env`). The rest of the program gets
//! plain values from here: the boot policy, the key file's path rule, the
//! log level, colour, and what `lint --app` needs to reach the Platform
//! API. A checked environment's own settings (`SECUREKEY_REQUIRE`,
//! `HEROKU_APP_NAME`) are looked up in it first, then here
//! ([`Settings::get`]).

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use crate::env::{Env, Var};

/// The setting that says what a failed boot does (`off`, `strict`).
pub const BOOT_VAR: &str = "SECUREKEY_BOOT";

/// The setting that sets the log level.
pub const LOG_VAR: &str = "SECUREKEY_LOG";

/// `SECUREKEY_BOOT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BootMode {
    /// `off`: nothing is checked or written.
    Off,
    /// `strict`: a failed check or write stops the boot.
    Strict,
    /// Unset or empty: a failure is logged and the boot goes on.
    Default,
    /// Anything else: as unset, with a warning.
    Unknown,
}

impl BootMode {
    fn of(value: Option<&[u8]>) -> BootMode {
        match value.unwrap_or_default() {
            b"off" => BootMode::Off,
            b"strict" => BootMode::Strict,
            b"" => BootMode::Default,
            _ => BootMode::Unknown,
        }
    }
}

/// What the process was started with.
#[derive(Debug)]
pub struct Settings {
    /// The arguments, the program's name first.
    pub args: Vec<OsString>,
    /// The process environment, byte for byte (source `env`).
    pub process: Env,
    /// `SECUREKEY_BOOT`.
    pub boot: BootMode,
    /// `SECUREKEY_LOG`, when it is text.
    pub log: Option<String>,
    /// `NO_COLOR` set and not empty: no colour anywhere.
    pub no_color: bool,
    /// The key file of `write` without `--output`: `$SECUREKEY_FILE`, else
    /// `.securekey/keys.json` under the working directory (the rule the
    /// four packages' readers keep).
    pub key_file: PathBuf,
    /// The key file of a boot: `$SECUREKEY_FILE`, else
    /// `$HOME/.securekey/keys.json` (the Cedar boot script and exec-d hand
    /// the app `SECUREKEY_FILE`, so its readers look there first), else
    /// [`Settings::key_file`].
    pub boot_key_file: PathBuf,
    /// Where `securekey.json` is looked for: the app root, which is the
    /// working directory in release phase and at boot.
    pub app_dir: PathBuf,
    /// `HEROKU_HOST`, as set (parsed where the API is reached).
    pub heroku_host: Option<String>,
    /// `HEROKU_API_KEY`.
    pub heroku_api_key: Option<OsString>,
    /// `PATH`, where `heroku auth:token` is looked for.
    pub path: Option<OsString>,
    /// `HOME`, where `~/.netrc` is.
    pub home: Option<PathBuf>,
    /// `SSL_CERT_FILE`, the certificates TLS trusts instead of Mozilla's.
    pub ssl_cert_file: Option<PathBuf>,
}

impl Settings {
    /// The process's arguments and environment: the one place that reads
    /// `std::env`.
    #[must_use]
    pub fn from_process() -> Settings {
        let vars = std::env::vars_os()
            .map(|(name, value)| Var {
                name: OsString::into_vec(name),
                value: OsString::into_vec(value),
            })
            .collect();
        Settings::new(std::env::args_os().collect(), Env::new("env", vars))
    }

    /// The settings of a process started with `args` in the environment
    /// `process` (the fuzz target and the tests make one by hand).
    #[must_use]
    pub fn new(args: Vec<OsString>, process: Env) -> Settings {
        let os = |name: &str| {
            process
                .get(name)
                .filter(|v| !v.is_empty())
                .map(|v| OsString::from_vec(v.to_vec()))
        };
        let key_file = os(securekey::FILE_VAR)
            .map_or_else(|| PathBuf::from(securekey::DEFAULT_PATH), PathBuf::from);
        let home = os("HOME").map(PathBuf::from);
        let boot_key_file = match (os(securekey::FILE_VAR), &home) {
            (Some(path), _) => PathBuf::from(path),
            (None, Some(home)) => home.join(securekey::DEFAULT_PATH),
            (None, None) => key_file.clone(),
        };
        Settings {
            boot: BootMode::of(process.get(BOOT_VAR)),
            log: process.get_str(LOG_VAR).map(str::to_owned),
            no_color: process.get("NO_COLOR").is_some_and(|v| !v.is_empty()),
            key_file,
            boot_key_file,
            app_dir: PathBuf::from("."),
            heroku_host: process.get_str("HEROKU_HOST").map(str::to_owned),
            heroku_api_key: process
                .get("HEROKU_API_KEY")
                .map(|v| OsString::from_vec(v.to_vec())),
            path: os("PATH"),
            home,
            ssl_cert_file: os("SSL_CERT_FILE").map(PathBuf::from),
            args,
            process,
        }
    }

    /// A setting of the process environment, by name.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.process.get(name)
    }

    /// The key file `write` writes: `--output`, else [`Settings::key_file`].
    #[must_use]
    pub fn key_file_or(&self, output: Option<&Path>) -> PathBuf {
        output.map_or_else(|| self.key_file.clone(), Path::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Settings {
        let vars = vars
            .iter()
            .map(|(n, v)| Var {
                name: n.as_bytes().to_vec(),
                value: v.as_bytes().to_vec(),
            })
            .collect();
        Settings::new(Vec::new(), Env::new("env", vars))
    }

    #[test]
    fn the_key_file_rule() {
        let s = settings(&[]);
        assert_eq!(s.key_file, Path::new(".securekey/keys.json"));
        assert_eq!(s.boot_key_file, Path::new(".securekey/keys.json"));
        let s = settings(&[("HOME", "/app")]);
        assert_eq!(s.key_file, Path::new(".securekey/keys.json"));
        assert_eq!(s.boot_key_file, Path::new("/app/.securekey/keys.json"));
        let s = settings(&[("HOME", "/app"), ("SECUREKEY_FILE", "/tmp/k.json")]);
        assert_eq!(s.key_file, Path::new("/tmp/k.json"));
        assert_eq!(s.boot_key_file, Path::new("/tmp/k.json"));
        // Empty is unset.
        let s = settings(&[("HOME", ""), ("SECUREKEY_FILE", "")]);
        assert_eq!(s.boot_key_file, Path::new(".securekey/keys.json"));
        assert_eq!(
            s.key_file_or(Some(Path::new("out.json"))),
            Path::new("out.json")
        );
    }

    #[test]
    fn boot_modes() {
        assert_eq!(settings(&[]).boot, BootMode::Default);
        assert_eq!(settings(&[(BOOT_VAR, "")]).boot, BootMode::Default);
        assert_eq!(settings(&[(BOOT_VAR, "off")]).boot, BootMode::Off);
        assert_eq!(settings(&[(BOOT_VAR, "strict")]).boot, BootMode::Strict);
        assert_eq!(settings(&[(BOOT_VAR, "STRICT")]).boot, BootMode::Unknown);
    }

    #[test]
    fn no_color_only_when_set_and_not_empty() {
        assert!(!settings(&[]).no_color);
        assert!(!settings(&[("NO_COLOR", "")]).no_color);
        assert!(settings(&[("NO_COLOR", "1")]).no_color);
    }
}
