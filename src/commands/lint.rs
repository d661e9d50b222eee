//! `lint`: saved environments of several apps side by side, with the
//! cross-app checks (`copied`, `swapped`).

use std::ffi::OsStr;
use std::path::PathBuf;

use securekey::checks;
use securekey::env;
use securekey::error::Error;
use securekey::key::shown;
use securekey::report::Report;
use securekey::select::{self, REQUIRE_VAR};

use super::{Common, log_vars, within_cap};

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

/// Lints saved environments side by side.
pub(super) fn run(sources: &[String], common: &Common) -> Result<Report, Error> {
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
        within_cap(report.vars.len() + selected.len())?;
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
}
