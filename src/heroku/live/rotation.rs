//! When each pair last changed: a binary search over an app's releases,
//! never every release.

#[allow(clippy::wildcard_imports)] // The live read's own helpers and types.
use super::*;

/// When a pair last changed (if found), and what the report should note.
type Found = (Option<Rotation>, Option<String>);

/// Each add-on's facts, with when its pair last changed: on its owner
/// when it was read, else on the first app it is attached to. The older
/// values seen in releases go to `received` as they are seen (secrets for
/// the output guard, even when a later request fails).
pub(super) fn rotations(
    client: &Client,
    read: &[AppRead],
    apps: &[AppFacts],
    known: &[Details],
    received: &Mutex<Received>,
) -> Result<(Vec<AddonFacts>, Vec<String>), Error> {
    let targets: Vec<(usize, String, String, Vec<u8>)> = known
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let place = |app: &AppFacts| {
                app.attachments
                    .iter()
                    .find(|a| a.addon_id == d.id)
                    .map(|a| (app.name.clone(), a.var.clone()))
            };
            let owner = apps.iter().find(|a| a.name == d.owner_app).and_then(place);
            let (app, var) = owner.or_else(|| apps.iter().find_map(place))?;
            let value = read.iter().find(|r| r.name == app)?.env.get(&var)?.to_vec();
            Some((i, app, var, value))
        })
        .collect();
    // Not knowing when a pair changed costs one check, not the run.
    let found = parallel(&targets, |(_, app, var, value)| {
        Ok(rotation(client, app, var, value, received).unwrap_or_else(|e| {
            let note = format!(
                "when {var} on {app} last changed is unknown, so stale-rotation was not checked: {e}"
            );
            (None, Some(note))
        }))
    })?;
    let mut addons: Vec<AddonFacts> = known
        .iter()
        .map(|d| AddonFacts {
            id: d.id.clone(),
            name: d.name.clone(),
            owner_app: d.owner_app.clone(),
            plan: d.plan.clone(),
            known: d.known,
            rotation: None,
        })
        .collect();
    let mut notes = Vec::new();
    for ((i, ..), (rotation, note)) in targets.iter().zip(found) {
        addons[*i].rotation = rotation;
        notes.extend(note);
    }
    Ok((addons, notes))
}

/// When `var` on `app` took its current `value`: the first release that
/// holds it, found by a binary search over the releases' config vars
/// (`log2(releases)` requests, never one per release), and the values seen
/// on the way (to `received`, secrets for the output guard).
fn rotation(
    client: &Client,
    app: &str,
    var: &str,
    value: &[u8],
    received: &Mutex<Received>,
) -> Result<Found, Error> {
    let what = format!("app {app} releases");
    let releases = format!("/apps/{app}/releases");
    let (newest, _, answer) = client
        .get_page(&releases, "version ..; max=1, order=desc;")
        .map_err(|e| explain(&e, &what))?;
    let mut now = answer.date;
    let top = |items: &[Value]| {
        items
            .iter()
            .filter_map(|r| r.get("version")?.as_u64())
            .max()
    };
    let is_current = newest
        .first()
        .and_then(|r| r.get("current"))
        .and_then(Value::as_bool)
        == Some(true);
    let latest = if is_current {
        top(&newest)
    } else {
        // Not the current release first (a server that ignores
        // `order=desc`, or a failed newest release): the whole list.
        client
            .get_list_of(&releases, "version", false, |r| r.get("version")?.as_u64())
            .map_err(|e| explain(&e, &what))?
            .into_iter()
            .max()
    };
    let Some(latest) = latest else {
        return Ok((None, None));
    };
    let mut holds = |version: u64| -> Result<bool, Error> {
        match client.get_config(&format!("{releases}/{version}/config-vars"), false) {
            Ok((vars, answer)) => {
                now = answer.date.or(now);
                let at = vars
                    .into_iter()
                    .find(|v| v.name == var.as_bytes())
                    .map(|v| v.value);
                if let Some(at) = &at
                    && at != value
                {
                    lock(received).values.push(at.clone());
                }
                Ok(at.as_deref() == Some(value))
            }
            // A release without config (or gone): not the current pair.
            Err(ApiError::Status { status: 404, .. }) => Ok(false),
            Err(e) => Err(explain(&e, &what)),
        }
    };
    if !holds(latest)? {
        client.log(
            tracing::Level::DEBUG,
            format!("{app} {var}: the newest release does not hold the current value"),
        );
        return Ok((None, None));
    }
    let (mut lo, mut hi) = (1, latest);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if holds(mid)? {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let release = client
        .get(&format!("{releases}/{hi}"))
        .map_err(|e| explain(&e, &what))?;
    let now = release.date.or(now).unwrap_or_else(system_now);
    let Some(changed_at) =
        str_at(&release.body, &["created_at"]).and_then(crate::heroku::time::parse_iso8601)
    else {
        return Ok((None, None));
    };
    client.log(
        tracing::Level::DEBUG,
        format!("{app} {var}: the pair's first release is v{hi}"),
    );
    Ok((
        Some(Rotation {
            app: app.to_owned(),
            var: var.to_owned(),
            release: hi,
            changed_at,
            now,
        }),
        None,
    ))
}

fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
