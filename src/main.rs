//! The `securekey` binary: parse the arguments, run, map to an exit code.
//! The only place that exits.

mod cli;
mod commands;
mod logging;

// Used by the library half of this package; the lint checks each crate of
// the package on its own.
use hex as _;
use serde_json as _;
use sha2 as _;
use subtle as _;
use thiserror as _;
#[cfg(test)]
use {proptest as _, tempfile as _};

use securekey::exit::ExitCode;

fn main() -> std::process::ExitCode {
    let config = match cli::parse() {
        Ok(config) => config,
        Err(err) => {
            // clap's messages repeat the offending argument; when any
            // argument looks like a key (a value pasted where a name or path
            // belongs), say so instead of showing it.
            if err.use_stderr()
                && std::env::args_os().any(|a| securekey::key::looks_like_key(a.as_encoded_bytes()))
            {
                eprintln!(
                    "securekey: error: invalid arguments, and one looks like a key, so none is shown; pass config var NAMES, never values (see securekey --help)"
                );
                return ExitCode::Failure.into();
            }
            // --help and --version are "errors" that print to stdout.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::Failure.into()
            } else {
                ExitCode::Ok.into()
            };
        }
    };
    logging::init(&config.common, commands::color_for(&std::io::stderr()));
    match commands::run(&config) {
        Ok(code) => code.into(),
        Err(err) => {
            eprintln!("securekey: error: {err}");
            ExitCode::Failure.into()
        }
    }
}
