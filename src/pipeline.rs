//! The runs the binary makes, composed once and shared with the fuzz
//! target: settings resolved at the edge ([`Settings::resolve`]), one
//! environment checked by a pure function ([`check`]), several folded
//! into a lint ([`Lint`]). Nothing here prints or logs: what the binary
//! should log comes back as [`Outcome::notes`], and what output must never
//! show comes from [`secrets`], before anything is printed.

use std::path::{Path, PathBuf};

use crate::checks::{self, VarReport};
use crate::env::Env;
use crate::error::Error;
use crate::facts::LiveFacts;
use crate::input;
use crate::redact::{self, Secrets, shortened};
use crate::report::{Policy, Report};
use crate::select::{self, REQUIRE_VAR, RequiredFrom};

pub use tracing::Level;

/// The settings of one check, resolved once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckSettings {
    /// The vars required by name; empty: at least one `SecureKey` var.
    pub required: Vec<String>,
    /// Where `required` came from.
    pub required_from: RequiredFrom,
    /// The Heroku app, for fix commands: `HEROKU_APP_NAME` when it is a
    /// valid app name.
    pub app: Option<String>,
    /// Discover key vars beyond the required ones.
    pub discover: bool,
    /// `--strict` and `--allow`.
    pub policy: Policy,
}

impl CheckSettings {
    /// Resolves the settings of a check: `names` (the arguments), else
    /// `SECUREKEY_REQUIRE`, else `securekey.json` under `app_dir`, else
    /// none (the default); `HEROKU_APP_NAME`. `setting` looks a setting
    /// up: in the checked environment, then the process's.
    ///
    /// # Errors
    /// A required name that is no config var name, or a malformed
    /// `SECUREKEY_REQUIRE` or `securekey.json`.
    pub fn resolve(
        names: &[String],
        setting: &dyn Fn(&str) -> Option<Vec<u8>>,
        app_dir: Option<&Path>,
        discover: bool,
        policy: Policy,
    ) -> Result<CheckSettings, Error> {
        let (required, required_from) =
            select::required(names, setting(REQUIRE_VAR).as_deref(), app_dir)?;
        let app = setting("HEROKU_APP_NAME")
            .and_then(|a| String::from_utf8(a).ok())
            .filter(|a| redact::is_heroku_app_name(a));
        Ok(CheckSettings {
            required,
            required_from,
            app,
            discover,
            policy,
        })
    }
}

/// Something the binary should log, once it prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The level it is logged at.
    pub level: Level,
    /// What to say; may hold names and paths (printed through a
    /// [`Printer`](crate::redact::Printer)).
    pub message: String,
}

/// What checking one environment found.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// The report, the policy applied.
    pub report: Report,
    /// What to log.
    pub notes: Vec<Note>,
}

/// What output must never show before anything is read: the key-shaped
/// words of the arguments (a key pasted where a name or path belongs), and
/// of the process env: its key vars' values, the values of the vars its
/// `SECUREKEY_REQUIRE` names, its API token (`HEROKU_API_KEY`), and the
/// key-shaped words of its `SECUREKEY_*` settings. The binary learns them
/// first, so even a usage error prints through them.
#[must_use]
pub fn known_secrets<'a>(args: impl IntoIterator<Item = &'a [u8]>, process: &Env) -> Secrets {
    let mut secrets = Secrets::new();
    for arg in args {
        secrets.add_words(arg);
    }
    let required = process
        .get(REQUIRE_VAR)
        .and_then(|v| select::require_setting(v).ok())
        .unwrap_or_default();
    let required = required.iter().filter_map(|name| process.get(name));
    let token = process.get("HEROKU_API_KEY");
    for value in select::key_values(process).chain(required).chain(token) {
        secrets.add(value);
    }
    for var in process.vars() {
        if is_setting(&var.name) {
            secrets.add_words(&var.value);
        }
    }
    secrets
}

/// A setting whose key-shaped words are secrets (SECURITY.md): the tool's own
/// (`SECUREKEY_*`, never key vars, but a key pasted into one is a secret
/// all the same) and the app name (found by fuzz/pipeline: a key in
/// `HEROKU_APP_NAME` got into the report beside a lint label).
fn is_setting(name: &[u8]) -> bool {
    select::is_setting_name(name) || name == b"HEROKU_APP_NAME"
}

/// What output must never show of one environment: the value of every
/// var that is a key var by its name or its value (checked or not), and of
/// every required var; and every key-shaped word of its source and of its
/// names.
#[must_use]
pub fn secrets(env: &Env, required: &[String]) -> Secrets {
    let mut secrets = Secrets::new();
    for value in select::key_values(env) {
        secrets.add(value);
    }
    for name in required {
        if let Some(value) = env.get(name) {
            secrets.add(value);
        }
    }
    secrets.add_words(env.source.as_bytes());
    for var in env.vars() {
        secrets.add_words(&var.name);
        if is_setting(&var.name) {
            secrets.add_words(&var.value);
        }
    }
    secrets
}

/// [`secrets`] of one `lint` source: the vars its own `SECUREKEY_REQUIRE`
/// names count as key vars, as [`Lint::add`] checks them.
#[must_use]
pub fn lint_secrets(env: &Env) -> Secrets {
    let required = env
        .get(REQUIRE_VAR)
        .and_then(|v| select::require_setting(v).ok())
        .unwrap_or_default();
    secrets(env, &required)
}

/// Checks one environment: the core of `check`, `write` and `exec-d`.
///
/// # Errors
/// [`Error::TooManyChecked`] past [`select::MAX_CHECKED`] vars.
pub fn check(env: &Env, settings: &CheckSettings) -> Result<Checked, Error> {
    let selected = select::select(env, &settings.required, settings.discover);
    within_cap(selected.len())?;
    let mut notes = env_notes(env, settings.discover);
    notes.push(Note {
        level: Level::DEBUG,
        message: format!(
            "checking config vars of {}: {} of {} (required: {:?})",
            shortened(&env.source),
            selected.len(),
            env.vars().len(),
            settings.required_from
        ),
    });
    let (vars, findings) = checks::check_env(&selected, &env.source, settings.app.as_deref());
    notes.extend(var_notes(&vars));
    let mut report = Report {
        vars,
        findings,
        groups: None,
        notes: Vec::new(),
    };
    report.apply(&settings.policy);
    Ok(Checked { report, notes })
}

/// What reading an environment has to say: each file an `ENV_DIR` skipped,
/// each key var skipped for its name.
fn env_notes(env: &Env, discover: bool) -> Vec<Note> {
    let mut notes: Vec<Note> = env
        .notes
        .iter()
        .map(|n| Note {
            level: Level::DEBUG,
            message: shortened(n).into_owned(),
        })
        .collect();
    if discover {
        notes.extend(select::skipped(env).map(|name| Note {
            level: Level::WARN,
            message: format!(
                "skipping {} in {}: not a config var name (letters, digits and _)",
                shortened(&name),
                shortened(&env.source)
            ),
        }));
    }
    notes
}

fn var_notes(vars: &[VarReport]) -> impl Iterator<Item = Note> + '_ {
    vars.iter().map(|v| Note {
        level: Level::DEBUG,
        message: format!(
            "checked {}{}: required {}, present {}, latest {}, previous {}",
            v.app
                .as_deref()
                .map(|a| format!("{} ", shortened(a)))
                .unwrap_or_default(),
            shortened(&v.var),
            v.required,
            v.present,
            v.latest_id.map(|i| i.to_string()).unwrap_or_default(),
            v.previous_id.map(|i| i.to_string()).unwrap_or_default(),
        ),
    })
}

/// `lint`: environments added one by one, then the cross-app checks
/// (`copied`, `swapped`) and the groups of vars holding one pair.
#[derive(Debug)]
pub struct Lint {
    report: Report,
    notes: Vec<Note>,
    /// The checked values of every source so far, to cap them together.
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
            notes: Vec::new(),
            key_bytes: 0,
            live: None,
        }
    }
}

impl Lint {
    /// Adds one app's environment under `label`. Only the app's own
    /// settings count (its `SECUREKEY_REQUIRE`), not the process env's nor
    /// a `securekey.json` where lint runs.
    ///
    /// # Errors
    /// A malformed `SECUREKEY_REQUIRE`, more than [`select::MAX_CHECKED`]
    /// vars in all, or checked values past [`input::MAX_INPUT_BYTES`] in all.
    pub fn add(&mut self, label: &str, env: &Env, discover: bool) -> Result<(), Error> {
        let required = match env.get(REQUIRE_VAR) {
            Some(value) => select::require_setting(value)?,
            None => Vec::new(),
        };
        let selected = select::select(env, &required, discover);
        within_cap(self.report.vars.len() + selected.len())?;
        self.key_bytes += selected
            .iter()
            .filter_map(|s| s.value)
            .map(|v| v.len() as u64)
            .sum::<u64>();
        if self.key_bytes > input::MAX_INPUT_BYTES {
            return Err(Error::LintTooLarge(input::MAX_INPUT_BYTES));
        }
        self.notes.extend(env_notes(env, discover));
        // Fix commands name the Heroku app: the env's own HEROKU_APP_NAME,
        // else the label when it is an app name (not `s1.json`).
        let app_name = env
            .get_str("HEROKU_APP_NAME")
            .filter(|name| redact::is_heroku_app_name(name))
            .or(Some(label).filter(|name| redact::is_heroku_app_name(name)));
        let (mut vars, mut findings) = checks::check_env(&selected, &env.source, app_name);
        for v in &mut vars {
            v.app = Some(label.to_owned());
        }
        for f in &mut findings {
            f.app = Some(label.to_owned());
        }
        self.notes.extend(var_notes(&vars));
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

    /// The outcome: every app's findings, the cross-app ones, the live
    /// ones (`lint --app/--addon`), the groups, the policy applied.
    #[must_use]
    pub fn finish(mut self, policy: &Policy) -> Checked {
        let report = &mut self.report;
        report.findings.extend(checks::check_across(&report.vars));
        if let Some(facts) = &self.live {
            report
                .findings
                .extend(checks::check_live(&report.vars, facts));
        }
        report.groups = Some(checks::pair_groups(&report.vars));
        report.apply(policy);
        Checked {
            report: self.report,
            notes: self.notes,
        }
    }
}

/// One `lint` source argument: `APP=PATH`, or a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LintSource {
    /// The app: as given before `=`, else the path's shortest distinguishing
    /// tail (see [`LintSource::parse_all`]).
    pub label: String,
    /// Where the environment is (`-`: stdin).
    pub path: PathBuf,
    /// Labelled `APP=PATH`.
    pub labelled: bool,
}

impl LintSource {
    /// Reads `APP=PATH` or `PATH`: text before the first `=` that holds no
    /// `/` and is not empty labels what follows (a Heroku app name always
    /// qualifies); anything else is a path. What the letters look like
    /// never matters.
    #[must_use]
    pub fn parse(arg: &str) -> Self {
        let labelled = arg
            .split_once('=')
            .filter(|(app, path)| !app.is_empty() && !app.contains('/') && !path.is_empty());
        match labelled {
            Some((app, path)) => LintSource {
                label: app.to_owned(),
                path: PathBuf::from(path),
                labelled: true,
            },
            None => LintSource {
                label: if arg == "-" {
                    "stdin".to_owned()
                } else {
                    arg.to_owned()
                },
                path: PathBuf::from(arg),
                labelled: false,
            },
        }
    }

    /// Every source argument, each label unique: an unlabelled path is
    /// labelled by its file name, or by as many of its last components as
    /// tell it from the others (`prod/config.json`, `staging/config.json`).
    ///
    /// # Errors
    /// [`Error::Usage`] for two sources with one label given by hand, for
    /// a path given twice, or for stdin (`-`) given twice.
    pub fn parse_all(args: &[String]) -> Result<Vec<LintSource>, Error> {
        let mut sources: Vec<LintSource> = args.iter().map(|a| LintSource::parse(a)).collect();
        if sources.iter().filter(|s| s.path.as_os_str() == "-").count() > 1 {
            return Err(Error::Usage(
                "stdin (`-`) is given twice; it can be read once: save one of the environments to a file".to_owned(),
            ));
        }
        for (i, s) in sources.iter().enumerate() {
            if let Some(other) = sources[..i].iter().find(|o| o.path == s.path) {
                let _ = other;
                return Err(Error::Usage(format!(
                    "{} is given twice; lint each environment once",
                    s.path.display()
                )));
            }
        }
        let tails: Vec<Vec<String>> = sources.iter().map(|s| components(&s.path)).collect();
        let mut depth: Vec<usize> = vec![1; sources.len()];
        // Lengthen the tails of unlabelled paths that clash, until none
        // clash or a path has no more components.
        loop {
            let labels: Vec<String> = sources
                .iter()
                .zip(&tails)
                .zip(&depth)
                .map(|((s, t), &d)| {
                    if s.labelled || s.path.as_os_str() == "-" {
                        s.label.clone()
                    } else {
                        tail(t, d)
                    }
                })
                .collect();
            let mut grew = false;
            for i in 0..sources.len() {
                let clash = labels
                    .iter()
                    .enumerate()
                    .any(|(j, l)| j != i && *l == labels[i]);
                if clash && !sources[i].labelled && depth[i] < tails[i].len() {
                    depth[i] += 1;
                    grew = true;
                }
            }
            if !grew {
                for (s, l) in sources.iter_mut().zip(labels) {
                    s.label = l;
                }
                break;
            }
        }
        for (i, s) in sources.iter().enumerate() {
            if sources[..i].iter().any(|o| o.label == s.label) {
                return Err(Error::Usage(format!(
                    "two sources are labelled {}; give each app its own label (APP=PATH)",
                    s.label
                )));
            }
        }
        Ok(sources)
    }
}

/// A path's components, as text.
fn components(path: &Path) -> Vec<String> {
    path.components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect()
}

/// The last `depth` components, joined by `/`.
fn tail(components: &[String], depth: usize) -> String {
    if components.is_empty() {
        return ".".to_owned();
    }
    components[components.len().saturating_sub(depth)..].join("/")
}

/// Refuses a run that would check more than [`select::MAX_CHECKED`] vars.
fn within_cap(checked: usize) -> Result<(), Error> {
    if checked > select::MAX_CHECKED {
        return Err(Error::TooManyChecked(select::MAX_CHECKED));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(args: &[&str]) -> Vec<String> {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        LintSource::parse_all(&args)
            .unwrap()
            .into_iter()
            .map(|s| s.label)
            .collect()
    }

    #[test]
    fn lint_source_labels() {
        assert_eq!(labels(&["service-1=s1.json"]), ["service-1"]);
        assert_eq!(labels(&["dir/s1.json"]), ["s1.json"]);
        assert_eq!(labels(&["./a=b/x.env"]), ["x.env"]);
        assert_eq!(labels(&["-"]), ["stdin"]);
        assert_eq!(
            labels(&["prod/config.json", "staging/config.json"]),
            ["prod/config.json", "staging/config.json"]
        );
        assert_eq!(
            labels(&["a/prod/config.json", "b/prod/config.json", "c.json"]),
            ["a/prod/config.json", "b/prod/config.json", "c.json"]
        );
    }

    #[test]
    fn what_the_letters_look_like_never_matters() {
        let key = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
        let s = LintSource::parse(&format!("{}={}", &key[..8], &key[8..]));
        assert_eq!((s.label.as_str(), s.labelled), (&key[..8], true));
        let s = LintSource::parse("sleepy-reef-39125=t1/sleepy-reef-39125.env");
        assert_eq!(s.label, "sleepy-reef-39125");
        assert_eq!(s.path, PathBuf::from("t1/sleepy-reef-39125.env"));
    }

    #[test]
    fn clashing_labels_and_stdin_twice_are_usage_errors() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(LintSource::parse_all(&args(&["a=one.env", "a=two.env"])).is_err());
        assert!(LintSource::parse_all(&args(&["a=-", "b=-"])).is_err());
        assert!(LintSource::parse_all(&args(&["x.env", "x.env"])).is_err());
        assert!(LintSource::parse_all(&args(&["config.json=a.env", "config.json"])).is_err());
    }
}
