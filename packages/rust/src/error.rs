//! The library's one error. Messages name paths and vars, never a key.

use std::io;
use std::path::PathBuf;

use crate::limits::MAX_BYTES;
use crate::shown::{Shown, shown_path};

/// Why the keys could not be had. `Debug` prints the message, as `Display`
/// does: an app that returns this from `main` prints its `Debug`.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// There is no key file at the path.
    #[error(
        "no key file at {path}: run `securekey write` first (on Heroku the buildpack's boot script does), or set SECUREKEY_FILE",
        path = shown_path(.0)
    )]
    NoKeyFile(PathBuf),

    /// The key file could not be read.
    #[error("cannot read the key file {path}: {1}", path = shown_path(.0))]
    Read(PathBuf, #[source] io::Error),

    /// The key file is a folder, a FIFO, a device or a socket.
    #[error("the key file {path} is not a regular file; securekey writes a regular file (a FIFO would block the app)", path = shown_path(.0))]
    NotRegularFile(PathBuf),

    /// The key file is larger than any key file securekey writes.
    #[error("the key file {path} is over {max} bytes, more than securekey ever writes", path = shown_path(.0), max = MAX_BYTES)]
    TooLarge(PathBuf),

    /// The key file is not a valid key file (edited, damaged, or another
    /// format).
    #[error("cannot load the key file {path}: {1}", path = shown_path(.0))]
    Invalid(PathBuf, String),

    /// A key file's text is not a valid key file.
    #[error("not a key file: {0}")]
    Malformed(String),

    /// The key file holds no pair for the var.
    #[error("the key file holds no {var}; it holds {held}", var = Shown(.0), held = held(.1))]
    NoSuchVar(String, Vec<String>),

    /// No var was named, and the key file has no `SECURE_KEY` and not
    /// exactly one var: the vars it holds, by name.
    #[error("{}", no_default_var(.0))]
    NoDefaultVar(Vec<String>),

    /// The config var is not set.
    #[error("{} is not set", Shown(.0))]
    VarNotSet(String),

    /// The config var is not a well-formed `LATEST,PREVIOUS` pair.
    #[error(
        "{shown} is not a well-formed LATEST,PREVIOUS pair ({why}); run `securekey check {shown}` for the whole story",
        shown = Shown(.var)
    )]
    VarMalformed {
        /// The var.
        var: String,
        /// What is wrong, without key material.
        why: &'static str,
    },
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "securekey::Error({self})")
    }
}

fn no_default_var(vars: &[String]) -> String {
    if vars.is_empty() {
        return "the key file holds no vars: run `securekey write` with SECURE_KEY (or another key var) set".to_owned();
    }
    format!(
        "the key file has no SECURE_KEY and {} vars ({}): name the one to use (KeyFile::pair(\"…_SECURE_KEY\"))",
        vars.len(),
        held(vars)
    )
}

fn held(vars: &[String]) -> String {
    if vars.is_empty() {
        return "no vars".to_owned();
    }
    vars.iter()
        .map(|v| Shown(v).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
