//! `lint`: saved environments of several apps side by side, with the
//! cross-app checks (`copied`, `swapped`); and apps read live from the
//! Heroku Platform API (`--app`, `--addon`), with the live checks
//! (`not-attached`, `attached-differs`, `stale-rotation`). Every source is
//! read first; the report is printed once all their secrets are known.

use std::path::{Path, PathBuf};

use securekey_cli::env::{self, Env, is_var_name};
use securekey_cli::error::Error;
use securekey_cli::exit::ExitCode;
use securekey_cli::heroku::client::Client;
use securekey_cli::heroku::token::{self, Lookup};
use securekey_cli::heroku::{self, live};
use securekey_cli::input;
use securekey_cli::pipeline::{self, Lint, LintSource};
use securekey_cli::redact::Secrets;

use super::{Ended, emit, exit_code, log_notes, start};
use crate::cli::Common;

/// Lints saved environments, and apps read live, side by side.
pub(super) fn run(
    args: &[String],
    apps: &[String],
    addons: &[String],
    common: &Common,
    mut secrets: Secrets,
) -> Ended {
    let sources = match LintSource::parse_all(args) {
        Ok(sources) => sources,
        Err(e) => return start(common, secrets).fail(e),
    };
    let mut lint = Lint::default();
    let mut failed = None;
    let mut log = Vec::new();
    if !apps.is_empty() || !addons.is_empty() {
        failed = add_live(&mut lint, apps, addons, common, &mut secrets, &mut log).err();
    }
    for source in sources.iter().filter(|_| failed.is_none()) {
        let added = read(&source.path).and_then(|env| {
            secrets.extend(pipeline::lint_secrets(&env));
            secrets.add_words(source.label.as_bytes());
            lint.add(&source.label, &env, common.discover)
        });
        if let Err(e) = added {
            failed = Some(e);
            break;
        }
    }
    let run = start(common, secrets);
    run.printer
        .prepare(log.iter().map(|(_, line)| line.as_str()));
    for (level, raw) in &log {
        let shown = run.printer.line(raw);
        match *level {
            tracing::Level::WARN => tracing::warn!("{shown}"),
            tracing::Level::INFO => tracing::info!("{shown}"),
            tracing::Level::DEBUG => tracing::debug!("{shown}"),
            _ => tracing::trace!("{shown}"),
        }
    }
    if let Some(e) = failed {
        return run.fail(e);
    }
    let outcome = lint.finish(&common.policy);
    log_notes(&run.printer, &outcome.notes);
    let result = emit(&run.printer, &outcome.report, common).map(|()| exit_code(&outcome.report));
    Ended {
        printer: run.printer,
        result: result.map(|code: ExitCode| code),
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
    common: &Common,
    secrets: &mut Secrets,
    log: &mut Vec<(tracing::Level, String)>,
) -> Result<(), Error> {
    let host = std::env::var("HEROKU_HOST").ok();
    if let Some(password) = heroku::host_secret(host.as_deref()) {
        secrets.add(password.as_bytes());
    }
    let api = heroku::api_base(host.as_deref())?;
    let (token, from) = token::find(&Lookup::from_process(&api.netrc_machine))?;
    secrets.add(token.secret());
    log.push((
        tracing::Level::INFO,
        format!(
            "reading the Heroku Platform API at {}: token_from=\"{}\"",
            api.base,
            from.as_str()
        ),
    ));
    let roots = match std::env::var_os("SSL_CERT_FILE").filter(|v| !v.is_empty()) {
        Some(path) => Some((
            PathBuf::from(&path),
            input::read(Path::new(&path), input::Kind::RegularFile, MAX_CA_BYTES)?,
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
    log.extend(client.take_log());
    log.push((
        tracing::Level::INFO,
        format!("Heroku Platform API read: requests={}", client.requests()),
    ));
    // A read that failed midway: what it had received is still secret.
    let read = read.map_err(|failed| {
        for env in &failed.received.envs {
            secrets.extend(pipeline::lint_secrets(env));
        }
        for secret in &failed.received.values {
            secrets.add(secret);
        }
        failed.error
    })?;
    for secret in &read.secrets {
        secrets.add(secret);
    }
    for (app, env) in &read.envs {
        secrets.extend(pipeline::lint_secrets(env));
        lint.add(app, env, common.discover)?;
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
