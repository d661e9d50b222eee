//! The one error type: every failure that is not a finding about a key.
//! These exit 2. Messages name paths and causes, never a value.

use std::io;
use std::path::PathBuf;

use crate::key::Slot;
use crate::redact::Untrusted;

/// A usage, configuration or I/O failure. `Debug` prints the message, as
/// `Display` does: paths and names in it are printed through
/// [`Untrusted`], where a derived `Debug` would print them raw (an app that
/// returns this error from `main` prints its `Debug`).
#[derive(thiserror::Error)]
pub enum Error {
    /// A file or stdin could not be read.
    #[error("cannot read {path}: {1}", path = Untrusted::path(.0))]
    Read(PathBuf, #[source] io::Error),

    /// A path that should be a file is a directory.
    #[error("{path} is a directory; pass a file (or use --env-dir for an ENV_DIR)", path = Untrusted::path(.0))]
    IsADirectory(PathBuf),

    /// An input past the cap on what securekey reads (`input::MAX_*`).
    #[error("{path} holds more than {1} bytes, the most securekey reads from one input; a Heroku app's config vars are at most 64 KB in all", path = Untrusted::path(.0))]
    TooLarge(PathBuf, u64),

    /// An environment with more vars than securekey reads.
    #[error("{path}: too many config vars: more than {1}, the most securekey reads from one environment; a Heroku app's config vars are at most 64 KB in all", path = Untrusted::path(.0))]
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
    #[error("{path} is not a regular file; securekey reads settings and key files only from regular files (a FIFO would block the boot)", path = Untrusted::path(.0))]
    NotRegularFile(PathBuf),

    /// A saved environment in no format securekey knows.
    #[error("{path}: unknown format; expected `heroku config --json`, `heroku config --shell`, a dotenv file or an ENV_DIR", path = Untrusted::path(.0))]
    UnknownFormat(PathBuf),

    /// A saved environment that is malformed for its format.
    #[error("{path}{line}: {2}", path = Untrusted::path(.0), line = line_suffix(*.1))]
    Parse(PathBuf, usize, String),

    /// `securekey.json` is not what it should be.
    #[error("{path}: {1}; expected {{\"require\": [\"SECURE_KEY\", …]}}", path = Untrusted::path(.0))]
    Config(PathBuf, String),

    /// A var name given on the command line or in settings is not a name.
    /// The message never repeats the text: it may be a key pasted there.
    #[error("{0}")]
    BadName(String),

    /// A key file could not be written.
    #[error("cannot write the key file {path}: {1}", path = Untrusted::path(.0))]
    Write(PathBuf, #[source] io::Error),

    /// The key file path is a symlink, which is never followed.
    #[error("refusing to write the key file {path}: it is a symlink; remove it or choose another --output", path = Untrusted::path(.0))]
    Symlink(PathBuf),

    /// A symlink another user made is on the key file's path.
    #[error("refusing to write the key file through {path}: it is a symlink owned by another user, which could send the keys anywhere; make it a folder", path = Untrusted::path(.0))]
    ForeignSymlink(PathBuf),

    /// A key file could not be read.
    #[error("cannot read the key file {path}: {1}", path = Untrusted::path(.0))]
    KeyFileRead(PathBuf, #[source] io::Error),

    /// A key file is not a valid key file.
    #[error("cannot load the key file {path}: {1}", path = Untrusted::path(.0))]
    KeyFile(PathBuf, #[source] KeyFileError),

    /// A config var read by the library is missing or malformed.
    #[error("{0}")]
    InvalidVar(String),

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

/// Why a key file could not be read as one. Never holds key material.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyFileError {
    /// Not JSON at all.
    #[error("not valid JSON (line {line}, column {column})")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Another format version, or none.
    #[error("expected \"version\": 1")]
    Version,
    /// No `keys` object.
    #[error("expected a \"keys\" object")]
    NoKeys,
    /// An entry lacks a field.
    #[error("{var}: no \"{field}\"")]
    Missing {
        /// The var (hidden if it looks like a key).
        var: String,
        /// The field.
        field: String,
    },
    /// A key that is not 64 uppercase hex chars.
    #[error("{var}: the {slot} key is not 64 uppercase hex chars")]
    NotCanonical {
        /// The var (hidden if it looks like a key).
        var: String,
        /// Which key.
        slot: Slot,
    },
    /// A key whose id field is not its id: the file was edited or damaged.
    #[error("{var}: the {slot} key does not match {slot}_id")]
    IdMismatch {
        /// The var (hidden if it looks like a key).
        var: String,
        /// Which key.
        slot: Slot,
    },
}
