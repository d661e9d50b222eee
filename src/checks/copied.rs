//! `copied` (lint): one var's pair is another's from one rotation earlier —
//! its latest is the other's previous. It was pasted by hand, not attached,
//! and will not rotate.

use std::collections::HashMap;

use super::{CheckId, Finding, VarReport, on_each, some_places};
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

/// `fresh` is `stale` after one rotation: stale's latest is fresh's
/// previous, and fresh is not simply the swap of stale.
fn rotated_past(stale: &KeyPair, fresh: &KeyPair) -> bool {
    fresh.previous() == stale.latest() && fresh.latest() != stale.previous()
}
