//! `swapped` (lint): two vars hold the same two keys in opposite order —
//! someone re-set a value with the keys the wrong way round, so one side
//! signs with a key the other treats as old.

use std::collections::HashMap;

use super::groups::both;
use super::{CheckId, Finding, VarReport, advice, on_each, some_places};
use securekey::KeyId;

/// Findings on every var of the later of two swapped pairs (in order of
/// first appearance), naming (some of) the vars of the earlier. Works on
/// groups of identical pairs, so it stays linear.
pub(super) fn check(reports: &[VarReport], groups: &[Vec<usize>]) -> Vec<Finding> {
    let pair = |g: usize| both(&reports[groups[g][0]]);
    let mut by_ids: HashMap<(KeyId, KeyId), usize> = HashMap::new();
    for g in 0..groups.len() {
        if let Some((latest, previous)) = pair(g) {
            // Groups hold distinct pairs; ids collide only by chance.
            by_ids.entry((latest.id(), previous.id())).or_insert(g);
        }
    }
    let mut out = Vec::new();
    for (g, members) in groups.iter().enumerate() {
        let Some((latest, previous)) = pair(g) else {
            continue;
        };
        // A pair equal to its own swap (same-keys) is not swapped.
        if latest == previous {
            continue;
        }
        let Some(&e) = by_ids.get(&(previous.id(), latest.id())) else {
            continue;
        };
        let swapped = e < g && pair(e) == Some((previous, latest));
        if !swapped {
            continue;
        }
        let earlier: Vec<&VarReport> = groups[e].iter().map(|&i| &reports[i]).collect();
        let earlier = some_places(&earlier, earlier.len());
        let message = format!(
            "holds the keys of {} in the opposite order (latest {}, previous {}): one side signs with a key the other takes for the old one, and the next rotation drops it",
            earlier,
            latest.id(),
            previous.id()
        );
        out.extend(on_each(
            reports,
            members,
            CheckId::Swapped,
            &message,
            advice::set_by_hand,
        ));
    }
    out
}
