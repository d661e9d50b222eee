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
        for &j in candidates {
            let fresh = &reports[j];
            let Some(fresh_pair) = &fresh.pair else {
                continue;
            };
            if fresh_pair.previous() != pair.latest() || fresh_pair.latest() == pair.previous() {
                continue;
            }
            let ctx = Ctx {
                var: &stale.var,
                app: stale.app.as_deref(),
            };
            let mut f = finding(
                &stale.var,
                Problem::new(
                    CheckId::Copied,
                    None,
                    format!(
                        "{} is one rotation behind {}: its latest key {} is the previous key there; it was copied by hand, not attached, and will not rotate",
                        place(stale),
                        place(fresh),
                        pair.latest().id()
                    ),
                    ctx.reattach(),
                ),
            );
            f.app.clone_from(&stale.app);
            out.push(f);
        }
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
