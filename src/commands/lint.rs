//! `lint`: saved environments of several apps side by side, with the
//! cross-app checks (`copied`, `swapped`); and apps read live from the
//! Heroku Platform API (`--app`, `--addon`), with the live checks
//! (`not-attached`, `attached-differs`, `stale-rotation`). Every source is
//! read first; the report is printed once all their secrets are known.

use std::path::Path;

use crate::env::{self, Env, is_var_name};
use crate::error::Error;
use crate::heroku::client::Client;
use crate::heroku::token::{self, Lookup};
use crate::heroku::{ApiUrl, live};
use crate::input;
use crate::pipeline::{self, Level, Lint, LintSource, Note};
use crate::redact::Secrets;
use crate::settings::Settings;

use super::{Options, Outcome, exit_code};

/// Lints saved environments, and apps read live, side by side: every
/// source read (its secrets learned as it is read), then the checks.
pub(super) fn run(
    args: &[String],
    apps: &[String],
    addons: &[String],
    options: &Options,
    settings: &Settings,
    mut secrets: Secrets,
) -> Outcome {
    let sources = match LintSource::parse_all(args) {
        Ok(sources) => sources,
        Err(e) => return Outcome::failed(secrets, Vec::new(), e),
    };
    let mut lint = Lint::default();
    let mut notes = Vec::new();
    let mut failed = None;
    if !apps.is_empty() || !addons.is_empty() {
        failed = add_live(
            &mut lint,
            apps,
            addons,
            options,
            settings,
            &mut secrets,
            &mut notes,
        )
        .err();
    }
    for source in &sources {
        if failed.is_some() {
            break;
        }
        let added = read(&source.path).and_then(|env| {
            secrets.extend(pipeline::lint_secrets(&env));
            secrets.add_words(source.label.as_bytes());
            lint.add(&source.label, &env, options.discover)
        });
        if let Err(e) = added {
            failed = Some(e);
        }
    }
    if let Some(e) = failed {
        return Outcome::failed(secrets, notes, e);
    }
    let checked = lint.finish(&options.policy);
    notes.extend(checked.notes);
    Outcome {
        secrets,
        notes,
        quiet: options.quiet,
        result: Ok(exit_code(&checked.report)),
        report: Some(checked.report),
        ..Outcome::default()
    }
}

/// The most of `SSL_CERT_FILE` read (Debian's whole bundle is 220 KB).
const MAX_CA_BYTES: u64 = 4 * 1024 * 1024;

/// The apps read from the Platform API: the token found (a secret of the
/// run from then on), then each app added as `heroku:APP`. TLS trusts
/// Mozilla's roots, or `SSL_CERT_FILE`'s certificates when it is set (as
/// OpenSSL and the Heroku CLI read it).
fn add_live(
    lint: &mut Lint,
    apps: &[String],
    addons: &[String],
    options: &Options,
    settings: &Settings,
    secrets: &mut Secrets,
    notes: &mut Vec<Note>,
) -> Result<(), Error> {
    let mut log = |level: Level, message: String| notes.push(Note { level, message });
    let api = ApiUrl::from_host(settings.heroku_host.as_deref());
    if api.ignored_host {
        log(
            Level::WARN,
            format!(
                "HEROKU_HOST is not a Heroku domain nor this machine: using {}",
                api.base
            ),
        );
    }
    let lookup = Lookup {
        api_key: settings.heroku_api_key.clone(),
        path: settings.path.clone(),
        home: settings.home.clone(),
        netrc_machine: api.netrc_machine.clone(),
    };
    let (token, from) = token::find(&lookup)?;
    secrets.add(token.secret());
    log(
        Level::INFO,
        format!(
            "reading the Heroku Platform API at {}: token_from=\"{}\"",
            api.base,
            from.as_str()
        ),
    );
    let roots = match &settings.ssl_cert_file {
        Some(path) => Some((
            path.clone(),
            input::read(path, input::Kind::RegularFile, MAX_CA_BYTES)?,
        )),
        None => None,
    };
    let client = Client::new(&api, &token, roots.as_ref().map(|(_, pem)| pem.as_slice())).map_err(
        |why| {
            let path = roots.as_ref().map(|(p, _)| p.clone()).unwrap_or_default();
            Error::HerokuApi(format!("SSL_CERT_FILE {}: {why}", path.display()))
        },
    )?;
    let read = live::read(&client, apps, addons);
    for (level, message) in client.take_log() {
        log(level, message);
    }
    log(
        Level::INFO,
        format!("Heroku Platform API read: requests={}", client.requests()),
    );
    let read = read?;
    for secret in &read.secrets {
        secrets.add(secret);
    }
    for (app, env) in &read.envs {
        secrets.extend(pipeline::lint_secrets(env));
        lint.add(app, env, options.discover)?;
    }
    lint.add_live(read.facts, read.notes);
    Ok(())
}

/// Reads one saved environment: a file, stdin (`-`), or an `ENV_DIR`.
/// A folder holding saved env files (`service-1.env`) is no `ENV_DIR`,
/// whose files are each one config var: lint does not guess which it is.
fn read(path: &Path) -> Result<Env, Error> {
    if path.as_os_str() != "-" && path.is_dir() {
        refuse_a_folder_of_envs(path)?;
        return env::read_env_dir(path);
    }
    env::read_file(path, env::Detect::Strict)
}

fn refuse_a_folder_of_envs(dir: &Path) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::Read(dir.to_owned(), e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let saved_env = entry.file_type().is_ok_and(|t| t.is_file())
            && !is_var_name(name.as_encoded_bytes())
            && Path::new(&name)
                .extension()
                .is_some_and(|e| e == "env" || e == "json");
        if saved_env {
            return Err(Error::Usage(format!(
                "{} is a folder of saved environments ({} is one), not an ENV_DIR (one file per config var); lint each as its own app: securekey lint {}/*",
                dir.display(),
                name.to_string_lossy(),
                dir.display().to_string().trim_end_matches('/')
            )));
        }
    }
    Ok(())
}
