//! `lint`: saved environments of several apps side by side, with the
//! cross-app checks (`copied`, `swapped`); and apps read live from the
//! Heroku Platform API (`--app`, `--addon`), with the live checks
//! (`not-attached`, `attached-differs`, `stale-rotation`).

use std::path::{Path, PathBuf};

use securekey::error::Error;
use securekey::heroku::client::Client;
use securekey::heroku::token::{self, Lookup};
use securekey::heroku::{ApiUrl, live};
use securekey::pipeline::{Lint, LintSource};
use securekey::report::Report;
use securekey::{env, input};

use super::Common;
use crate::output;

/// Lints saved environments, and apps read live, side by side.
pub(super) fn run(
    sources: &[String],
    apps: &[String],
    addons: &[String],
    common: &Common,
) -> Result<Report, Error> {
    let mut lint = Lint::default();
    // Logs about one app wait for the mask to know every app's keys.
    output::hold_stderr();
    let result = add_all(&mut lint, sources, apps, addons, common);
    output::release_stderr();
    result?;
    Ok(lint.finish(&common.policy))
}

fn add_all(
    lint: &mut Lint,
    sources: &[String],
    apps: &[String],
    addons: &[String],
    common: &Common,
) -> Result<(), Error> {
    if !apps.is_empty() || !addons.is_empty() {
        add_live(lint, apps, addons, common)?;
    }
    for arg in sources {
        let source = LintSource::parse(arg);
        let path = &source.path;
        let env = if path.as_os_str() != "-" && path.is_dir() {
            env::read_env_dir(path)?
        } else {
            env::read_file(path, env::Detect::Strict)?
        };
        lint.add(&source, &env, common.discover, &mut |values| {
            output::know(values);
        })?;
    }
    Ok(())
}

/// The most of `SSL_CERT_FILE` read (Debian's whole bundle is 220 KB).
const MAX_CA_BYTES: u64 = 4 * 1024 * 1024;

/// The apps read from the Platform API: the token found and known to the
/// output guard before any request, then each app added as `heroku:APP`.
/// TLS trusts Mozilla's roots, or `SSL_CERT_FILE`'s certificates when it is
/// set (as OpenSSL and the Heroku CLI read it).
fn add_live(
    lint: &mut Lint,
    apps: &[String],
    addons: &[String],
    common: &Common,
) -> Result<(), Error> {
    let host = std::env::var("HEROKU_HOST").ok();
    let api = ApiUrl::from_host(host.as_deref());
    if api.ignored_host {
        tracing::warn!(
            "HEROKU_HOST is not a Heroku domain nor this machine: using {}",
            api.base
        );
    }
    let (token, from) = token::find(&Lookup::from_process(&api.netrc_machine))?;
    output::know([token.secret()]);
    tracing::info!(api = %securekey::redact::untrusted(&api.base), token_from = from.as_str(), "reading the Heroku Platform API");
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
            Error::HerokuApi(format!(
                "SSL_CERT_FILE {}: {why}",
                securekey::redact::Untrusted::path(&path)
            ))
        },
    )?;
    let read = live::read(&client, apps, addons);
    tracing::info!(requests = client.requests(), "Heroku Platform API read");
    let read = read?;
    output::know(read.secrets.iter().map(Vec::as_slice));
    for (app, env) in &read.envs {
        let source = LintSource {
            arg: app,
            label: app,
            path: PathBuf::from(&env.source),
            cut_from_key: false,
        };
        lint.add(&source, env, common.discover, &mut |values| {
            output::know(values);
        })?;
    }
    lint.add_live(read.facts, read.notes);
    Ok(())
}
