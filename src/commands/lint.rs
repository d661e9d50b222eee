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

/// One `lint` source: its label as given and its path.
fn parse_lint_source(arg: &str) -> (&str, PathBuf) {
    // `APP=PATH`; a path with `=` in it but no app before it stays a path.
    if let Some((app, path)) = arg.split_once('=')
        && !app.is_empty()
        && !app.contains('/')
        && !path.is_empty()
    {
        return (app, PathBuf::from(path));
    }
    let path = PathBuf::from(arg);
    let label = if arg == "-" {
        "stdin"
    } else {
        Path::new(arg)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(arg)
    };
    (label, path)
}

/// Lints saved environments side by side.
pub(super) fn run(sources: &[String], common: &Common) -> Result<Report, Error> {
    let mut report = Report {
        groups: Some(Vec::new()),
        ..Report::default()
    };
    let mut key_bytes: u64 = 0;
    for arg in sources {
        let (label, path) = parse_lint_source(arg);
        // Kept in its printed form (escaped, shortened, never key-shaped):
        // every var of the app repeats it.
        let app = untrusted(label).to_string();
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
        output::know(selected.iter().filter_map(|s| s.value));
        // Only now: a skipped name may hold a piece of a checked key.
        select::warn_skipped(&env, common.discover);
        tracing::info!(app = %app, source = %env.source, checked = selected.len(), "linting");
        // Fix commands name the Heroku app: the env's own HEROKU_APP_NAME,
        // else the label when it can be an app name (not `s1.json`); only
        // a valid app name is kept (a 1 MB one would be repeated per var).
        let app_name = env
            .get_str("HEROKU_APP_NAME")
            .or(Some(label))
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
    report.findings.extend(checks::check_across(&report.vars));
    report.groups = Some(checks::pair_groups(&report.vars));
    report.apply(&common.policy);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lint_source_labels() {
        assert_eq!(
            parse_lint_source("service-1=s1.json"),
            ("service-1", "s1.json".into())
        );
        assert_eq!(
            parse_lint_source("dir/s1.json"),
            ("s1.json", "dir/s1.json".into())
        );
        assert_eq!(
            parse_lint_source("./a=b/x.env"),
            ("x.env", "./a=b/x.env".into())
        );
        assert_eq!(parse_lint_source("-"), ("stdin", "-".into()));
    }
}
