//! The two runs the binary makes, composed once: one environment checked
//! (`check`, `write`, `exec-d`), and several linted side by side (`lint`).
//! The binary loads the environments and prints the report; the fuzz
//! target (`fuzz/fuzz_targets/pipeline.rs`) feeds them from its input and
//! judges what would be printed. Both run this code, so fuzzing exercises
//! the wiring that ships.
//!
//! Output safety (SPEC §10) needs one thing of the caller: `know`, which
//! learns the values output must never show (the binary's output mask).
//! It is called before anything about an environment is logged.

use std::path::{Path, PathBuf};

use crate::checks::{self, VarReport};
use crate::env::Env;
use crate::error::Error;
use crate::heroku::facts::LiveFacts;
use crate::input;
use crate::redact::{self, Untrusted, untrusted};
use crate::report::{Policy, Report};
use crate::select::{self, REQUIRE_VAR, RequiredFrom, Selected};

/// Learns values that output must never show, before anything about them
/// is logged.
pub type Know<'k> = dyn FnMut(Vec<&[u8]>) + 'k;

/// Checks one environment: the core of `check`, `write` and `exec-d`.
///
/// `required` is what [`select::required`] resolved; `app` the
/// `HEROKU_APP_NAME` setting, used in fix commands only when it is a valid
/// Heroku app name (shell syntax or a key pasted there never reaches a
/// suggested command).
///
/// # Errors
/// [`Error::TooManyChecked`] past [`select::MAX_CHECKED`] vars.
pub fn check(
    env: &Env,
    (required, from): (&[String], RequiredFrom),
    app: Option<&[u8]>,
    discover: bool,
    policy: &Policy,
    know: &mut Know<'_>,
) -> Result<Report, Error> {
    let selected = select::select(env, required, discover);
    within_cap(selected.len())?;
    know(select::mask_values(env, &selected).collect());
    // Only now: a skipped name may hold a piece of a checked key.
    select::warn_skipped(env, discover);
    tracing::info!(
        source = %env.source,
        vars = env.vars().len(),
        checked = selected.len(),
        required_from = ?from,
        "checking config vars"
    );
    let app = app
        .and_then(|a| std::str::from_utf8(a).ok())
        .filter(|a| redact::is_heroku_app_name(a));
    let (vars, findings) = checks::check_env(&selected, &env.source, app);
    log_vars(&vars);
    let mut report = Report {
        vars,
        findings,
        groups: None,
        notes: Vec::new(),
    };
    report.apply(policy);
    Ok(report)
}

/// `lint`: saved environments added one by one, then the cross-app checks
/// (`copied`, `swapped`) and the groups of vars holding one pair.
#[derive(Debug)]
pub struct Lint {
    report: Report,
    /// The checked values of every source so far: the mask keeps them to
    /// the end of the run, so together they get one input's cap.
    key_bytes: u64,
    /// What the Platform API said of the apps read live (`lint --app`).
    live: Option<LiveFacts>,
}

impl Default for Lint {
    fn default() -> Self {
        Lint {
            report: Report {
                groups: Some(Vec::new()),
                ..Report::default()
            },
            key_bytes: 0,
            live: None,
        }
    }
}

impl Lint {
    /// Adds one app's saved environment, read from `source`. Only the
    /// app's own settings count: not the process env, nor a
    /// `securekey.json` where lint runs. An app with no key var at all has
    /// the default `SECURE_KEY` reported missing.
    ///
    /// # Errors
    /// A malformed `SECUREKEY_REQUIRE`, more than [`select::MAX_CHECKED`]
    /// vars in all, or checked values past [`input::MAX_INPUT_BYTES`] in all.
    pub fn add(
        &mut self,
        source: &LintSource<'_>,
        env: &Env,
        discover: bool,
        know: &mut Know<'_>,
    ) -> Result<(), Error> {
        let required = match env.get(REQUIRE_VAR) {
            Some(value) => select::require_setting(value)?,
            None => Vec::new(),
        };
        let mut selected = select::select(env, &required, discover);
        if selected.is_empty() {
            selected.push(Selected {
                name: select::DEFAULT_REQUIRED.to_owned(),
                required: true,
                value: None,
            });
        }
        within_cap(self.report.vars.len() + selected.len())?;
        self.key_bytes += selected
            .iter()
            .filter_map(|s| s.value)
            .map(|v| v.len() as u64)
            .sum::<u64>();
        if self.key_bytes > input::MAX_INPUT_BYTES {
            return Err(Error::LintTooLarge(input::MAX_INPUT_BYTES));
        }
        know(select::mask_values(env, &selected).collect());
        // Only now: a skipped name may hold a piece of a checked key.
        select::warn_skipped(env, discover);
        // Kept in its printed form (escaped, shortened, never key-shaped):
        // every var of the app repeats it.
        let app = source.shown();
        tracing::info!(app = %app, source = %env.source, checked = selected.len(), "linting");
        // Fix commands name the Heroku app: the env's own HEROKU_APP_NAME,
        // else the label when it can be an app name (not `s1.json`); only
        // a valid app name is kept (a 1 MB one would be repeated per var).
        let app_name = env
            .get_str("HEROKU_APP_NAME")
            .or((!source.cut_from_key).then_some(source.label))
            .filter(|name| redact::is_heroku_app_name(name));
        let (mut vars, mut findings) = checks::check_env(&selected, &env.source, app_name);
        for v in &mut vars {
            v.app = Some(app.clone());
        }
        for f in &mut findings {
            f.app = Some(app.clone());
        }
        log_vars(&vars);
        self.report.vars.extend(vars);
        self.report.findings.extend(findings);
        Ok(())
    }

    /// Adds what the Platform API said of the apps read live (their
    /// environments are added with [`Lint::add`], source `heroku:APP`), and
    /// what the report should note about it: the live checks run at
    /// [`Lint::finish`].
    pub fn add_live(&mut self, facts: LiveFacts, notes: Vec<String>) {
        self.live = Some(facts);
        self.report.notes.extend(notes);
    }

    /// The report: every app's findings, the cross-app ones, the live ones
    /// (`lint --app/--addon`), the groups, and the policy applied.
    #[must_use]
    pub fn finish(mut self, policy: &Policy) -> Report {
        let report = &mut self.report;
        report.findings.extend(checks::check_across(&report.vars));
        if let Some(facts) = &self.live {
            report
                .findings
                .extend(checks::check_live(&report.vars, facts));
        }
        report.groups = Some(checks::pair_groups(&report.vars));
        report.apply(policy);
        self.report
    }
}

/// One `lint` source argument: `APP=PATH`, or a path. (`Debug` shows the
/// argument as it is printed: a key may be pasted there.)
#[derive(PartialEq, Eq)]
pub struct LintSource<'a> {
    /// The argument as given.
    pub arg: &'a str,
    /// The app as given, or the path's file name.
    pub label: &'a str,
    /// Where the environment is (`-`: stdin).
    pub path: PathBuf,
    /// The label is the end of a key-shaped stretch of the argument (a key
    /// folded over `/`): by itself it is too short to look like a key, so
    /// it is never printed alone (SPEC §10).
    pub cut_from_key: bool,
}

impl<'a> LintSource<'a> {
    /// Reads `APP=PATH` or `PATH`. A path with `=` in it but no app before
    /// it stays a path, and so does one whose `=` is inside a key-shaped
    /// stretch: a key cut in two is no app and path, and printed apart,
    /// neither piece would look like a key.
    #[must_use]
    pub fn parse(arg: &'a str) -> Self {
        // No let-chain: the library builds on Rust 1.85 (`rust-version`).
        let labelled = arg.split_once('=').filter(|(app, path)| {
            !app.is_empty()
                && !app.contains('/')
                && !path.is_empty()
                && !splits_a_key(arg, app.len())
        });
        if let Some((app, path)) = labelled {
            return LintSource {
                arg,
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
            arg,
            label,
            path: PathBuf::from(arg),
            cut_from_key,
        }
    }

    /// The label as printed: escaped, shortened, never key-shaped. A label
    /// cut from a key is shown as the whole argument is, redacted.
    #[must_use]
    pub fn shown(&self) -> String {
        untrusted(if self.cut_from_key {
            self.arg
        } else {
            self.label
        })
        .to_string()
    }
}

impl std::fmt::Debug for LintSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LintSource")
            .field("arg", &untrusted(self.arg))
            .field("label", &untrusted(self.label))
            .field("path", &Untrusted::path(&self.path))
            .field("cut_from_key", &self.cut_from_key)
            .finish()
    }
}

/// Whether a key-shaped stretch of `arg` runs across byte `at`.
fn splits_a_key(arg: &str, at: usize) -> bool {
    redact::key_spans(arg.as_bytes()).any(|span| span.start < at && at < span.end)
}

/// Refuses a run that would check more than [`select::MAX_CHECKED`] vars.
fn within_cap(checked: usize) -> Result<(), Error> {
    if checked > select::MAX_CHECKED {
        return Err(Error::TooManyChecked(select::MAX_CHECKED));
    }
    Ok(())
}

fn log_vars(vars: &[VarReport]) {
    for v in vars {
        tracing::debug!(
            app = %v.app.as_deref().unwrap_or(""),
            var = %untrusted(&v.var),
            required = v.required,
            present = v.present,
            latest_id = %v.latest_id.map(|i| i.to_string()).unwrap_or_default(),
            previous_id = %v.previous_id.map(|i| i.to_string()).unwrap_or_default(),
            "checked"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source<'a>(arg: &'a str, label: &'a str, path: &str) -> LintSource<'a> {
        LintSource {
            arg,
            label,
            path: path.into(),
            cut_from_key: false,
        }
    }

    #[test]
    fn lint_source_labels() {
        let arg = "service-1=s1.json";
        assert_eq!(LintSource::parse(arg), source(arg, "service-1", "s1.json"));
        let arg = "dir/s1.json";
        assert_eq!(LintSource::parse(arg), source(arg, "s1.json", arg));
        let arg = "./a=b/x.env";
        assert_eq!(LintSource::parse(arg), source(arg, "x.env", arg));
        assert_eq!(LintSource::parse("-"), source("-", "stdin", "-"));
    }

    /// Found by fuzz/pipeline: a key cut by the `=` of `APP=PATH`, or by the
    /// last `/` of a path, was printed in pieces too short to look like a
    /// key: the label in every header and finding, the path in errors.
    #[test]
    fn a_key_cut_into_label_and_path_is_not_printed_in_pieces() {
        const KEY: &str = "ABCDEF01BCDEF012CDEF0123DEF01234EF012345F0123456A1234567B2345678";
        let at_eq = format!("{}={}", &KEY[..8], &KEY[8..]);
        let parsed = LintSource::parse(&at_eq);
        assert_eq!(parsed.path, PathBuf::from(&at_eq));
        assert!(!parsed.shown().contains(&KEY[..8]));
        let at_slash = format!("/tmp/{}/{}", &KEY[..56], &KEY[56..]);
        let parsed = LintSource::parse(&at_slash);
        assert!(parsed.cut_from_key);
        assert!(!parsed.shown().contains(&KEY[56..]));
        // A key-shaped directory ends before the file name: the label is
        // the file name, as ever.
        let dir = format!("/tmp/{KEY}/s1.json");
        assert_eq!(LintSource::parse(&dir).shown(), "s1.json");
        assert_eq!(LintSource::parse("staging=ab12cd34/x.env").label, "staging");
    }
}
