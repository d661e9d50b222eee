//! The one error type: every failure that is not a finding about a key.
//! These exit 2. Messages name paths and causes, never a value.

use std::io;
use std::path::PathBuf;

/// A usage, configuration or I/O failure. Messages hold paths as given
/// (the binary prints them through its [`Printer`](crate::redact::Printer)),
/// never a value. `Debug` prints the message, as `Display` does.
#[derive(thiserror::Error)]
pub enum Error {
    /// Arguments that parse but cannot be run as given (`lint a=- b=-`).
    #[error("{0}")]
    Usage(String),

    /// A file or stdin could not be read.
    #[error("cannot read {path}: {1}", path = .0.display())]
    Read(PathBuf, #[source] io::Error),

    /// `-` was given, and stdin is closed (`<&-`) or /dev/null.
    #[error(
        "cannot read the saved environment from stdin (-): stdin is closed (or /dev/null), so nothing was piped in; pipe it in (e.g. `heroku config --json -a <app> | securekey lint -`) or pass the file's path instead of -"
    )]
    StdinClosed,

    /// `-` was given, and stdin is open only for writing.
    #[error(
        "cannot read the saved environment from stdin (-): stdin is not open for reading; pipe it in (e.g. `heroku config --json -a <app> | securekey lint -`) or pass the file's path instead of -"
    )]
    StdinNotReadable,

    /// A path that should be a file is a directory.
    #[error("{path} is a directory; pass a file (or use --env-dir for an ENV_DIR)", path = .0.display())]
    IsADirectory(PathBuf),

    /// An input past the cap on what securekey reads (`input::MAX_*`).
    #[error("{path} holds more than {1} bytes, the most securekey reads from one input; a Heroku app's config vars are at most 64 KB in all", path = .0.display())]
    TooLarge(PathBuf, u64),

    /// An environment with more vars than securekey reads.
    #[error("{path}: too many config vars: more than {1}, the most securekey reads from one environment; a Heroku app's config vars are at most 64 KB in all", path = .0.display())]
    TooManyVars(PathBuf, usize),

    /// More vars to check than one run checks (`select::MAX_CHECKED`).
    #[error(
        "more than {0} config vars to check in one run; a Heroku app has a handful (lint fewer apps at a time, or pass the required NAMES)"
    )]
    TooManyChecked(usize),

    /// Lint's key vars together hold more than one input may.
    #[error(
        "the key vars of the lint sources hold more than {0} bytes together, the most securekey checks in one run; lint fewer apps at a time"
    )]
    LintTooLarge(u64),

    /// A settings or key file that is a FIFO, a device or a socket.
    #[error("{path} is not a regular file; securekey reads settings and key files only from regular files (a FIFO would block the boot)", path = .0.display())]
    NotRegularFile(PathBuf),

    /// A saved environment in no format securekey knows.
    #[error("{path}: unknown format; expected `heroku config --json`, `heroku config --shell`, a dotenv file or an ENV_DIR", path = .0.display())]
    UnknownFormat(PathBuf),

    /// A saved environment that is malformed for its format.
    #[error("{path}{line}: {2}", path = .0.display(), line = line_suffix(*.1))]
    Parse(PathBuf, usize, String),

    /// `securekey.json` is not what it should be.
    #[error("{path}: {1}; expected {{\"require\": [\"SECURE_KEY\", …]}}", path = .0.display())]
    Config(PathBuf, String),

    /// A var name given on the command line or in settings is not a name.
    /// The message never repeats the text: it may be a key pasted there.
    #[error("{0}")]
    BadName(String),

    /// A key file could not be written.
    #[error("cannot write the key file {path}: {1}", path = .0.display())]
    Write(PathBuf, #[source] io::Error),

    /// The key file path is a symlink, which is never followed.
    #[error("refusing to write the key file {path}: it is a symlink; remove it or choose another --output", path = .0.display())]
    Symlink(PathBuf),

    /// Something other than a regular file is at the key file's path: a
    /// folder, a FIFO, a device or a socket, which the rename would replace.
    #[error("refusing to write the key file {path}: it is {1}, and securekey replaces only a regular file; write the key file elsewhere (--output PATH, or SECUREKEY_FILE), or move that away if nothing uses it", path = .0.display())]
    NotAFileToReplace(PathBuf, &'static str),

    /// A symlink another user made is on the key file's path.
    #[error("refusing to write the key file through {path}: it is a symlink owned by another user, which could send the keys anywhere; make it a folder", path = .0.display())]
    ForeignSymlink(PathBuf),

    /// The exec.d protocol's file descriptor 3 is not open, or not usable.
    #[error(
        "file descriptor 3 is not open for writing: `securekey exec-d` is run by the CNB launcher, which reads its output there ({0})"
    )]
    Fd3(#[source] io::Error),

    /// Writing to file descriptor 3 failed.
    #[error(
        "cannot write to file descriptor 3, where the CNB launcher reads exec.d's output ({0})"
    )]
    Fd3Write(#[source] io::Error),

    /// File descriptor 3 was opened read-only: exec.d output has nowhere to go.
    #[error(
        "file descriptor 3 is open read-only; the CNB launcher gives exec.d a writable one, so nothing was written (run `securekey write` outside the launcher)"
    )]
    Fd3ReadOnly,

    /// `lint --app/--addon` found no Platform API token.
    #[error("no Heroku API token: tried {0}; run `heroku login`, or set HEROKU_API_KEY")]
    NoToken(String),

    /// The Platform API could not be read: what, and why.
    #[error("{0}")]
    HerokuApi(String),

    /// Writing the report failed (other than a closed pipe).
    #[error("cannot write output: {0}")]
    Output(#[source] io::Error),
}

impl Error {
    /// The kind of failure, for the JSON error object: `usage`, `config`,
    /// `input` or `output`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Usage(_) | Error::BadName(_) => "usage",
            Error::Config(..) | Error::TooManyChecked(_) | Error::LintTooLarge(_) => "config",
            Error::Write(..)
            | Error::Symlink(_)
            | Error::NotAFileToReplace(..)
            | Error::ForeignSymlink(_)
            | Error::Fd3(_)
            | Error::Fd3Write(_)
            | Error::Fd3ReadOnly
            | Error::Output(_) => "output",
            _ => "input",
        }
    }
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "securekey::Error({self})")
    }
}

fn line_suffix(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}")
    }
}
