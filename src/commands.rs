//! The commands: load, check, report, write. Each returns the exit code;
//! only `main` exits.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use securekey::checks::{self, Severity, VarReport};
use securekey::env::{self, Env};
use securekey::error::Error;
use securekey::exit::ExitCode;
use securekey::key::shown;
use securekey::key_file::{self, KeyFile};
use securekey::report::{self, OutputFormat, Report};
use securekey::select::{self, REQUIRE_VAR};

use crate::cli::{Command, Common, Config, Source};

/// The setting that says what a failed boot does: `strict` stops it, `off`
/// skips the key file, anything else logs and goes on.
const BOOT_VAR: &str = "SECUREKEY_BOOT";

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
            if !writable(&report) {
                eprintln!("securekey: the key file was not written (an existing one is untouched)");
                return Ok(ExitCode::Findings);
            }
            let path = key_file::default_path(output.as_deref());
            write_key_file(&report, &path)?;
            Ok(ExitCode::Ok)
        }
        Command::ExecD { names } => exec_d(names, common),
        Command::Lint { sources } => {
            let report = lint(sources, common)?;
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

/// `check`'s core, shared with `write` and `exec-d`.
fn check_one(names: &[String], source: &Source, common: &Common) -> Result<Report, Error> {
    let env = load(source)?;
    let (required, from) = select::required(
        names,
        setting(&env, source, REQUIRE_VAR).as_deref(),
        Path::new("."),
    )?;
    let selected = select::select(&env, &required, common.discover);
    tracing::info!(
        source = %env.source,
        vars = env.vars.len(),
        checked = selected.len(),
        required_from = ?from,
        "checking config vars"
    );
    let app = setting(&env, source, "HEROKU_APP_NAME").and_then(|a| String::from_utf8(a).ok());
    let (vars, findings) = checks::check_env(&selected, &env.source, app.as_deref());
    log_vars(&vars);
    let mut report = Report {
        vars,
        findings,
        groups: None,
    };
    report.apply(&common.policy);
    Ok(report)
}

fn log_vars(vars: &[VarReport]) {
    for v in vars {
        tracing::debug!(
            app = v.app.as_deref().unwrap_or(""),
            var = %v.var,
            required = v.required,
            present = v.present,
            latest_id = %v.latest_id.map(|i| i.to_string()).unwrap_or_default(),
            previous_id = %v.previous_id.map(|i| i.to_string()).unwrap_or_default(),
            "checked"
        );
    }
}

/// Prints the report: to stdout, or under `-q` only the errors, one line
/// each on stderr (so a good boot prints nothing; warnings are the release
/// phase's to show).
fn emit(report: &Report, common: &Common) -> Result<(), Error> {
    let result = if common.quiet {
        let mut err = io::stderr().lock();
        let color = color_for(&io::stderr());
        report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .try_for_each(|f| writeln!(err, "securekey: {}", report::finding_line(f, color)))
    } else {
        let color = common.format == OutputFormat::Human && color_for(&io::stdout());
        report.render(&mut io::stdout().lock(), common.format, color)
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

/// Whether the key file can be written: no errors, and a well-formed pair
/// for every var that is set. (`--allow` can waive an error such as
/// `previous-empty`, which lets a release through, but a key file must hold
/// both keys of every var it names, or the app would read a partial one.)
fn writable(report: &Report) -> bool {
    let mut ok = report.ok();
    for v in report.vars.iter().filter(|v| v.present && v.pair.is_none()) {
        eprintln!(
            "securekey: error: {} has no well-formed LATEST,PREVIOUS pair (its findings were allowed), and the key file needs both keys",
            v.var
        );
        ok = false;
    }
    ok
}

fn key_file_of(report: &Report) -> KeyFile {
    let mut file = KeyFile::new();
    for v in &report.vars {
        if let Some(pair) = &v.pair {
            file.insert(v.var.clone(), pair.clone());
        }
    }
    file
}

fn write_key_file(report: &Report, path: &Path) -> Result<(), Error> {
    let file = key_file_of(report);
    file.write(path)?;
    tracing::info!(path = %shown(path.as_os_str()), pairs = file.len(), "wrote the key file");
    Ok(())
}

/// The CNB exec.d program. The launcher runs it before every process and
/// reads `NAME = "value"` TOML from fd 3; a non-zero exit stops the launch.
fn exec_d(names: &[String], common: &Common) -> Result<ExitCode, Error> {
    let boot = std::env::var(BOOT_VAR).unwrap_or_default();
    if !matches!(boot.as_str(), "" | "strict" | "off") {
        eprintln!(
            "securekey: warning: {BOOT_VAR} is neither `strict` nor `off`; a broken key will be logged and the process started"
        );
    }
    if boot == "off" {
        tracing::info!("{BOOT_VAR}=off: not writing the key file");
        return Ok(ExitCode::Ok);
    }
    let mut fd3 = std::fs::OpenOptions::new()
        .write(true)
        .open("/proc/self/fd/3")
        .map_err(Error::NoFd3)?;
    let strict = boot == "strict";
    let quiet = Common {
        quiet: true,
        ..common.clone()
    };
    let report = check_one(names, &Source::Process, &quiet)?;
    emit(&report, &quiet)?;
    let path = absolute(&exec_d_path());
    let written = if writable(&report) {
        write_key_file(&report, &path).map(|()| true)
    } else {
        Ok(false)
    };
    match written {
        Ok(true) => {
            let line = format!(
                "{} = {}\n",
                key_file::FILE_VAR,
                toml_str(&path.to_string_lossy())
            );
            fd3.write_all(line.as_bytes()).map_err(Error::NoFd3)?;
            Ok(ExitCode::Ok)
        }
        Ok(false) if strict => {
            eprintln!(
                "securekey: the key file was not written; {BOOT_VAR}=strict stops the launch"
            );
            Ok(ExitCode::Findings)
        }
        Ok(false) => {
            eprintln!(
                "securekey: the key file was not written; the process starts without it (set {BOOT_VAR}=strict to stop the launch instead)"
            );
            Ok(ExitCode::Ok)
        }
        Err(e) if strict => Err(e),
        Err(e) => {
            eprintln!("securekey: error: {e}; the process starts without a key file");
            Ok(ExitCode::Ok)
        }
    }
}

/// `$SECUREKEY_FILE`, else `$HOME/.securekey/keys.json`, else under the
/// working directory.
fn exec_d_path() -> PathBuf {
    if let Some(p) = std::env::var_os(key_file::FILE_VAR).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        Some(home) => PathBuf::from(home).join(".securekey/keys.json"),
        None => PathBuf::from(key_file::DEFAULT_PATH),
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One `lint` source: a label and a path.
fn parse_lint_source(arg: &str) -> (String, PathBuf) {
    // `APP=PATH`; a path with `=` in it but no app before it stays a path.
    if let Some((app, path)) = arg.split_once('=')
        && !app.is_empty()
        && !app.contains('/')
        && !path.is_empty()
    {
        return (shown(OsStr::new(app)), PathBuf::from(path));
    }
    let path = PathBuf::from(arg);
    let label = if arg == "-" {
        "stdin".to_owned()
    } else {
        path.file_name()
            .map_or_else(|| shown(OsStr::new(arg)), shown)
    };
    (label, path)
}

fn lint(sources: &[String], common: &Common) -> Result<Report, Error> {
    let mut report = Report {
        groups: Some(Vec::new()),
        ..Report::default()
    };
    for arg in sources {
        let (app, path) = parse_lint_source(arg);
        let env = if path.as_os_str() != "-" && path.is_dir() {
            env::read_env_dir(&path)?
        } else {
            env::read_file(&path, env::Detect::Strict)?
        };
        // Only the app's own settings count: the process env is not theirs,
        // nor is a securekey.json in the directory lint runs in.
        let required = match env.get(REQUIRE_VAR) {
            Some(value) => select::require_setting(value)?,
            None => Vec::new(),
        };
        let mut selected = select::select(&env, &required, common.discover);
        if selected.is_empty() {
            // An app with no key var at all: report the default as missing.
            selected.push(select::Selected {
                name: select::DEFAULT_REQUIRED.to_owned(),
                required: true,
                value: None,
            });
        }
        tracing::info!(app = %app, source = %env.source, checked = selected.len(), "linting");
        // Fix commands name the Heroku app: the env's own HEROKU_APP_NAME,
        // else the label when it can be an app name (not `s1.json`).
        let app_name = env
            .get("HEROKU_APP_NAME")
            .and_then(|a| std::str::from_utf8(a).ok())
            .map(str::to_owned)
            .or_else(|| is_app_name(&app).then(|| app.clone()));
        let (mut vars, mut findings) =
            checks::check_env(&selected, &env.source, app_name.as_deref());
        for v in &mut vars {
            v.app = Some(app.clone());
        }
        for f in &mut findings {
            f.app = Some(app.clone());
        }
        log_vars(&vars);
        report.vars.extend(vars);
        report.findings.extend(findings);
    }
    report.findings.extend(checks::check_across(&report.vars));
    report.groups = Some(checks::pair_groups(&report.vars));
    report.apply(&common.policy);
    Ok(report)
}

/// Heroku app names: lowercase letters, digits and dashes, starting with a
/// letter, at most 30 chars.
fn is_app_name(label: &str) -> bool {
    label.len() <= 30
        && label.starts_with(|c: char| c.is_ascii_lowercase())
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lint_source_labels() {
        assert_eq!(
            parse_lint_source("service-1=s1.json"),
            ("service-1".into(), "s1.json".into())
        );
        assert_eq!(
            parse_lint_source("dir/s1.json"),
            ("s1.json".into(), "dir/s1.json".into())
        );
        assert_eq!(
            parse_lint_source("./a=b/x.env"),
            ("x.env".into(), "./a=b/x.env".into())
        );
        assert_eq!(parse_lint_source("-"), ("stdin".into(), "-".into()));
        assert!(is_app_name("service-1"));
        assert!(!is_app_name("s1.json") && !is_app_name("Service") && !is_app_name("1app"));
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_str("/app/a\"b\\c"), "\"/app/a\\\"b\\\\c\"");
        assert_eq!(toml_str("a\nb"), "\"a\\u000Ab\"");
    }
}
