//! `check` and `write`: one environment read (learning its secrets as it
//! is read), its settings resolved, checked; `write` then writes the key
//! file before anything is printed, so a run shows the report or the
//! error that stopped it, never both.

use std::borrow::Cow;
use std::path::Path;

use crate::env::{self, Env};
use crate::error::Error;
use crate::exit::ExitCode;
use crate::pipeline::{self, CheckSettings, Checked};
use crate::redact::Secrets;
use crate::settings::Settings;

use super::{Options, Outcome, Source, exit_code, write};

/// `check`.
pub(super) fn check(
    names: &[String],
    source: &Source,
    options: &Options,
    settings: &Settings,
    known: Secrets,
) -> Outcome {
    let (mut outcome, checked) = read_and_check(names, source, options, settings, known);
    if let Some(checked) = checked {
        outcome.result = Ok(exit_code(&checked.report));
        outcome.report = Some(checked.report);
    }
    outcome
}

/// `write`: [`check`], then the key file at `path` (all or nothing).
pub(super) fn write(
    names: &[String],
    source: &Source,
    path: &Path,
    options: &Options,
    settings: &Settings,
    known: Secrets,
) -> Outcome {
    let (mut outcome, checked) = read_and_check(names, source, options, settings, known);
    if let Some(checked) = checked {
        let written = write::key_file(&checked.report, path, options.quiet, &mut outcome.said);
        outcome.result = written.map(|written| {
            // Unwritten, it failed, even where `--allow` waived the reason.
            if written {
                outcome.wrote = Some(path.to_owned());
                exit_code(&checked.report)
            } else {
                ExitCode::Findings
            }
        });
        if outcome.result.is_ok() {
            outcome.report = Some(checked.report);
        }
    }
    outcome
}

/// Reads the environment, learns its secrets, resolves the settings and
/// checks it: the outcome so far (its secrets and notes; its error, if it
/// stopped) and what the check found.
pub(super) fn read_and_check(
    names: &[String],
    source: &Source,
    options: &Options,
    settings: &Settings,
    mut secrets: Secrets,
) -> (Outcome, Option<Checked>) {
    let env = match load(source, settings) {
        Ok(env) => env,
        Err(e) => return (Outcome::failed(secrets, Vec::new(), e), None),
    };
    // A setting from the checked environment, else, for a saved one, from
    // the process's (at build time the app's settings are in ENV_DIR, and
    // the build's own env may set them too).
    let setting = |name: &str| match env.get(name) {
        Some(value) => Some(value.to_vec()),
        None if *source != Source::Process => settings.get(name).map(<[u8]>::to_vec),
        None => None,
    };
    let resolved = CheckSettings::resolve(
        names,
        &setting,
        Some(&settings.app_dir),
        options.discover,
        options.policy.clone(),
    );
    let required = resolved.as_ref().map_or(&[][..], |s| &s.required[..]);
    secrets.extend(pipeline::secrets(&env, required));
    match resolved.and_then(|s| pipeline::check(&env, &s)) {
        Ok(mut checked) => {
            let notes = std::mem::take(&mut checked.notes);
            let outcome = Outcome {
                secrets,
                notes,
                quiet: options.quiet,
                ..Outcome::default()
            };
            (outcome, Some(checked))
        }
        Err(e) => (Outcome::failed(secrets, Vec::new(), e), None),
    }
}

/// Loads one environment.
fn load<'s>(source: &Source, settings: &'s Settings) -> Result<Cow<'s, Env>, Error> {
    Ok(match source {
        Source::Process => Cow::Borrowed(&settings.process),
        Source::EnvFile(path) => Cow::Owned(env::read_file(path, env::Detect::JsonOrDotenv)?),
        Source::EnvDir(dir) => Cow::Owned(env::read_env_dir(dir)?),
        Source::HerokuJson(path) => Cow::Owned(env::read_file(
            path,
            env::Detect::Is(env::Format::HerokuJson),
        )?),
    })
}
