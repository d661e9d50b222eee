//! The commands. Each loads what it reads, learns the run's secrets, and
//! only then makes the [`Printer`] that everything printed goes through;
//! each returns the exit code, and only `main` exits.

use std::io::IsTerminal;
use std::path::Path;

use securekey_cli::checks::Severity;
use securekey_cli::env::{self, Env};
use securekey_cli::error::Error;
use securekey_cli::exit::ExitCode;
use securekey_cli::key_file;
use securekey_cli::pipeline::{self, Note, Outcome, Settings};
use securekey_cli::redact::{Printer, Secrets};
use securekey_cli::report::{self, OutputFormat, Report};

use crate::cli::{Command, Common, Config, Source};
use crate::{logging, output};

mod boot;
mod exec_d;
mod lint;
mod write;

/// How a run ended: the printer it made (for the error, if any) and its
/// result.
pub(crate) struct Ended {
    pub(crate) printer: Printer,
    pub(crate) result: Result<ExitCode, Error>,
}

/// Runs the command. `known` holds the secrets known before anything is
/// read (the arguments' key-shaped words, the process env's key vars).
pub(crate) fn run(config: &Config, known: Secrets) -> Ended {
    let common = &config.common;
    match &config.command {
        Command::Check { names, source } => checked(names, source, common, known, |p, outcome| {
            emit(p, &outcome.report, common)?;
            Ok(exit_code(&outcome.report))
        }),
        Command::Write {
            names,
            source,
            output,
        } => checked(names, source, common, known, |p, outcome| {
            emit(p, &outcome.report, common)?;
            let path = key_file::path(output.as_deref());
            let written = write::key_file(p, &outcome.report, &path, common.quiet)?;
            // Unwritten, it failed, even where `--allow` waived the reason.
            Ok(if written {
                exit_code(&outcome.report)
            } else {
                ExitCode::Findings
            })
        }),
        Command::ExecD { names } => exec_d::run(names, common, known),
        Command::Boot { names, print_file } => boot::dyno(names, *print_file, common, known),
        Command::Lint {
            sources,
            apps,
            addons,
        } => lint::run(sources, apps, addons, common, known),
    }
}

fn exit_code(report: &Report) -> ExitCode {
    if report.ok() {
        ExitCode::Ok
    } else {
        ExitCode::Findings
    }
}

/// Loads one environment.
fn load(source: &Source) -> Result<Env, Error> {
    match source {
        Source::Process => Ok(env::read_process()),
        Source::EnvFile(path) => env::read_file(path, env::Detect::JsonOrDotenv),
        Source::EnvDir(dir) => env::read_env_dir(dir),
        Source::HerokuJson(path) => env::read_file(path, env::Detect::Is(env::Format::HerokuJson)),
    }
}

/// `check`'s core, shared with `write` and `exec-d`: load, learn the
/// secrets, resolve the settings, check, then hand the outcome to `then`
/// with the run's printer.
fn checked(
    names: &[String],
    source: &Source,
    common: &Common,
    mut secrets: Secrets,
    then: impl FnOnce(&Printer, &Outcome) -> Result<ExitCode, Error>,
) -> Ended {
    let env = match load(source) {
        Ok(env) => env,
        Err(e) => return start(common, secrets).fail(e),
    };
    // A setting from the checked environment, else, for a saved one, from
    // the process's (at build time the app's settings are in ENV_DIR, and
    // the build's own env may set them too).
    let setting = |name: &str| match env.get(name) {
        Some(value) => Some(value.to_vec()),
        None if *source != Source::Process => {
            std::env::var_os(name).map(std::os::unix::ffi::OsStringExt::into_vec)
        }
        None => None,
    };
    let settings = Settings::resolve(
        names,
        &setting,
        Some(Path::new(".")),
        common.discover,
        common.policy.clone(),
    );
    let required = settings.as_ref().map_or(&[][..], |s| &s.required[..]);
    secrets.extend(pipeline::secrets(&env, required));
    let run = start(common, secrets);
    let result = settings
        .and_then(|settings| pipeline::check(&env, &settings))
        .and_then(|outcome| {
            log_notes(&run.printer, &outcome.notes);
            then(&run.printer, &outcome)
        });
    Ended {
        printer: run.printer,
        result,
    }
}

/// A run whose secrets are known: its printer, and the logger set up.
struct Started {
    printer: Printer,
}

fn start(common: &Common, secrets: Secrets) -> Started {
    let printer = Printer::new(secrets);
    logging::init(common, color_for(&std::io::stderr()), &printer);
    Started { printer }
}

impl Started {
    fn fail(self, error: Error) -> Ended {
        self.fail_or(Err(error))
    }

    fn fail_or(self, result: Result<ExitCode, Error>) -> Ended {
        Ended {
            printer: self.printer,
            result,
        }
    }
}

/// Logs what the pipeline had to say, the notes of levels that are on
/// redacted in one batch.
fn log_notes(p: &Printer, notes: &[Note]) {
    let debug = tracing::enabled!(tracing::Level::DEBUG);
    let shown: Vec<&Note> = notes
        .iter()
        .filter(|n| n.warning && tracing::enabled!(tracing::Level::WARN) || debug)
        .collect();
    p.prepare(shown.iter().map(|n| n.message.as_str()));
    for note in shown {
        let message = p.line(&note.message);
        if note.warning {
            tracing::warn!("{message}");
        } else {
            tracing::debug!("{message}");
        }
    }
}

/// Prints the report: to stdout, or under `-q` only the errors, one line
/// each on stderr (so a good boot prints nothing; warnings are the release
/// phase's to show).
fn emit(p: &Printer, report: &Report, common: &Common) -> Result<(), Error> {
    if common.quiet {
        let color = color_for(&std::io::stderr());
        for f in report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
        {
            output::say_shown(p, &report::finding_line(f, p, color));
        }
        return Ok(());
    }
    let color = common.format == OutputFormat::Human && color_for(&std::io::stdout());
    output::stdout(p, &report.render(p, common.format, color)).map_err(Error::Output)
}

/// Colour only on a terminal, and never with `NO_COLOR`.
pub(crate) fn color_for(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
