//! Command-line arguments: clap's definitions, turned into a plain
//! [`Request`] before anything runs. Nothing else in the program sees clap.

// Doc comments on the clap types are `--help` text, where backticks would
// show: plain names read better there.
#![allow(clippy::doc_markdown)]

use std::path::PathBuf;

use std::ffi::OsString;
use std::fmt::Write as _;

use clap::{Args, Parser, Subcommand, ValueEnum};
use securekey_cli::checks::CheckId;
use securekey_cli::commands::{Command, Options, Request, Source};
use securekey_cli::report::{OutputFormat, Policy};

const AFTER_HELP: &str = "\
Exit codes: 0 no errors; 1 errors found (or warnings under --strict); 2 usage, configuration or I/O failure.
Settings: SECUREKEY_REQUIRE (required vars), SECUREKEY_FILE (key file path), SECUREKEY_BOOT (off|strict), SECUREKEY_LOG (error|warn|info|debug|trace), NO_COLOR.";

const AFTER_LONG_HELP: &str = "\
Examples:
  securekey check                          the release phase: Procfile `release: securekey check`
  securekey check --env-file .env          a saved environment
  securekey write                          the key file, at dyno boot (the buildpack runs it)
  securekey lint service-1=s1.json service-2=s2.json
  securekey lint --format json prod=<(heroku config --json -a prod) | jq .findings

Exit codes: 0 no errors; 1 errors found (or warnings under --strict); 2 usage, configuration or I/O failure.
Settings: SECUREKEY_REQUIRE (required vars), SECUREKEY_FILE (key file path), SECUREKEY_BOOT (off|strict), SECUREKEY_LOG (error|warn|info|debug|trace), NO_COLOR.
Docs: https://github.com/securekey-buildpack/securekey#readme";

/// `--allow`'s long help: every check with what it looks for, from the
/// one list of checks.
fn allow_help() -> String {
    let mut help = "Drop the findings of a check (repeatable, or comma-separated), e.g. --allow whitespace.\nThe checks:".to_owned();
    for id in CheckId::ALL {
        let _ = write!(
            help,
            "\n  {:<17} {} ({})",
            id.as_str(),
            id.description(),
            id.severity()
        );
    }
    help
}

const LINT_AFTER_HELP: &str = "\
Each SOURCE is one app's saved config: `heroku config --json -a APP > APP.json` (or --shell, or a dotenv file, or an ENV_DIR), labelled APP=PATH or named by its file. Without a file: `securekey lint APP=<(heroku config --json -a APP)`. A folder of saved files: `securekey lint saved/*`.

Examples:
  securekey lint service-1=s1.json service-2=s2.json
  securekey lint --app service-1 --app service-2
  securekey lint --addon securekey-solid-14332 service-3=s3.env
Live sources are named heroku:APP. The token: HEROKU_API_KEY, else `heroku auth:token`, else ~/.netrc (never an argument). The API: HEROKU_HOST (the Heroku CLI's rule), else https://api.heroku.com.";

// The messages leave the value out, as every usage error does (main.rs).
fn parse_app(s: &str) -> Result<String, String> {
    if securekey_cli::heroku::is_app_ident(s) {
        Ok(s.to_owned())
    } else {
        Err(
            "not a Heroku app name (3 to 30 lowercase letters, digits and dashes) or app id"
                .to_owned(),
        )
    }
}

fn parse_addon(s: &str) -> Result<String, String> {
    if securekey_cli::heroku::is_addon_ident(s) {
        Ok(s.to_owned())
    } else {
        Err("not an add-on name or id (letters, digits, - and _)".to_owned())
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "securekey",
    version,
    about = "Keeps Heroku's rotating SecureKey add-on honest: checks SECURE_KEY and its attachments, writes the key file at boot, lints saved environments.",
    after_help = AFTER_HELP,
    after_long_help = AFTER_LONG_HELP,
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: CommandArgs,
}

#[derive(Args, Debug)]
struct CommonArgs {
    /// Output format: lines for people, the JSON report, GitHub Actions workflow commands, or a Markdown table (a job summary).
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,

    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,

    /// Drop the findings of a check (repeatable, or comma-separated), e.g. --allow whitespace.
    #[arg(long, value_name = "ID", value_delimiter = ',', value_parser = parse_check, long_help = allow_help())]
    allow: Vec<CheckId>,

    /// Check only the required vars; do not discover others.
    #[arg(long)]
    no_discover: bool,

    /// Print only errors, one line each on stderr (nothing on success); warnings are not shown (--strict makes them errors).
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,

    /// More logging on stderr (-v debug, -vv trace); overrides SECUREKEY_LOG.
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
}

// The message leaves the value out, as every usage error does (main.rs).
fn parse_check(s: &str) -> Result<CheckId, String> {
    s.parse::<CheckId>().map_err(|_| {
        let ids: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        format!("not a check; the checks are: {}", ids.join(", "))
    })
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    Human,
    Json,
    Github,
    Markdown,
}

#[derive(Args, Debug)]
#[group(multiple = false)]
struct SourceArgs {
    /// Check a dotenv file (`export`, quotes, comments); `-` reads stdin, and JSON content is read as `heroku config --json`.
    #[arg(long, value_name = "PATH")]
    env_file: Option<PathBuf>,

    /// Check Heroku's ENV_DIR: one file per config var (as bin/compile gets it).
    #[arg(long, value_name = "DIR")]
    env_dir: Option<PathBuf>,

    /// Check the output of `heroku config --json`; `-` reads stdin.
    #[arg(long, value_name = "PATH")]
    heroku_json: Option<PathBuf>,
}

// `defer`: clap builds a subcommand's arguments only when that subcommand
// runs, so `write` at dyno boot does not build `lint`'s and the others'.
#[derive(Subcommand, Debug)]
#[command(defer = true)]
enum CommandArgs {
    /// Check one environment (the process env by default): the release-phase gate.
    Check(CheckArgs),
    /// Check, then write the normalized key file (all or nothing): run at dyno boot.
    Write(WriteArgs),
    /// Lint saved environments of several apps side by side: APP=PATH or PATH, `-` for stdin.
    Lint(LintArgs),
    /// The Cloud Native Buildpack exec.d program: write the key file, print SECUREKEY_FILE on fd 3.
    #[command(name = "exec-d")]
    ExecD(ExecDArgs),
    /// The dyno boot (run by .profile.d/securekey.sh): write the key file; only SECUREKEY_BOOT=strict makes a failure stop the boot (off skips it).
    Boot(BootArgs),
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Required config vars (default: SECUREKEY_REQUIRE, then securekey.json, else any SecureKey var: SECURE_KEY, *_SECURE_KEY, SECUREKEY_*_KEY).
    names: Vec<String>,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
struct WriteArgs {
    /// Required config vars, as for `check`.
    names: Vec<String>,
    /// The key file (default: $SECUREKEY_FILE, else .securekey/keys.json).
    #[arg(long, short, value_name = "PATH")]
    output: Option<PathBuf>,
    #[command(flatten)]
    source: SourceArgs,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
#[command(after_help = LINT_AFTER_HELP)]
struct LintArgs {
    /// `heroku config --json` or `--shell` output, a dotenv file or an ENV_DIR, optionally labelled APP=PATH; `-` reads stdin.
    #[arg(required_unless_present_any = ["apps", "addons"], value_name = "SOURCE")]
    sources: Vec<String>,
    /// Read an app live from the Heroku Platform API (repeatable): its config vars, add-on attachments and releases.
    #[arg(long = "app", value_name = "APP", value_parser = parse_app)]
    apps: Vec<String>,
    /// Read a SecureKey add-on live (repeatable): its own app and every app it is attached to.
    #[arg(long = "addon", value_name = "ADDON", value_parser = parse_addon)]
    addons: Vec<String>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
struct BootArgs {
    /// Required config vars, as for `check`.
    names: Vec<String>,
    /// Print the key file's path on stdout (SECUREKEY_FILE, else $HOME/.securekey/keys.json), whatever the boot did: the boot script exports it for the app.
    #[arg(long)]
    print_file: bool,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
struct ExecDArgs {
    /// Required config vars, as for `check`.
    names: Vec<String>,
    #[command(flatten)]
    common: CommonArgs,
}

/// The whole command line as clap defines it: for the man page and the
/// shell completions (examples/docs.rs, at package time).
#[allow(dead_code)] // Used by examples/docs.rs, which includes this file.
pub(crate) fn command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command()
}

/// Parses the process arguments.
///
/// # Errors
/// clap's error (usage, or `--help`/`--version`), for `main` to print.
pub(crate) fn parse(args: &[OsString]) -> Result<Request, clap::Error> {
    Cli::try_parse_from(args).map(Request::from)
}

/// The `--format` the arguments ask for, when clap could not parse them
/// as a whole: so that a usage error, too, prints the error object in the
/// format asked for. clap stops at the first error (even under
/// `ignore_errors`, later options keep their defaults), so the last
/// `--format VALUE` or `--format=VALUE` is read here, its value by clap's
/// own `ValueEnum`; anything else is the human format.
pub(crate) fn format_of(args: &[OsString]) -> OutputFormat {
    let mut found = None;
    let mut args = args.iter().skip(1).map(|a| a.to_str());
    while let Some(arg) = args.next() {
        let value = match arg {
            Some("--") => break,
            Some("--format") => args.next().flatten(),
            Some(a) => a.strip_prefix("--format="),
            None => None,
        };
        if let Some(value) = value {
            found = FormatArg::from_str(value, false).ok().or(found);
        }
    }
    found.map_or(OutputFormat::Human, OutputFormat::from)
}

impl From<FormatArg> for OutputFormat {
    fn from(arg: FormatArg) -> Self {
        match arg {
            FormatArg::Human => OutputFormat::Human,
            FormatArg::Json => OutputFormat::Json,
            FormatArg::Github => OutputFormat::Github,
            FormatArg::Markdown => OutputFormat::Markdown,
        }
    }
}

impl From<SourceArgs> for Source {
    fn from(args: SourceArgs) -> Self {
        match (args.env_file, args.env_dir, args.heroku_json) {
            (Some(p), _, _) => Source::EnvFile(p),
            (_, Some(p), _) => Source::EnvDir(p),
            (_, _, Some(p)) => Source::HerokuJson(p),
            _ => Source::Process,
        }
    }
}

impl From<Cli> for Request {
    fn from(cli: Cli) -> Self {
        let (command, c) = match cli.command {
            CommandArgs::Check(a) => (
                Command::Check {
                    names: a.names,
                    source: a.source.into(),
                },
                a.common,
            ),
            CommandArgs::Write(a) => (
                Command::Write {
                    names: a.names,
                    source: a.source.into(),
                    output: a.output,
                },
                a.common,
            ),
            CommandArgs::Lint(a) => (
                Command::Lint {
                    sources: a.sources,
                    apps: a.apps,
                    addons: a.addons,
                },
                a.common,
            ),
            CommandArgs::ExecD(a) => (Command::ExecD { names: a.names }, a.common),
            CommandArgs::Boot(a) => (
                Command::Boot {
                    names: a.names,
                    print_file: a.print_file,
                },
                a.common,
            ),
        };
        Request {
            command,
            options: Options {
                format: c.format.into(),
                policy: Policy {
                    strict: c.strict,
                    allow: c.allow,
                },
                discover: !c.no_discover,
                quiet: c.quiet,
                verbose: c.verbose,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_from(args: &[&str]) -> Result<Request, clap::Error> {
        Cli::try_parse_from(args).map(Request::from)
    }

    #[test]
    fn cli_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn common_options_after_the_command() {
        let c = parse_from(&[
            "securekey",
            "check",
            "A_KEY",
            "--strict",
            "--allow",
            "case,whitespace",
            "--format",
            "json",
        ])
        .unwrap();
        assert_eq!(c.options.policy.allow, [CheckId::Case, CheckId::Whitespace]);
        assert!(c.options.policy.strict);
        assert_eq!(c.options.format, OutputFormat::Json);
        assert_eq!(
            c.command,
            Command::Check {
                names: vec!["A_KEY".into()],
                source: Source::Process
            }
        );
    }

    #[test]
    fn allow_help_lists_every_check() {
        let help = allow_help();
        let listed: Vec<&str> = help
            .lines()
            .skip(2)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        let ids: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, ids);
    }

    #[test]
    fn one_source_at_a_time() {
        assert!(parse_from(&["securekey", "check", "--env-file", "a", "--env-dir", "b"]).is_err());
        assert!(parse_from(&["securekey", "check", "--allow", "nope"]).is_err());
        assert!(parse_from(&["securekey", "lint"]).is_err());
    }

    #[test]
    fn lint_live_and_saved_mixed() {
        let c = parse_from(&[
            "securekey",
            "lint",
            "--app",
            "service-1",
            "s3.env",
            "--addon",
            "securekey-solid-14332",
            "--app",
            "service-2",
        ])
        .unwrap();
        assert_eq!(
            c.command,
            Command::Lint {
                sources: vec!["s3.env".into()],
                apps: vec!["service-1".into(), "service-2".into()],
                addons: vec!["securekey-solid-14332".into()],
            }
        );
        assert!(parse_from(&["securekey", "lint", "--addon", "x"]).is_ok());
        assert!(parse_from(&["securekey", "lint", "--app", "../etc"]).is_err());
        assert!(parse_from(&["securekey", "lint", "--addon", "a/b"]).is_err());
    }
}
