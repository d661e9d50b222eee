//! `copied` (lint): one var's pair is another's from one rotation earlier —
//! its latest is the other's previous. It was pasted by hand, not attached,
//! and will not rotate.

use std::collections::HashMap;

use super::groups::both;
use super::{CheckId, Finding, SHOWN_PLACES, VarReport, advice, on_each, some_places};

/// Findings on every var of each stale pair, naming (some of) the vars
/// that have rotated past it. Works on groups of identical pairs, and
/// shows a few places and a count, so it stays linear however many vars
/// share a key: collecting every fresher var for each stale pair made a
/// 16,000-var copy chain take 14 s. Swapped pairs (latest and previous both
/// crossed) are `swapped`'s, not this check's.
pub(super) fn check(reports: &[VarReport], groups: &[Vec<usize>]) -> Vec<Finding> {
    let pair = |g: usize| both(&reports[groups[g][0]]);
    // The groups whose previous key is this key, and how many vars they
    // hold together. Keyed by the key itself: exact, with no id collisions.
    let mut by_previous: HashMap<&str, (Vec<usize>, usize)> = HashMap::new();
    for (g, members) in groups.iter().enumerate() {
        if let Some((_, previous)) = pair(g) {
            let entry = by_previous.entry(previous.expose()).or_default();
            entry.0.push(g);
            entry.1 += members.len();
        }
    }
    let mut out = Vec::new();
    for (g, members) in groups.iter().enumerate() {
        let Some((latest, previous)) = pair(g) else {
            continue;
        };
        let Some((fresher_groups, total)) = by_previous.get(latest.expose()) else {
            continue;
        };
        // Each fresher group's previous key is this latest; the one whose
        // latest is this previous holds the swap (at most one: groups hold
        // distinct pairs).
        let is_swap = |f: usize| pair(f).is_some_and(|(l, _)| l == previous);
        let swap_members = fresher_groups
            .iter()
            .find(|&&f| is_swap(f))
            .map_or(0, |&f| groups[f].len());
        let count = total - swap_members;
        if count == 0 {
            continue;
        }
        // A few places to name: at most one group is skipped on the way.
        let shown: Vec<&VarReport> = fresher_groups
            .iter()
            .filter(|&&f| !is_swap(f))
            .flat_map(|&f| groups[f].iter().map(|&i| &reports[i]))
            .take(SHOWN_PLACES)
            .collect();
        let owner = shown[0].app_name.as_deref();
        let message = format!(
            "one rotation behind {}: its latest key {} is the previous key there; it was copied by hand, not attached, and will not rotate",
            some_places(&shown, count),
            latest.id()
        );
        out.extend(on_each(
            reports,
            members,
            CheckId::Copied,
            &message,
            |ctx| advice::copied(ctx, owner),
        ));
    }
    out
}
