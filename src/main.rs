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
            // --help and --version are "errors" that print to stdout.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::Failure.into()
            } else {
                ExitCode::Ok.into()
            };
        }
    };
    logging::init(&config.common);
    match commands::run(&config) {
        Ok(code) => code.into(),
        Err(err) => {
            eprintln!("securekey: error: {err}");
            ExitCode::Failure.into()
        }
    }
}
