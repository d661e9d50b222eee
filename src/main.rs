//! The `securekey` binary: parse the arguments, run, map to an exit code.
//! The only place that exits.

mod cli;
mod commands;
mod logging;
mod output;

// Used by the library half of this package; the lint checks each crate of
// the package on its own.
use hex as _;
use serde_json as _;
use sha2 as _;
use subtle as _;
use thiserror as _;
use ureq as _;
#[cfg(test)]
use {proptest as _, tempfile as _};

use securekey::exit::ExitCode;
use securekey::redact::Untrusted;

use crate::output::say;

// musl's allocator maps and unmaps pages for a run's few hundred small
// allocations (56 mmap/munmap calls per check, a fifth of the run). SPEC §9
// sets the boot path's budget against a no-op binary, and scripts/bench
// measured (same run, 2-CPU VM): check 3.43x the floor with musl's
// allocator, 2.19x with dlmalloc (target 2.5x); write -q 4.28x against
// 2.94x (target 3x). Only the binary chooses it: apps using the library
// keep their own.
#[global_allocator]
static ALLOC: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

fn main() -> std::process::ExitCode {
    let code = run();
    // stderr may still hold masked output (see output.rs).
    output::finish();
    code.into()
}

fn run() -> ExitCode {
    let config = match cli::parse() {
        Ok(config) => config,
        Err(err) => return usage_error(err),
    };
    logging::init(&config.common, commands::color_for(&std::io::stderr()));
    match commands::run(&config) {
        Ok(code) => code,
        Err(err) => {
            say!("securekey: error: {err}");
            ExitCode::Failure
        }
    }
}

/// What a usage error says in place of the user's own text.
const NOT_SHOWN: &str = "(not shown)";

/// clap's error (or `--help`, `--version`), printed safely.
fn usage_error(mut err: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !err.use_stderr() {
        // --help and --version are "errors" that print to stdout.
        let _ = err.print();
        return ExitCode::Ok;
    }
    // An argument that is not fit to print as it is (key-shaped: a value
    // pasted where a name or path belongs; control characters; or absurdly
    // long): say what to pass instead.
    if std::env::args_os().any(|a| !Untrusted::os(&a).is_verbatim()) {
        say!(
            "securekey: error: invalid arguments, and one looks like a key (or holds control characters, or is very long), so none is shown; pass config var NAMES, never values (see securekey --help)"
        );
        return ExitCode::Failure;
    }
    // clap's message without the user's own text: a shorter piece of a
    // key (`--allow 3F6D463C2A79`) is no key shape, and nothing has told
    // the output mask what this run would check. What stays is clap's:
    // the options as defined, the valid values, the usage.
    let user_text = [ContextKind::InvalidValue, ContextKind::InvalidSubcommand];
    for kind in user_text {
        if err.get(kind).is_some() {
            err.insert(kind, ContextValue::String(NOT_SHOWN.to_owned()));
        }
    }
    if err.kind() == ErrorKind::UnknownArgument {
        err.insert(
            ContextKind::InvalidArg,
            ContextValue::String(NOT_SHOWN.to_owned()),
        );
        // Its tip repeats the argument.
        err.insert(ContextKind::Suggested, ContextValue::None);
    }
    say!("{}", err.render().to_string().trim_end());
    ExitCode::Failure
}
