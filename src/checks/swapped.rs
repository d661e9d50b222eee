//! `swapped` (lint): two vars hold the same two keys in opposite order —
//! someone re-set a value with the keys the wrong way round, so one side
//! signs with a key the other treats as old.

use std::collections::HashMap;

use super::copied::place;
use super::{CheckId, Ctx, Finding, Problem, VarReport, finding};
use crate::key::KeyId;

/// One finding per swapped pair of vars, on the later one, naming the
/// earlier.
pub(crate) fn check(reports: &[VarReport]) -> Vec<Finding> {
    let mut by_ids: HashMap<(KeyId, KeyId), Vec<usize>> = HashMap::new();
    for (i, r) in reports.iter().enumerate() {
        if let Some(pair) = &r.pair {
            by_ids
                .entry((pair.latest().id(), pair.previous().id()))
                .or_default()
                .push(i);
        }
    }
    let mut out = Vec::new();
    for (i, later) in reports.iter().enumerate() {
        let Some(pair) = &later.pair else { continue };
        // A pair equal to its own swap (same-keys) is not swapped.
        if pair.latest() == pair.previous() {
            continue;
        }
        let Some(candidates) = by_ids.get(&(pair.previous().id(), pair.latest().id())) else {
            continue;
        };
        let earlier: Vec<String> = candidates
            .iter()
            .filter(|&&j| j < i)
            .map(|&j| &reports[j])
            .filter(|e| {
                e.pair.as_ref().is_some_and(|other| {
                    other.latest() == pair.previous() && other.previous() == pair.latest()
                })
            })
            .map(place)
            .collect();
        if earlier.is_empty() {
            continue;
        }
        let ctx = Ctx {
            var: &later.var,
            app: later.app_name.as_deref(),
        };
        let mut f = finding(
            &later.var,
            Problem::new(
                CheckId::Swapped,
                None,
                format!(
                    "holds the keys of {} in the opposite order (latest {}, previous {}): one side signs with a key the other takes for the old one, and the next rotation drops it",
                    earlier.join(", "),
                    pair.latest().id(),
                    pair.previous().id()
                ),
                format!(
                    "find which one was set by hand (`heroku releases {}`) and {}",
                    ctx.app_flag(),
                    ctx.reattach()
                ),
            ),
        );
        f.app.clone_from(&later.app);
        out.push(f);
    }
    out
}
