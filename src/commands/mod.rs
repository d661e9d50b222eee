//! The commands: load, check, report, write. Each returns the exit code;
//! only `main` exits.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use securekey::checks::Severity;
use securekey::env::{self, Env};
use securekey::error::Error;
use securekey::exit::ExitCode;
use securekey::key_file;
use securekey::pipeline;
use securekey::report::{self, OutputFormat, Report};
use securekey::select::{self, REQUIRE_VAR};

use crate::cli::{Command, Common, Config, Source};
use crate::output;

mod exec_d;
mod lint;
mod write;

/// Runs the command.
pub(crate) fn run(config: &Config) -> Result<ExitCode, Error> {
    let common = &config.common;
    match &config.command {
        Command::Check { names, source } => {
            let report = check_one(names, source, common)?;
            emit(&report, common)?;
            Ok(exit_code(&report))
        }
        Command::Write {
            names,
            source,
            output,
        } => {
            let report = check_one(names, source, common)?;
            emit(&report, common)?;
            let written = write::key_file(&report, &key_file::default_path(output.as_deref()))?;
            // Unwritten, it failed, even where `--allow` waived the reason.
            Ok(if written {
                exit_code(&report)
            } else {
                ExitCode::Findings
            })
        }
        Command::ExecD { names } => exec_d::run(names, common),
        Command::Lint {
            sources,
            apps,
            addons,
        } => {
            let report = lint::run(sources, apps, addons, common)?;
            emit(&report, common)?;
            Ok(exit_code(&report))
        }
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

/// A setting from the checked environment, else, when that is a saved one,
/// from the process's (at build time the app's settings are in `ENV_DIR`,
/// and the build's own env may set them too). For the process env itself
/// the first lookup is the only one.
fn setting(env: &Env, source: &Source, name: &str) -> Option<Vec<u8>> {
    match env.get(name) {
        Some(value) => Some(value.to_vec()),
        None if *source != Source::Process => {
            std::env::var_os(name).map(std::os::unix::ffi::OsStringExt::into_vec)
        }
        None => None,
    }
}

/// `check`'s core, shared with `write` and `exec-d`: the environment
/// loaded and its settings resolved here, checked by
/// [`securekey::pipeline::check`].
///
/// What is logged while the environment is read (an `ENV_DIR` file skipped
/// for its name, which may hold a piece of a key) waits until the mask
/// knows its key values, as `lint` holds stderr until every app is read.
fn check_one(names: &[String], source: &Source, common: &Common) -> Result<Report, Error> {
    output::hold_stderr();
    let report = load(source).and_then(|env| {
        let checked = check_env(&env, names, source, common);
        if checked.is_err() {
            // Stopped before the check told the mask: tell it now.
            output::know(select::key_values(&env));
        }
        checked
    });
    output::release_stderr();
    report
}

fn check_env(
    env: &Env,
    names: &[String],
    source: &Source,
    common: &Common,
) -> Result<Report, Error> {
    let (required, from) = select::required(
        names,
        setting(env, source, REQUIRE_VAR).as_deref(),
        Path::new("."),
    )?;
    pipeline::check(
        env,
        (&required, from),
        setting(env, source, "HEROKU_APP_NAME").as_deref(),
        common.discover,
        &common.policy,
        &mut |values| output::know(values),
    )
}

/// Prints the report: to stdout, or under `-q` only the errors, one line
/// each on stderr (so a good boot prints nothing; warnings are the release
/// phase's to show).
fn emit(report: &Report, common: &Common) -> Result<(), Error> {
    let result = if common.quiet {
        let color = color_for(&io::stderr());
        let mut err = output::stderr();
        report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .try_for_each(|f| writeln!(err, "securekey: {}", report::finding_line(f, color)))
            .and_then(|()| err.flush())
    } else {
        let color = common.format == OutputFormat::Human && color_for(&io::stdout());
        let mut out = output::stdout();
        report
            .render(&mut out, common.format, color)
            .and_then(|()| out.finish())
    };
    match result {
        // A closed pipe (`securekey check | head`) is the reader's choice.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(Error::Output),
    }
}

/// Colour only on a terminal, and never with `NO_COLOR`.
pub(crate) fn color_for(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
