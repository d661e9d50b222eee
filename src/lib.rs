//! The engine of the `securekey` binary: sources ([`env`](mod@env)), variable
//! selection ([`select`]), checks ([`checks`]), the report ([`report`]),
//! the key file writer ([`key_file`]) and the output guard ([`redact`]).
//! Not published: apps use the `securekey` crate (packages/rust), whose
//! key types this re-exports.

#![warn(missing_docs)]

pub mod checks;
pub mod commands;
pub mod env;
pub mod error;
pub mod exit;
pub mod facts;
pub mod heroku;
pub mod input;
pub mod key_file;
pub mod pipeline;
pub mod redact;
pub mod report;
pub mod select;
pub mod settings;

pub use error::Error;

pub use securekey::{Key, KeyFile, KeyId, KeyPair, Slot};

// Used by the binary half of this package; the lint checks each crate of
// the package on its own.
use {clap as _, dlmalloc as _, tracing as _, tracing_subscriber as _};
#[cfg(test)]
use {clap_complete as _, clap_mangen as _, proptest as _, trycmd as _};
