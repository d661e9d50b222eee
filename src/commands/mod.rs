//! One run of the binary, composed once: a [`Request`] (what the
//! arguments asked, as plain data) and the process's [`Settings`] in, one
//! [`Outcome`] out. Each command kind has one function that owns the order
//! (read every source, learning its secrets as it is read; check; write
//! what the command writes), and nothing here prints: [`print`] turns the
//! outcome into the bytes `main` writes. The binary and the `pipeline`
//! fuzz target both call [`run`] and [`print::render`].

use std::path::PathBuf;

use crate::error::Error;
use crate::exit::ExitCode;
use crate::pipeline::Note;
use crate::redact::Secrets;
use crate::report::{OutputFormat, Policy, Report};
use crate::settings::Settings;

mod boot;
mod check;
mod exec_d;
mod lint;
pub mod print;
mod write;

/// Where one environment comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The process environment.
    Process,
    /// A dotenv file, or stdin (`-`).
    EnvFile(PathBuf),
    /// An `ENV_DIR`.
    EnvDir(PathBuf),
    /// `heroku config --json` output, or stdin (`-`).
    HerokuJson(PathBuf),
}

/// What to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `check`: one environment, the release-phase gate.
    Check {
        /// The required vars.
        names: Vec<String>,
        /// Where the environment is.
        source: Source,
    },
    /// `write`: check, then write the key file.
    Write {
        /// The required vars.
        names: Vec<String>,
        /// Where the environment is.
        source: Source,
        /// `--output`.
        output: Option<PathBuf>,
    },
    /// `lint`: saved environments and apps read live, side by side.
    Lint {
        /// `APP=PATH` or `PATH` arguments.
        sources: Vec<String>,
        /// `--app`: read live.
        apps: Vec<String>,
        /// `--addon`: read live, with the apps it is attached to.
        addons: Vec<String>,
    },
    /// `exec-d`: the CNB exec.d program.
    ExecD {
        /// The required vars.
        names: Vec<String>,
    },
    /// `boot`: the Cedar dyno boot.
    Boot {
        /// The required vars.
        names: Vec<String>,
        /// `--print-file`: the key file's path on stdout, for the boot
        /// script to export.
        print_file: bool,
    },
}

/// Options every command takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `--format`.
    pub format: OutputFormat,
    /// `--strict`, `--allow`.
    pub policy: Policy,
    /// Not `--no-discover`.
    pub discover: bool,
    /// `-q`: only errors, on stderr.
    pub quiet: bool,
    /// `-v` count: 0 from `SECUREKEY_LOG` (default warn), 1 debug, 2+ trace.
    pub verbose: u8,
}

/// The whole run the arguments ask for, as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// What to do.
    pub command: Command,
    /// How.
    pub options: Options,
}

/// How a run ended, before anything is printed: what output must never
/// show, what to log, what to say on stderr, and the report or the error.
#[derive(Debug)]
pub struct Outcome {
    /// Every secret the run learned: those known before it started, and
    /// each source's, as it was read (a source that failed midway
    /// included).
    pub secrets: Secrets,
    /// What to log.
    pub notes: Vec<Note>,
    /// Messages for stderr (`securekey: …`), in order; names and paths in
    /// them are shown through the printer.
    pub said: Vec<String>,
    /// The report, when the run got that far and it is what stdout shows.
    pub report: Option<Report>,
    /// Only errors, on stderr, in place of the report (`-q`; the boot).
    pub quiet: bool,
    /// The key file written (`write`, the boots).
    pub wrote: Option<PathBuf>,
    /// A path stdout holds in place of a report, whatever the run did:
    /// `boot --print-file`, so the boot script exports the binary's path
    /// rule rather than a copy of it.
    pub path_out: Option<PathBuf>,
    /// The run's end: its exit code, or the error that stopped it (exit 2;
    /// stdout then holds the error document in place of the report).
    pub result: Result<ExitCode, Error>,
}

impl Default for Outcome {
    fn default() -> Self {
        Outcome {
            secrets: Secrets::default(),
            notes: Vec::new(),
            said: Vec::new(),
            report: None,
            quiet: false,
            wrote: None,
            path_out: None,
            result: Ok(ExitCode::Ok),
        }
    }
}

impl Outcome {
    /// A run that stopped on `error` before it had a report.
    fn failed(secrets: Secrets, notes: Vec<Note>, error: Error) -> Outcome {
        Outcome {
            secrets,
            notes,
            result: Err(error),
            ..Outcome::default()
        }
    }
}

/// Runs the request. `known` holds the secrets known before anything is
/// read ([`crate::pipeline::known_secrets`]: the arguments' key-shaped
/// words, the process env's key vars and token).
#[must_use]
pub fn run(request: &Request, settings: &Settings, known: Secrets) -> Outcome {
    let options = &request.options;
    match &request.command {
        Command::Check { names, source } => check::check(names, source, options, settings, known),
        Command::Write {
            names,
            source,
            output,
        } => {
            let path = settings.key_file_or(output.as_deref());
            check::write(names, source, &path, options, settings, known)
        }
        Command::ExecD { names } => exec_d::run(names, options, settings, known),
        Command::Boot { names, print_file } => {
            let mut outcome = boot::dyno(names, options, settings, known);
            if *print_file {
                outcome.path_out = Some(settings.boot_key_file.clone());
            }
            outcome
        }
        Command::Lint {
            sources,
            apps,
            addons,
        } => lint::run(sources, apps, addons, options, settings, known),
    }
}

/// The exit code of a report: 1 when it holds an error (after the policy).
fn exit_code(report: &Report) -> ExitCode {
    if report.ok() {
        ExitCode::Ok
    } else {
        ExitCode::Findings
    }
}
