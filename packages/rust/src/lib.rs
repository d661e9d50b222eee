//! Graceful key rotation for Heroku's `SecureKey` add-on.
//!
//! The add-on gives an app `SECURE_KEY=LATEST,PREVIOUS` (an app it is
//! attached to gets `<ATTACHMENT>_KEY`) and rotates it every few days or
//! weeks. securekey's buildpack checks it in the release phase and writes
//! a key file at every dyno boot; this crate reads that file (or one var
//! from the environment) and does both sides of a rotation in constant
//! time: a server accepts the latest and the previous key, and a client
//! presents the latest, then the previous.
//!
//! ```no_run
//! use securekey::{KeyFile, Slot};
//!
//! let keys = KeyFile::load_default()?;
//! let pair = keys.pair("SECURE_KEY")?;
//! # let presented = "";
//! match pair.verify(presented) {
//!     Some(Slot::Latest) => { /* current: carry on */ }
//!     Some(Slot::Previous) => { /* one rotation behind: still good */ }
//!     None => { /* refuse: 401 */ }
//! }
//! # Ok::<(), securekey::Error>(())
//! ```
//!
//! Keys print as their id (8 hex chars of SHA-256) in `Debug` and
//! `Display`; the key itself takes [`Key::expose`].

#[cfg(feature = "axum")]
pub mod axum;
pub mod client;
mod error;
mod key;
mod key_file;
#[cfg(test)]
mod layering;
mod limits;
#[cfg(any(feature = "tower", feature = "axum"))]
mod protocol;
#[cfg(test)]
mod redaction;
mod shown;
#[cfg(feature = "tower")]
pub mod tower;

pub use error::Error;
pub use key::{KEY_HEX_LEN, Key, KeyId, KeyPair, Slot};
pub use key_file::{
    DEFAULT_PATH, DEFAULT_VAR, FILE_VAR, FORMAT_VERSION, KeyFile, MAX_BYTES, default_path,
};
#[cfg(any(feature = "tower", feature = "axum"))]
pub use protocol::{CHALLENGE, Guard, LATEST_HEADER, REFUSED_BODY, SLOT_HEADER, Verified};
#[doc(hidden)]
pub use shown::{key_shaped, key_shaped_words};

/// Reads one config var from the process environment as a pair, for apps
/// that do not use the key file. Surrounding whitespace and lowercase hex
/// are accepted (the key file holds the canonical, uppercase form).
///
/// # Errors
/// [`Error::VarNotSet`] or [`Error::VarMalformed`], naming the var and
/// what is wrong, never the value.
pub fn pair_from_env(var: &str) -> Result<KeyPair, Error> {
    let value = std::env::var_os(var).ok_or_else(|| Error::VarNotSet(var.to_owned()))?;
    // Bytes on every platform (no `std::os::unix`): a key is ASCII, so
    // whatever else the OS's encoding holds only makes a malformed value.
    let value = value.as_encoded_bytes();
    KeyPair::parse(value).ok_or_else(|| Error::VarMalformed {
        var: var.to_owned(),
        why: why_malformed(value),
    })
}

/// What is wrong with a value that is no pair, in words that hold no key.
fn why_malformed(value: &[u8]) -> &'static str {
    let parts: Vec<&[u8]> = value.split(|&b| b == b',').collect();
    if value.trim_ascii().is_empty() {
        "it is empty"
    } else if parts.len() != 2 {
        "not two keys separated by one comma"
    } else if parts[1].trim_ascii().is_empty() {
        "no previous key"
    } else {
        "a key is not 64 hex chars"
    }
}

// The middleware tests' crates (tests/middleware.rs), which the unit
// tests do not use.
#[cfg(test)]
use {::axum as _, tokio as _, ureq as _};

// The README's example, compiled with the doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
