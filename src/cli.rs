//! Command-line arguments: clap's definitions, turned into a plain
//! [`Config`] before anything runs. Nothing else in the program sees clap.

// Doc comments on the clap types are `--help` text, where backticks would
// show: plain names read better there.
#![allow(clippy::doc_markdown)]

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use securekey::checks::CheckId;
use securekey::report::{OutputFormat, Policy};

const AFTER_HELP: &str = "\
Exit codes: 0 no errors; 1 errors found (or warnings under --strict); 2 usage, configuration or I/O failure.
Settings: SECUREKEY_REQUIRE (required vars), SECUREKEY_FILE (key file path), SECUREKEY_LOG (error|warn|info|debug|trace), NO_COLOR.";

#[derive(Parser, Debug)]
#[command(
    name = "securekey",
    version,
    about = "Keeps Heroku's rotating SecureKey add-on honest: checks SECURE_KEY and its attachments, writes the key file at boot, lints saved environments.",
    after_help = AFTER_HELP,
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: CommandArgs,
}

#[derive(Args, Debug)]
struct CommonArgs {
    /// Output format: lines for people, or the JSON report.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,

    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,

    /// Drop the findings of a check (repeatable, or comma-separated), e.g. --allow whitespace.
    #[arg(long, value_name = "ID", value_delimiter = ',', value_parser = parse_check)]
    allow: Vec<CheckId>,

    /// Check only the required vars; do not discover others.
    #[arg(long)]
    no_discover: bool,

    /// Print only errors, one line each on stderr (nothing on success).
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,

    /// More logging on stderr (-v debug, -vv trace); overrides SECUREKEY_LOG.
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
}

fn parse_check(s: &str) -> Result<CheckId, String> {
    s.parse::<CheckId>().map_err(|e| e.to_string())
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum FormatArg {
    Human,
    Json,
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

#[derive(Subcommand, Debug)]
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
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Required config vars (default: SECUREKEY_REQUIRE, then securekey.json, then SECURE_KEY).
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
struct LintArgs {
    /// `heroku config --json` or `--shell` output, a dotenv file or an ENV_DIR, optionally labelled APP=PATH.
    #[arg(required = true, value_name = "SOURCE")]
    sources: Vec<String>,
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

/// Where one environment comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The process environment.
    Process,
    /// A dotenv file, or stdin (`-`).
    EnvFile(PathBuf),
    /// An ENV_DIR.
    EnvDir(PathBuf),
    /// `heroku config --json` output, or stdin (`-`).
    HerokuJson(PathBuf),
}

/// What to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Check {
        names: Vec<String>,
        source: Source,
    },
    Write {
        names: Vec<String>,
        source: Source,
        output: Option<PathBuf>,
    },
    Lint {
        sources: Vec<String>,
    },
    ExecD {
        names: Vec<String>,
    },
}

/// Options every command takes. (Declared on each subcommand rather than
/// as clap globals: propagating globals was half of clap's start-up cost,
/// paid on every dyno boot.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Common {
    pub(crate) format: OutputFormat,
    pub(crate) policy: Policy,
    pub(crate) discover: bool,
    pub(crate) quiet: bool,
    /// 0 = from SECUREKEY_LOG (default warn), 1 = debug, 2+ = trace.
    pub(crate) verbose: u8,
}

/// The whole run, as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Config {
    pub(crate) command: Command,
    pub(crate) common: Common,
}

/// Parses the process arguments.
///
/// # Errors
/// clap's error (usage, or `--help`/`--version`), to be printed by `main`.
pub(crate) fn parse() -> Result<Config, clap::Error> {
    let args: Vec<OsString> = std::env::args_os().collect();
    if let Some(config) = parse_fast(&args) {
        return Ok(config);
    }
    Cli::try_parse_from(args).map(Config::from)
}

/// The boot-time path, by hand: the plain forms of the four commands, as
/// clap would parse them. clap builds its whole command tree before it
/// parses, and that was a third of a run's cost on every dyno boot (SPEC §9
/// wants a run within 1.5x of a no-op binary). Anything unusual — help,
/// version, `--opt=value`, `--`, a repeated option, an unknown flag or id,
/// non-UTF-8 — returns `None`, and clap parses (or explains) it, so users
/// see one grammar. `the_fast_path_parses_like_clap` holds the two together.
fn parse_fast(args: &[OsString]) -> Option<Config> {
    let mut args = args.iter().skip(1).map(|a| a.to_str());
    let name = args.next()??;
    let mut names: Vec<String> = Vec::new();
    let mut sources: [Option<PathBuf>; 3] = [None, None, None];
    let mut output: Option<PathBuf> = None;
    let mut format: Option<OutputFormat> = None;
    let (mut strict, mut no_discover, mut quiet) = (false, false, false);
    let mut verbose: u8 = 0;
    let mut allow: Vec<CheckId> = Vec::new();
    let takes_source = matches!(name, "check" | "write");
    // A value must not look like an option (clap refuses `--env-file --strict`).
    let value = |v: Option<Option<&str>>| -> Option<String> {
        let v = v??;
        (v == "-" || !v.starts_with('-')).then(|| v.to_owned())
    };
    let set_once = |slot: &mut Option<PathBuf>, v: String| -> Option<()> {
        slot.is_none().then(|| *slot = Some(PathBuf::from(v)))
    };
    let flag_once = |flag: &mut bool| -> Option<()> { (!*flag).then(|| *flag = true) };
    while let Some(arg) = args.next() {
        let arg = arg?;
        match arg {
            "--env-file" if takes_source => set_once(&mut sources[0], value(args.next())?)?,
            "--env-dir" if takes_source => set_once(&mut sources[1], value(args.next())?)?,
            "--heroku-json" if takes_source => set_once(&mut sources[2], value(args.next())?)?,
            "-o" | "--output" if name == "write" => set_once(&mut output, value(args.next())?)?,
            "--format" if format.is_none() => {
                format = Some(match value(args.next())?.as_str() {
                    "human" => OutputFormat::Human,
                    "json" => OutputFormat::Json,
                    _ => return None,
                });
            }
            "--strict" => flag_once(&mut strict)?,
            "--no-discover" => flag_once(&mut no_discover)?,
            "-q" | "--quiet" => flag_once(&mut quiet)?,
            "--verbose" => verbose = verbose.saturating_add(1),
            "--allow" => {
                for id in value(args.next())?.split(',') {
                    allow.push(id.parse().ok()?);
                }
            }
            short
                if short.len() > 1
                    && short.starts_with('-')
                    && short[1..].bytes().all(|b| b == b'v') =>
            {
                let count = u8::try_from(short.len() - 1).ok()?;
                verbose = verbose.saturating_add(count);
            }
            _ if arg.starts_with('-') && arg != "-" => return None,
            positional => names.push(positional.to_owned()),
        }
    }
    if quiet && verbose > 0 || sources.iter().flatten().count() > 1 {
        return None;
    }
    let [env_file, env_dir, heroku_json] = sources;
    let source = SourceArgs {
        env_file,
        env_dir,
        heroku_json,
    }
    .into();
    let command = match name {
        "check" => Command::Check { names, source },
        "write" => Command::Write {
            names,
            source,
            output,
        },
        "lint" if !names.is_empty() => Command::Lint { sources: names },
        "exec-d" => Command::ExecD { names },
        _ => return None,
    };
    Some(Config {
        command,
        common: Common {
            format: format.unwrap_or_default(),
            policy: Policy { strict, allow },
            discover: !no_discover,
            quiet,
            verbose,
        },
    })
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

impl From<Cli> for Config {
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
            CommandArgs::Lint(a) => (Command::Lint { sources: a.sources }, a.common),
            CommandArgs::ExecD(a) => (Command::ExecD { names: a.names }, a.common),
        };
        Config {
            command,
            common: Common {
                format: match c.format {
                    FormatArg::Human => OutputFormat::Human,
                    FormatArg::Json => OutputFormat::Json,
                },
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

    fn parse_from(args: &[&str]) -> Result<Config, clap::Error> {
        Cli::try_parse_from(args).map(Config::from)
    }

    /// Arbitrary sequences of real and broken tokens: whenever the fast path
    /// answers, clap gives the same config; whenever clap refuses, the fast
    /// path does too.
    #[test]
    fn the_fast_path_agrees_with_clap_on_any_token_sequence() {
        use proptest::prelude::*;
        const TOKENS: &[&str] = &[
            "check",
            "write",
            "lint",
            "exec-d",
            "help",
            "SECURE_KEY",
            "X_KEY",
            "a=b.json",
            "-",
            "--env-file",
            "--env-dir",
            "--heroku-json",
            "x.env",
            "--output",
            "-o",
            "k.json",
            "--format",
            "json",
            "human",
            "xml",
            "--strict",
            "--no-discover",
            "-q",
            "--quiet",
            "-v",
            "-vv",
            "--verbose",
            "-qv",
            "--allow",
            "case",
            "case,whitespace",
            "nope",
            "--",
            "--help",
            "-h",
            "--version",
            "--env-file=x",
            "--bogus",
        ];
        let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
            cases: 2000,
            ..Default::default()
        });
        let tokens = proptest::collection::vec(proptest::sample::select(TOKENS), 0..7);
        runner
            .run(
                &(proptest::sample::select(&TOKENS[..5]), tokens),
                |(first, rest)| {
                    let mut words = vec!["securekey", first];
                    words.extend(rest);
                    let os_words: Vec<OsString> = words.iter().map(OsString::from).collect();
                    let full = parse_from(&words).ok();
                    if let Some(fast) = parse_fast(&os_words) {
                        prop_assert_eq!(Some(fast), full, "{:?}", words);
                    }
                    Ok(())
                },
            )
            .unwrap();
    }

    #[test]
    fn the_fast_path_parses_like_clap() {
        let cases: &[&[&str]] = &[
            &["securekey", "check"],
            &[
                "securekey",
                "check",
                "A_KEY",
                "B_KEY",
                "--strict",
                "--allow",
                "case,whitespace",
                "--allow",
                "same-keys",
            ],
            &[
                "securekey",
                "check",
                "--env-file",
                "x.env",
                "--format",
                "json",
                "-vv",
            ],
            &[
                "securekey",
                "check",
                "--env-dir",
                "d",
                "--no-discover",
                "-q",
            ],
            &["securekey", "check", "--heroku-json", "-"],
            &["securekey", "write", "-q", "-o", "k.json", "SECURE_KEY"],
            &[
                "securekey",
                "write",
                "--output",
                "k.json",
                "--env-file",
                "-",
            ],
            &["securekey", "lint", "a=b.json", "c.env", "--format", "json"],
            &["securekey", "exec-d", "SECURE_KEY"],
            &[
                "securekey",
                "check",
                "-v",
                "--verbose",
                "-vv",
                "--allow",
                "case",
                "--no-discover",
            ],
            &["securekey", "lint", "-", "--strict", "--format", "human"],
        ];
        for args in cases {
            let argv: Vec<OsString> = args.iter().map(OsString::from).collect();
            let fast = parse_fast(&argv).unwrap_or_else(|| panic!("fast path refused {args:?}"));
            assert_eq!(fast, parse_from(args).unwrap(), "{args:?}");
        }
        for args in [
            &["securekey", "check", "--help"][..],
            &["securekey", "check", "--version"],
            &["securekey", "check", "--env-file", "a", "--env-dir", "b"],
            &["securekey", "check", "-q", "-v"],
            &["securekey", "lint"],
            &["securekey", "help"],
            &["securekey"],
        ] {
            let argv: Vec<OsString> = args.iter().map(OsString::from).collect();
            assert!(parse_fast(&argv).is_none(), "{args:?}");
        }
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
        assert_eq!(c.common.policy.allow, [CheckId::Case, CheckId::Whitespace]);
        assert!(c.common.policy.strict);
        assert_eq!(c.common.format, OutputFormat::Json);
        assert_eq!(
            c.command,
            Command::Check {
                names: vec!["A_KEY".into()],
                source: Source::Process
            }
        );
    }

    #[test]
    fn one_source_at_a_time() {
        assert!(parse_from(&["securekey", "check", "--env-file", "a", "--env-dir", "b"]).is_err());
        assert!(parse_from(&["securekey", "check", "--allow", "nope"]).is_err());
        assert!(parse_from(&["securekey", "lint"]).is_err());
    }
}
