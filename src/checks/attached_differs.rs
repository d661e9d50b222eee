//! `attached-differs` (live lint): a var that an add-on attachment sets
//! holds another pair than the add-on owner's var. The add-on writes the
//! same pair to every attachment, so it was changed by hand, and apps that
//! talk to each other hold different keys.

use super::{CheckId, Ctx, Finding, Problem, VarReport, addon_for_fix, finding, place};
use crate::facts::LiveFacts;

/// A finding on each attached var whose pair is not the owner's (or, when
/// the owner was not read, the first attached var's).
pub(super) fn check(reports: &[VarReport], facts: &LiveFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    for addon in &facts.addons {
        // The reports of the vars this add-on writes, in report order.
        let members: Vec<&VarReport> = reports
            .iter()
            .filter(|r| r.pair.is_some())
            .filter(|r| {
                facts.app_of_source(&r.source).is_some_and(|app| {
                    app.attachments
                        .iter()
                        .any(|a| a.addon_id == addon.id && a.var == r.var)
                })
            })
            .collect();
        let reference = members
            .iter()
            .find(|r| {
                facts
                    .app_of_source(&r.source)
                    .is_some_and(|app| app.name == addon.owner_app)
            })
            .or(members.first());
        let Some(reference) = reference else {
            continue;
        };
        for r in &members {
            if r.pair == reference.pair {
                continue;
            }
            let ctx = Ctx {
                var: &r.var,
                app: r.app_name.as_deref(),
            };
            let ids = |r: &VarReport| {
                r.pair
                    .as_ref()
                    .map(|p| p.latest().id().to_string())
                    .unwrap_or_default()
            };
            let message = format!(
                "the add-on {} sets this var, but it holds another pair (latest key {}) than {} (latest key {}): it was changed by hand; the add-on writes one pair to every attachment: attach it again, so it writes its own pair",
                addon_for_fix(Some(&addon.name)),
                ids(r),
                place(reference),
                ids(reference)
            );
            let alias = ctx
                .alias()
                .map_or_else(|| "<attachment>".to_owned(), |a| a.to_string());
            let app = ctx.app_flag();
            let fix = format!(
                "heroku addons:detach {alias} {app} && heroku addons:attach {} --as {alias} {app}",
                addon_for_fix(Some(&addon.name))
            );
            let mut f = finding(
                &r.var,
                Problem::new(CheckId::AttachedDiffers, None, message, fix),
            );
            f.app.clone_from(&r.app);
            out.push(f);
        }
    }
    out
}
