//! The process environment.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use super::{Env, Var};

/// The process environment, byte for byte (non-UTF-8 names and values
/// included: they are checked, not dropped).
#[must_use]
pub fn read_process() -> Env {
    let vars = std::env::vars_os()
        .map(|(name, value)| Var {
            name: OsString::into_vec(name),
            value: OsString::into_vec(value),
        })
        .collect();
    Env::new("env", vars)
}
