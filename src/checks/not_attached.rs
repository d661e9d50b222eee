//! `not-attached` (live lint): a var holding a `SecureKey` pair that no
//! add-on attachment on its app explains. It was set by hand: it will not
//! rotate, and stops working one rotation after the add-on's next.

use super::{CheckId, Ctx, Finding, Problem, VarReport, addon_for_fix, finding};
use crate::facts::LiveFacts;

/// A finding on each such var of an app read live.
pub(super) fn check(reports: &[VarReport], facts: &LiveFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in reports {
        let Some(app) = facts.app_of_source(&r.source) else {
            continue;
        };
        if r.pair.is_none() || app.attachments.iter().any(|a| a.var == r.var) {
            continue;
        }
        let ctx = Ctx {
            var: &r.var,
            app: r.app_name.as_deref(),
        };
        let addon = source_addon(reports, facts, r);
        let message = format!(
            "no add-on attachment on this app sets {}: it was set by hand, will not rotate, and stops working one rotation after the add-on's next; unset it and attach the add-on under its name, so the add-on writes it",
            ctx.name()
        );
        let fix = fix(&ctx, addon);
        let mut f = finding(
            &r.var,
            Problem::new(CheckId::NotAttached, None, message, fix),
        );
        f.app.clone_from(&r.app);
        out.push(f);
    }
    out
}

/// The add-on this pair came from, when a var it writes holds one of its
/// keys (the same pair, or one rotation on).
fn source_addon<'f>(reports: &[VarReport], facts: &'f LiveFacts, r: &VarReport) -> Option<&'f str> {
    let latest = r.pair.as_ref()?.latest();
    reports.iter().find_map(|other| {
        let pair = other.pair.as_ref()?;
        if pair.latest() != latest && pair.previous() != Some(latest) {
            return None;
        }
        let attachment = facts
            .app_of_source(&other.source)?
            .attachments
            .iter()
            .find(|a| a.var == other.var)?;
        facts.addon(&attachment.addon_id).map(|a| a.name.as_str())
    })
}

/// One command: unset the var, and attach the add-on under its name.
fn fix(ctx: &Ctx<'_>, addon: Option<&str>) -> String {
    let app = ctx.app_flag();
    let var = ctx.name();
    let addon = addon_for_fix(addon);
    match ctx.alias() {
        Some(alias) => format!(
            "heroku config:unset {var} {app} && heroku addons:attach {addon} --as {alias} {app}"
        ),
        None => format!(
            "heroku config:unset {var} {app} && heroku addons:attach {addon} --as NAME {app}"
        ),
    }
}
