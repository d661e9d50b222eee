//! `copied` (lint): one var's pair is another's from one rotation earlier —
//! its latest is the other's previous. It was pasted by hand, not attached,
//! and will not rotate.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{CheckId, Ctx, Finding, Problem, VarReport, finding};
use crate::key::{KeyId, KeyPair};

/// Findings on every var of each stale pair, naming (some of) the vars
/// that have rotated past it. Works on groups of identical pairs, so it
/// stays linear however many apps share one. Swapped pairs (latest and
/// previous both crossed) are `swapped`'s, not this check's.
pub(super) fn check(reports: &[VarReport], groups: &[Vec<usize>]) -> Vec<Finding> {
    let pair = |g: usize| reports[groups[g][0]].pair.as_ref();
    let mut by_previous: HashMap<KeyId, Vec<usize>> = HashMap::new();
    for g in 0..groups.len() {
        if let Some(p) = pair(g) {
            by_previous.entry(p.previous().id()).or_default().push(g);
        }
    }
    let mut out = Vec::new();
    for (g, members) in groups.iter().enumerate() {
        let Some(stale) = pair(g) else { continue };
        let fresher: Vec<&VarReport> = by_previous
            .get(&stale.latest().id())
            .into_iter()
            .flatten()
            .filter(|&&f| pair(f).is_some_and(|fresh| rotated_past(stale, fresh)))
            .flat_map(|&f| groups[f].iter().map(|&i| &reports[i]))
            .collect();
        let Some(owner) = fresher.first() else {
            continue;
        };
        let message = format!(
            "one rotation behind {}: its latest key {} is the previous key there; it was copied by hand, not attached, and will not rotate",
            some_places(&fresher),
            stale.latest().id()
        );
        out.extend(on_each(
            reports,
            members,
            CheckId::Copied,
            &message,
            |ctx| ctx.reattach_from(owner.app_name.as_deref()),
        ));
    }
    out
}

/// The same finding on each var of a group (lint's cross-app checks), with
/// the fix made for each var's own name and app.
pub(super) fn on_each<'r>(
    reports: &'r [VarReport],
    members: &'r [usize],
    check: CheckId,
    message: &'r str,
    fix: impl Fn(&Ctx<'_>) -> String + 'r,
) -> impl Iterator<Item = Finding> + 'r {
    members.iter().map(move |&i| {
        let var = &reports[i];
        let ctx = Ctx {
            var: &var.var,
            app: var.app_name.as_deref(),
        };
        let mut f = finding(
            &var.var,
            Problem::new(check, None, message.to_owned(), fix(&ctx)),
        );
        f.app.clone_from(&var.app);
        f
    })
}

/// `fresh` is `stale` after one rotation: stale's latest is fresh's
/// previous, and fresh is not simply the swap of stale.
fn rotated_past(stale: &KeyPair, fresh: &KeyPair) -> bool {
    fresh.previous() == stale.latest() && fresh.latest() != stale.previous()
}

/// `app VAR` or `VAR`.
pub(super) fn place(r: &VarReport) -> String {
    match &r.app {
        Some(app) => format!("{app} {}", r.var),
        None => r.var.clone(),
    }
}

/// The first few places and how many more: messages stay short (and the
/// report linear) when hundreds of vars share a pair.
pub(super) fn some_places(reports: &[&VarReport]) -> String {
    const SHOWN: usize = 3;
    let mut text = reports
        .iter()
        .take(SHOWN)
        .map(|r| place(r))
        .collect::<Vec<_>>()
        .join(", ");
    if reports.len() > SHOWN {
        let _ = write!(text, " and {} more", reports.len() - SHOWN);
    }
    text
}
