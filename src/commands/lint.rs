//! `lint`: saved environments of several apps side by side, with the
//! cross-app checks (`copied`, `swapped`).

use std::path::{Path, PathBuf};

use securekey::checks;
use securekey::env;
use securekey::error::Error;
use securekey::input;
use securekey::redact::{self, untrusted};
use securekey::report::Report;
use securekey::select::{self, REQUIRE_VAR};

use super::{Common, log_vars, within_cap};
use crate::output;

/// One `lint` source argument: `APP=PATH`, or a path.
#[derive(Debug, PartialEq, Eq)]
struct LintSource<'a> {
    /// The app as given, or the path's file name.
    label: &'a str,
    path: PathBuf,
    /// The label is the end of a key-shaped stretch of the argument (a key
    /// folded over `/`): by itself it is too short to look like a key, so
    /// it is never printed alone (SPEC §10).
    cut_from_key: bool,
}

impl LintSource<'_> {
    /// The label as printed: escaped, shortened, never key-shaped. A label
    /// cut from a key is shown as the whole argument is, redacted.
    fn shown(&self, arg: &str) -> String {
        if self.cut_from_key {
            untrusted(arg).to_string()
        } else {
            untrusted(self.label).to_string()
        }
    }
}

/// Whether a key-shaped stretch of `arg` runs across byte `at`.
fn splits_a_key(arg: &str, at: usize) -> bool {
    redact::key_spans(arg.as_bytes()).any(|span| span.start < at && at < span.end)
}

fn parse_lint_source(arg: &str) -> LintSource<'_> {
    // `APP=PATH`; a path with `=` in it but no app before it stays a path,
    // and so does one whose `=` is inside a key-shaped stretch: a key cut
    // in two is no app and path, and printed apart, neither piece would
    // look like a key.
    if let Some((app, path)) = arg.split_once('=')
        && !app.is_empty()
        && !app.contains('/')
        && !path.is_empty()
        && !splits_a_key(arg, app.len())
    {
        return LintSource {
            label: app,
            path: PathBuf::from(path),
            cut_from_key: false,
        };
    }
    let label = if arg == "-" {
        "stdin"
    } else {
        Path::new(arg)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(arg)
    };
    // The file name is the last of the argument's components: only `/`
    // and `.` may follow it.
    let cut_from_key = arg.rfind(label).is_some_and(|at| splits_a_key(arg, at));
    LintSource {
        label,
        path: PathBuf::from(arg),
        cut_from_key,
    }
}

/// Lints saved environments side by side.
pub(super) fn run(sources: &[String], common: &Common) -> Result<Report, Error> {
    let mut report = Report {
        groups: Some(Vec::new()),
        ..Report::default()
    };
    let mut key_bytes: u64 = 0;
    // Logs about one app wait for the mask to know every app's keys.
    output::hold_stderr();
    for arg in sources {
        let source = parse_lint_source(arg);
        let path = &source.path;
        // Kept in its printed form (escaped, shortened, never key-shaped):
        // every var of the app repeats it.
        let app = source.shown(arg);
        let env = if path.as_os_str() != "-" && path.is_dir() {
            env::read_env_dir(path)?
        } else {
            env::read_file(path, env::Detect::Strict)?
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
        within_cap(report.vars.len() + selected.len())?;
        // The mask keeps every checked value to the end of the run: the
        // values of all sources together get one input's cap.
        key_bytes += selected
            .iter()
            .filter_map(|s| s.value)
            .map(|v| v.len() as u64)
            .sum::<u64>();
        if key_bytes > input::MAX_INPUT_BYTES {
            return Err(Error::LintTooLarge(input::MAX_INPUT_BYTES));
        }
        output::know(select::mask_values(&env, &selected));
        // Only now: a skipped name may hold a piece of a checked key.
        select::warn_skipped(&env, common.discover);
        tracing::info!(app = %app, source = %env.source, checked = selected.len(), "linting");
        // Fix commands name the Heroku app: the env's own HEROKU_APP_NAME,
        // else the label when it can be an app name (not `s1.json`); only
        // a valid app name is kept (a 1 MB one would be repeated per var).
        let app_name = env
            .get_str("HEROKU_APP_NAME")
            .or((!source.cut_from_key).then_some(source.label))
            .filter(|name| redact::is_heroku_app_name(name))
            .map(str::to_owned);
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
    output::release_stderr();
    report.findings.extend(checks::check_across(&report.vars));
    report.groups = Some(checks::pair_groups(&report.vars));
    report.apply(&common.policy);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(label: &'static str, path: &str) -> LintSource<'static> {
        LintSource {
            label,
            path: path.into(),
            cut_from_key: false,
        }
    }

    #[test]
    fn lint_source_labels() {
        assert_eq!(
            parse_lint_source("service-1=s1.json"),
            source("service-1", "s1.json")
        );
        assert_eq!(
            parse_lint_source("dir/s1.json"),
            source("s1.json", "dir/s1.json")
        );
        assert_eq!(
            parse_lint_source("./a=b/x.env"),
            source("x.env", "./a=b/x.env")
        );
        assert_eq!(parse_lint_source("-"), source("stdin", "-"));
    }

    /// Found by fuzz/pipeline: a key cut by the `=` of `APP=PATH`, or by the
    /// last `/` of a path, was printed in pieces too short to look like a
    /// key: the label in every header and finding, the path in errors.
    #[test]
    fn a_key_cut_into_label_and_path_is_not_printed_in_pieces() {
        const KEY: &str = "ABCDEF01BCDEF012CDEF0123DEF01234EF012345F0123456A1234567B2345678";
        let at_eq = format!("{}={}", &KEY[..8], &KEY[8..]);
        let parsed = parse_lint_source(&at_eq);
        assert_eq!(parsed.path, PathBuf::from(&at_eq));
        assert!(!parsed.shown(&at_eq).contains(&KEY[..8]));
        let at_slash = format!("/tmp/{}/{}", &KEY[..56], &KEY[56..]);
        let parsed = parse_lint_source(&at_slash);
        assert!(parsed.cut_from_key);
        assert!(!parsed.shown(&at_slash).contains(&KEY[56..]));
        // A key-shaped directory ends before the file name: the label is
        // the file name, as ever.
        let dir = format!("/tmp/{KEY}/s1.json");
        assert_eq!(parse_lint_source(&dir).shown(&dir), "s1.json");
        assert_eq!(parse_lint_source("staging=ab12cd34/x.env").label, "staging");
    }
}
