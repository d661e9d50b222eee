//! The `securekey` binary: parse the arguments, run, map to an exit code.
//! The only place that exits.

mod cli;
mod commands;
mod logging;
mod output;

// Used by the library half of this package; the lint checks each crate of
// the package on its own.
use securekey as _;
use serde_json as _;
use thiserror as _;
use ureq as _;
#[cfg(test)]
use {
    clap_complete as _, clap_mangen as _, proptest as _, securekey_testkit as _, tempfile as _,
    trycmd as _,
};

use securekey_cli::env;
use securekey_cli::exit::ExitCode;
use securekey_cli::pipeline;
use securekey_cli::redact::{Printer, Secrets};
use securekey_cli::report::{self, OutputFormat};

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
    run().into()
}

fn run() -> ExitCode {
    let known = known_secrets();
    let config = match cli::parse() {
        Ok(config) => config,
        Err(err) => {
            let p = Printer::new(known);
            let code = usage_error(err, &p);
            output::finish(&p);
            return code;
        }
    };
    let ended = commands::run(&config, known);
    let code = exit(&config, &ended);
    output::finish(&ended.printer);
    code
}

/// The exit code, after the error (if any) is said.
fn exit(config: &cli::Config, ended: &commands::Ended) -> ExitCode {
    match &ended.result {
        Ok(code) => *code,
        Err(err) => {
            let p = &ended.printer;
            output::say(p, &format!("error: {err}"));
            // stdout still holds one object a script can parse.
            let data = match config.common.format {
                OutputFormat::Json => Some(report::json_error(err, p)),
                OutputFormat::Github => Some(report::github_error(err, p)),
                OutputFormat::Markdown => Some(report::markdown_error(err, p)),
                OutputFormat::Human => None,
            };
            if let Some(data) = data {
                let _ = output::stdout(p, &data);
            }
            ExitCode::Failure
        }
    }
}

/// What output must never show before anything is read
/// ([`pipeline::known_secrets`]).
fn known_secrets() -> Secrets {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    pipeline::known_secrets(
        args.iter().map(|a| a.as_encoded_bytes()),
        &env::read_process(),
    )
}

/// clap's error (or `--help`, `--version`): the typo and clap's tip as
/// typed, escaped, through the printer.
fn usage_error(mut err: clap::Error, p: &Printer) -> ExitCode {
    use clap::error::{ContextKind, ContextValue};
    if !err.use_stderr() {
        // --help and --version are "errors" that print to stdout.
        let _ = output::stdout(p, &err.render().to_string());
        return ExitCode::Ok;
    }
    // The user's own text, shown but escaped: a newline in it must not
    // forge a line.
    for kind in [
        ContextKind::InvalidArg,
        ContextKind::InvalidValue,
        ContextKind::InvalidSubcommand,
    ] {
        if let Some(ContextValue::String(text)) = err.get(kind) {
            let shown = p.field(text);
            err.insert(kind, ContextValue::String(shown));
        }
    }
    output::say_shown(p, err.render().to_string().trim_end());
    ExitCode::Failure
}
