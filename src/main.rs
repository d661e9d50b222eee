//! The `securekey` binary: read the settings, parse the arguments, run,
//! print the outcome, map it to an exit code. The only place that exits,
//! and the only place that prints.

mod cli;
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

use std::ffi::OsString;
use std::io::IsTerminal;

use securekey_cli::commands::{self, print};
use securekey_cli::exit::ExitCode;
use securekey_cli::pipeline;
use securekey_cli::redact::Printer;
use securekey_cli::settings::Settings;

// musl's allocator maps and unmaps pages for a run's few hundred small
// allocations (56 mmap/munmap calls per check, a fifth of the run). The
// boot path's budget is set against a no-op binary (docs/performance.md),
// and scripts/bench measured (same run, 2-CPU VM): check 3.43x the floor
// with musl's allocator, 2.19x with dlmalloc (target 2.5x); write -q 4.28x
// against 2.94x (target 3x). Only the binary chooses it: apps using the
// library keep their own.
#[global_allocator]
static ALLOC: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

fn main() -> std::process::ExitCode {
    run().into()
}

fn run() -> ExitCode {
    let settings = Settings::from_process();
    // What output must never show, known before anything is read: even a
    // usage error prints through them.
    let known = pipeline::known_secrets(
        settings.args.iter().map(|a| a.as_encoded_bytes()),
        &settings.process,
    );
    let request = match cli::parse(&settings.args) {
        Ok(request) => request,
        Err(usage) => {
            let p = Printer::new(known);
            let code = usage_error(usage, &settings.args, &p);
            output::finish(&p);
            return code;
        }
    };
    let mut outcome = commands::run(&request, &settings, known);
    let p = Printer::new(std::mem::take(&mut outcome.secrets));
    let colors = print::Colors {
        stdout: !settings.no_color && std::io::stdout().is_terminal(),
        stderr: !settings.no_color && std::io::stderr().is_terminal(),
    };
    let level = logging::level(&request.options, settings.log.as_deref());
    logging::init(level, colors.stderr, &p);
    logging::notes(&p, &outcome.notes, level);
    let printed = print::render(&outcome, &p, request.options.format, colors);
    output::stderr(&p, printed.stderr.as_bytes());
    let code = match output::stdout(&p, &printed.stdout) {
        Ok(()) => outcome.result.unwrap_or(ExitCode::Failure),
        Err(e) => {
            output::stderr(
                &p,
                format!("securekey: error: cannot write output: {e}\n").as_bytes(),
            );
            ExitCode::Failure
        }
    };
    output::finish(&p);
    code
}

/// clap's error (or `--help`, `--version`): the typo and clap's tip as
/// typed, escaped, through the printer, on stderr; and on stdout the error
/// object of the format the arguments asked for, as every failed run
/// prints it (a script can always parse stdout).
fn usage_error(mut err: clap::Error, args: &[OsString], p: &Printer) -> ExitCode {
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
    let rendered = err.render().to_string();
    let mut stderr = String::new();
    print::say_shown(&mut stderr, rendered.trim_end());
    output::stderr(p, stderr.as_bytes());
    // clap's message without its usage and tip lines, on one line.
    let message = rendered
        .lines()
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    let _ = output::stdout(
        p,
        &print::error_document("usage", message, p, cli::format_of(args)),
    );
    ExitCode::Failure
}
