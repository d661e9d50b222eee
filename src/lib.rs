//! securekey keeps Heroku's rotating `SecureKey` add-on honest.
//!
//! As a library it gives a Rust app graceful rotation: load the key file the
//! boot script wrote (or the env), accept a client's previous key and answer
//! with the latest, in constant time.
//!
//! ```no_run
//! use securekey::{KeyFile, Slot};
//!
//! let keys = KeyFile::load_default()?;
//! let pair = keys.get("SECURE_KEY").expect("SECURE_KEY is in the key file");
//! # let presented = "";
//! match pair.verify(presented) {
//!     Some(Slot::Latest) => { /* current: carry on */ }
//!     Some(Slot::Previous) => { /* valid until the last rotation: answer with pair.latest() */ }
//!     None => { /* refuse */ }
//! }
//! # Ok::<(), securekey::Error>(())
//! ```
//!
//! The rest of the crate is the `securekey` binary's engine: sources
//! ([`env`](mod@env)), variable selection ([`select`]), checks ([`checks`]) and the
//! report ([`report`]).

#![warn(missing_docs)]

pub mod checks;
pub mod env;
pub mod error;
pub mod exit;
pub mod heroku;
pub mod input;
pub mod key;
pub mod key_file;
pub mod pipeline;
pub mod redact;
pub mod report;
pub mod select;

pub use error::Error;

pub use key::{Key, KeyId, KeyPair, Slot};
pub use key_file::KeyFile;

// Used by the binary half of this package; the lint checks each crate of
// the package on its own.
#[cfg(test)]
use proptest as _;
#[cfg(feature = "cli")]
use {clap as _, dlmalloc as _, tracing_subscriber as _};

/// Reads one config var from the process environment as a pair, for apps
/// that do not use the key file.
///
/// # Errors
/// [`Error::InvalidVar`] when the var is missing or not a well-formed pair,
/// naming the var and the checks that failed (run `securekey check` for the
/// whole story); the message holds no key material.
pub fn pair_from_env(var: &str) -> Result<KeyPair, Error> {
    // The name is the caller's, and printed like any other name.
    let name = redact::untrusted(var);
    let value =
        std::env::var_os(var).ok_or_else(|| Error::InvalidVar(format!("{name} is not set")))?;
    let value = std::os::unix::ffi::OsStrExt::as_bytes(value.as_os_str());
    let ctx = checks::Ctx { var, app: None };
    let checked = checks::check_value(&ctx, value);
    let errors: Vec<&str> = checked
        .problems
        .iter()
        .filter(|p| p.check.severity() == checks::Severity::Error)
        .map(|p| p.check.as_str())
        .collect();
    match checked.pair {
        Some(pair) if errors.is_empty() => Ok(pair),
        _ => Err(Error::InvalidVar(format!(
            "{name} is not a well-formed LATEST,PREVIOUS pair (checks failed: {}); run `securekey check {name}` for details",
            errors.join(", ")
        ))),
    }
}
