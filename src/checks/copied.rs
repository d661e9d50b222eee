//! `copied` (lint): one var's pair is another's from one rotation earlier —
//! its latest is the other's previous. It was pasted by hand, not attached,
//! and will not rotate.

use std::collections::HashMap;

use super::{CheckId, Ctx, Finding, Problem, VarReport, finding};
use crate::key::KeyId;

/// Findings on the stale var of each such pair. Swapped pairs (latest and
/// previous both crossed) are `swapped`'s, not this check's.
pub(crate) fn check(reports: &[VarReport]) -> Vec<Finding> {
    let mut by_previous: HashMap<KeyId, Vec<usize>> = HashMap::new();
    for (i, r) in reports.iter().enumerate() {
        if let Some(pair) = &r.pair {
            by_previous.entry(pair.previous().id()).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for stale in reports {
        let Some(pair) = &stale.pair else { continue };
        let Some(candidates) = by_previous.get(&pair.latest().id()) else {
            continue;
        };
        // Every var that has rotated past this one; one finding names them all.
        let fresher: Vec<&VarReport> = candidates
            .iter()
            .map(|&j| &reports[j])
            .filter(|fresh| {
                fresh.pair.as_ref().is_some_and(|fp| {
                    fp.previous() == pair.latest() && fp.latest() != pair.previous()
                })
            })
            .collect();
        let Some(owner) = fresher.first() else {
            continue;
        };
        let ctx = Ctx {
            var: &stale.var,
            app: stale.app_name.as_deref(),
        };
        let mut f = finding(
            &stale.var,
            Problem::new(
                CheckId::Copied,
                None,
                format!(
                    "one rotation behind {}: its latest key {} is the previous key there; it was copied by hand, not attached, and will not rotate",
                    fresher
                        .iter()
                        .map(|r| place(r))
                        .collect::<Vec<_>>()
                        .join(", "),
                    pair.latest().id()
                ),
                ctx.reattach_from(owner.app_name.as_deref()),
            ),
        );
        f.app.clone_from(&stale.app);
        out.push(f);
    }
    out
}

/// `app VAR` or `VAR`.
pub(crate) fn place(r: &VarReport) -> String {
    match &r.app {
        Some(app) => format!("{app} {}", r.var),
        None => r.var.clone(),
    }
}
