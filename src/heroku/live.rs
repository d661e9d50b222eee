//! `lint --app/--addon`: each app's config vars and add-on attachments read
//! from the Platform API, the `SecureKey` add-ons among them, and when each
//! pair last changed (a binary search over an app's releases). Returns plain
//! data: one [`Env`] per app (source `heroku:APP`) for the usual checks,
//! and the [`LiveFacts`] for the live ones.
//!
//! Requests for many apps run on a few threads at once
//! ([`CONCURRENCY`]); the API's rate limit is per account, and the client
//! waits out a `429`.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use super::client::{ApiError, Client};
use crate::env::{Env, Var};
use crate::error::Error;
use crate::facts::{AddonFacts, AppFacts, Attachment, Known, LiveFacts, Rotation, source_name};

mod rotation;
use rotation::rotations;

/// Requests in flight at once.
pub const CONCURRENCY: usize = 4;

/// The `SecureKey` add-on service's name.
const SERVICE: &str = "securekey";

/// What an add-on's name starts with when its details are forbidden.
const NAME_PREFIX: &str = "securekey-";

/// What the live read found.
#[derive(Debug, Default)]
pub struct LiveRead {
    /// Each app's config vars, in the order the apps were named (then the
    /// apps `--addon` brought in).
    pub envs: Vec<(String, Env)>,
    /// The attachments and add-ons.
    pub facts: LiveFacts,
    /// What the report should say about how facts were found (an add-on
    /// taken for `SecureKey` by its name).
    pub notes: Vec<String>,
    /// Older values of key vars, read from releases: never printed, but
    /// the output guard must know them too.
    pub secrets: Vec<Vec<u8>>,
}

/// Runs `f` over `items` on up to [`CONCURRENCY`] threads, results in
/// order; the first error wins.
fn parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R, Error> + Sync,
) -> Result<Vec<R>, Error> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<R, Error>>>> =
        Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..CONCURRENCY.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let result = f(item);
                    let failed = result.is_err();
                    lock(&results)[i] = Some(result);
                    if failed {
                        // No new work once one failed.
                        next.store(items.len(), Ordering::Relaxed);
                        break;
                    }
                }
            });
        }
    });
    let results = results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut out = Vec::with_capacity(items.len());
    for r in results {
        match r {
            Some(Ok(v)) => out.push(v),
            Some(Err(e)) => return Err(e),
            // Skipped after an error, which comes later in the order.
            None => {}
        }
    }
    if out.len() == items.len() {
        Ok(out)
    } else {
        Err(Error::HerokuApi("a request failed".to_owned()))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a failed request means to the user: the API's error ids of the
/// issue (`unauthorized`, `forbidden`, `two_factor`, `not_found`), no
/// network, or another status.
#[must_use]
pub fn explain(err: &ApiError, what: &str) -> Error {
    let msg = match err {
        ApiError::Status { status: 401, .. } => "the Heroku Platform API refused the token (unauthorized): run `heroku login`, or set HEROKU_API_KEY to a valid token".to_owned(),
        ApiError::Status { id, .. } if id == "two_factor" => format!("{what}: the Heroku Platform API asks for two-factor authentication (two_factor): run `heroku login` and use its token"),
        ApiError::Status { status: 403, .. } => format!("{what}: forbidden: this account cannot read it (ask its team for access)"),
        ApiError::Status { status: 404, .. } => format!("{what}: not found: no such name, or this account cannot see it (check the name with `heroku apps` or `heroku addons`)"),
        ApiError::Status { status: 429, .. } => format!("{what}: rate limited by the Heroku Platform API (429), after retries; try again in a few minutes"),
        ApiError::Status { status, id, message } => format!("{what}: the Heroku Platform API answered {status} {id}: {message}"),
        ApiError::Network(e) => format!("{what}: {e} (no network? check HEROKU_HOST)"),
        ApiError::Body(e) => format!("{what}: unexpected answer from the Heroku Platform API: {e}"),
    };
    Error::HerokuApi(msg)
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

/// One attachment as the API lists it.
#[derive(Clone, Debug)]
struct RawAttachment {
    name: String,
    app: String,
    addon_id: String,
    addon_name: String,
    owner_app: String,
}

fn attachment(v: &Value) -> Option<RawAttachment> {
    Some(RawAttachment {
        name: str_at(v, &["name"])?.to_owned(),
        app: str_at(v, &["app", "name"])?.to_owned(),
        addon_id: str_at(v, &["addon", "id"])?.to_owned(),
        addon_name: str_at(v, &["addon", "name"])?.to_owned(),
        owner_app: str_at(v, &["addon", "app", "name"])?.to_owned(),
    })
}

/// An add-on's details, or what its name says when they are forbidden.
#[derive(Clone, Debug)]
struct Details {
    id: String,
    name: String,
    owner_app: String,
    service: Option<String>,
    plan: Option<String>,
    config_vars: Vec<String>,
    known: Known,
}

impl Details {
    fn from_api(v: &Value) -> Option<Self> {
        Some(Details {
            id: str_at(v, &["id"])?.to_owned(),
            name: str_at(v, &["name"])?.to_owned(),
            owner_app: str_at(v, &["app", "name"])?.to_owned(),
            service: str_at(v, &["addon_service", "name"]).map(str::to_owned),
            plan: str_at(v, &["plan", "name"]).map(str::to_owned),
            config_vars: v
                .get("config_vars")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            known: Known::Details,
        })
    }

    fn is_securekey(&self) -> bool {
        match self.known {
            Known::Details => {
                self.service.as_deref() == Some(SERVICE)
                    || self
                        .plan
                        .as_deref()
                        .is_some_and(|p| p.starts_with(&format!("{SERVICE}:")))
            }
            Known::NamePrefix => self.name.starts_with(NAME_PREFIX),
        }
    }
}

/// `GET /addons/{addon}`: `Ok(None)` when the answer is one of `hidden`
/// (403: another team's add-on; two-factor is never hidden).
fn addon_details(client: &Client, addon: &str, hidden: &[u16]) -> Result<Option<Details>, Error> {
    let what = format!("add-on {addon}");
    match client.get(&format!("/addons/{addon}")) {
        Ok(answer) => Details::from_api(&answer.body)
            .map(Some)
            .ok_or_else(|| explain(&ApiError::Body("no id, name or app".into()), &what)),
        Err(ApiError::Status { status, id, .. })
            if hidden.contains(&status) && id != "two_factor" =>
        {
            Ok(None)
        }
        Err(e) => Err(explain(&e, &what)),
    }
}

fn list_attachments(client: &Client, path: &str, what: &str) -> Result<Vec<RawAttachment>, Error> {
    let items = client.get_list(path).map_err(|e| explain(&e, what))?;
    Ok(items.iter().filter_map(attachment).collect())
}

/// One app: its config vars and attachments.
struct AppRead {
    name: String,
    env: Env,
    attachments: Vec<RawAttachment>,
}

fn read_app(client: &Client, app: &str) -> Result<AppRead, Error> {
    let what = format!("app {app}");
    let config = client
        .get(&format!("/apps/{app}/config-vars"))
        .map_err(|e| explain(&e, &what))?;
    let Value::Object(map) = config.body else {
        return Err(explain(
            &ApiError::Body("config vars: expected an object".into()),
            &what,
        ));
    };
    let vars = map
        .into_iter()
        .filter_map(|(name, value)| match value {
            Value::String(value) => Some(Var {
                name: name.into_bytes(),
                value: value.into_bytes(),
            }),
            _ => None,
        })
        .collect();
    let attachments = list_attachments(client, &format!("/apps/{app}/addon-attachments"), &what)?;
    Ok(AppRead {
        name: app.to_owned(),
        env: Env::new(source_name(app), vars),
        attachments,
    })
}

/// The var an attachment sets: its name plus the suffix the add-on's own
/// `config_vars` give (`SECURE_KEY` is `SECURE` + `_KEY`), found against
/// any of the add-on's attachment names; else `_KEY`, `SecureKey`'s own.
fn suffix(details: &Details, attachments: &[&RawAttachment]) -> String {
    details
        .config_vars
        .iter()
        .find_map(|var| {
            attachments.iter().find_map(|a| {
                var.strip_prefix(a.name.as_str())
                    .filter(|s| s.starts_with('_'))
            })
        })
        .unwrap_or("_KEY")
        .to_owned()
}

/// Reads the apps named, and those of the add-ons named (their owners and
/// every app they are attached to).
///
/// # Errors
/// [`Error::HerokuApi`], saying what could not be read and why.
pub fn read(client: &Client, apps: &[String], addons: &[String]) -> Result<LiveRead, Error> {
    let mut names: Vec<String> = apps.to_vec();
    let mut known = named_addons(client, addons, &mut names)?;
    let mut seen = HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    client.log(
        tracing::Level::INFO,
        format!("reading {} apps from the Heroku Platform API", names.len()),
    );
    let read = parallel(&names, |app| read_app(client, app))?;
    known.extend(attached_addons(client, &read, &known)?);
    known.retain(Details::is_securekey);

    let mut out = LiveRead::default();
    for d in known.iter().filter(|d| d.known == Known::NamePrefix) {
        let note = format!(
            "add-on {}: its details are forbidden to this account, so it was taken for SecureKey by its name ({NAME_PREFIX}…), and its plan is unknown (stale-rotation allows 28 days)",
            &d.name
        );
        out.notes.push(note);
    }
    out.facts.apps = app_facts(&read, &known);
    let (addons, secrets, notes) = rotations(client, &read, &out.facts.apps, &known)?;
    out.facts.addons = addons;
    out.secrets = secrets;
    out.notes.extend(notes);
    out.envs = read.into_iter().map(|r| (r.name, r.env)).collect();
    Ok(out)
}

/// `--addon`: each add-on's details (or, forbidden, what its attachments
/// say of it), its owner and the apps it is attached to added to `names`.
fn named_addons(
    client: &Client,
    addons: &[String],
    names: &mut Vec<String>,
) -> Result<Vec<Details>, Error> {
    let by_addon = parallel(addons, |addon| {
        let details = addon_details(client, addon, &[403])?;
        let id = details
            .as_ref()
            .map(|d| d.id.as_str())
            .filter(|id| super::is_addon_ident(id))
            .unwrap_or(addon);
        let what = format!("add-on {addon}");
        let attachments =
            list_attachments(client, &format!("/addons/{id}/addon-attachments"), &what)?;
        Ok((addon.clone(), details, attachments))
    })?;
    let mut known: Vec<Details> = Vec::new();
    for (addon, details, attachments) in by_addon {
        let details = details.unwrap_or_else(|| {
            let first = attachments.first();
            forbidden(
                first.map_or_else(|| addon.clone(), |a| a.addon_id.clone()),
                first.map_or_else(|| addon.clone(), |a| a.addon_name.clone()),
                first.map(|a| a.owner_app.clone()).unwrap_or_default(),
            )
        });
        if !details.is_securekey() {
            let what = details.service.as_deref().map_or_else(
                || "its name does not start with securekey-".to_owned(),
                |s| format!("its service is {s}"),
            );
            return Err(Error::HerokuApi(format!(
                "add-on {}: not a SecureKey add-on ({what}); name a securekey add-on (`heroku addons --all`)",
                &addon,
            )));
        }
        if super::is_app_ident(&details.owner_app) {
            names.push(details.owner_app.clone());
        }
        // Names that go into request paths: the API's own, but checked.
        names.extend(
            attachments
                .into_iter()
                .map(|a| a.app)
                .filter(|app| super::is_app_ident(app)),
        );
        if !known.iter().any(|k| k.id == details.id) {
            known.push(details);
        }
    }
    Ok(known)
}

/// What is known of an add-on whose details are forbidden.
fn forbidden(id: String, name: String, owner_app: String) -> Details {
    Details {
        id,
        name,
        owner_app,
        service: None,
        plan: None,
        config_vars: Vec::new(),
        known: Known::NamePrefix,
    }
}

/// The details of the add-ons attached to the apps read whose attachments
/// could set a key var (`NAME_…_KEY`): a Postgres add-on's `DATABASE`
/// sets no key, and its details are not worth a request.
fn attached_addons(
    client: &Client,
    read: &[AppRead],
    known: &[Details],
) -> Result<Vec<Details>, Error> {
    let mut wanted: Vec<&RawAttachment> = Vec::new();
    for app in read {
        for a in &app.attachments {
            let prefix = format!("{}_", a.name);
            let sets_a_key = app
                .env
                .vars()
                .iter()
                .any(|v| v.name.starts_with(prefix.as_bytes()) && v.name.ends_with(b"_KEY"));
            if sets_a_key
                && super::is_addon_ident(&a.addon_id)
                && !known.iter().any(|k| k.id == a.addon_id)
                && !wanted.iter().any(|w| w.addon_id == a.addon_id)
            {
                wanted.push(a);
            }
        }
    }
    // An attachment names the add-on, so a 404 for its details is one
    // more way of saying they are hidden from this account.
    let fetched = parallel(&wanted, |a| addon_details(client, &a.addon_id, &[403, 404]))?;
    Ok(wanted
        .into_iter()
        .zip(fetched)
        .map(|(a, details)| {
            details.unwrap_or_else(|| {
                forbidden(
                    a.addon_id.clone(),
                    a.addon_name.clone(),
                    a.owner_app.clone(),
                )
            })
        })
        .collect())
}

/// The var each `SecureKey` attachment sets, app by app.
fn app_facts(read: &[AppRead], known: &[Details]) -> Vec<AppFacts> {
    let all: Vec<&RawAttachment> = read.iter().flat_map(|r| &r.attachments).collect();
    read.iter()
        .map(|app| AppFacts {
            name: app.name.clone(),
            attachments: app
                .attachments
                .iter()
                .filter_map(|a| {
                    let details = known.iter().find(|k| k.id == a.addon_id)?;
                    let of_addon: Vec<&RawAttachment> = all
                        .iter()
                        .copied()
                        .filter(|x| x.addon_id == a.addon_id)
                        .collect();
                    Some(Attachment {
                        name: a.name.clone(),
                        addon_id: a.addon_id.clone(),
                        var: format!("{}{}", a.name, suffix(details, &of_addon)),
                    })
                })
                .collect(),
        })
        .collect()
}
