//! Vars that hold one pair: in one app, the `duplicate-pair` check; across
//! apps (lint), the places one add-on is attached (or copied) to.

use std::collections::HashMap;

use super::VarReport;
use securekey::{Key, KeyId, KeyPair};

/// Both keys of a var's pair, when it has two (a latest-only pair, the
/// add-on's `NEW,`, belongs to no group).
pub(crate) fn both(report: &VarReport) -> Option<(&Key, &Key)> {
    report.pair.as_ref().and_then(KeyPair::both)
}

/// Vars that hold one pair (lint): one add-on, seen from several places.
/// (`Debug` shows the names as they are printed.)
#[derive(Clone, PartialEq, Eq)]
pub struct Group {
    /// The pair's latest key.
    pub latest_id: KeyId,
    /// The pair's previous key.
    pub previous_id: KeyId,
    /// `(app, var)` of each member.
    pub members: Vec<(String, String)>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let members: Vec<_> = self.members.iter().map(|(app, var)| (app, var)).collect();
        f.debug_struct("Group")
            .field("latest_id", &self.latest_id)
            .field("previous_id", &self.previous_id)
            .field("members", &members)
            .finish()
    }
}

/// The vars that hold one pair, in order of first appearance: in lint, the
/// places one add-on is attached (or copied) to.
#[must_use]
pub fn pair_groups(reports: &[VarReport]) -> Vec<Group> {
    same_pair_groups(reports)
        .into_iter()
        .filter_map(|members| {
            let (latest, previous) = both(&reports[members[0]])?;
            Some(Group {
                latest_id: latest.id(),
                previous_id: previous.id(),
                members: members
                    .iter()
                    .map(|&i| {
                        (
                            reports[i].app.clone().unwrap_or_default(),
                            reports[i].var.clone(),
                        )
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Groups reports by pair: the vars that hold the same two keys in the same
/// order (every group holds at least one var, and only vars with both
/// keys). Shared by `duplicate-pair`, `copied`, `swapped` and lint's
/// grouping.
pub(crate) fn same_pair_groups(reports: &[VarReport]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // Groups are found by the pair's ids, then confirmed on the keys.
    let mut by_ids: HashMap<(KeyId, KeyId), Vec<usize>> = HashMap::new();
    for (i, report) in reports.iter().enumerate() {
        let Some(pair) = both(report) else { continue };
        let candidates = by_ids.entry((pair.0.id(), pair.1.id())).or_default();
        // Ids can collide (32 bits); the keys themselves decide.
        let found = candidates
            .iter()
            .copied()
            .find(|&g| both(&reports[groups[g][0]]) == Some(pair));
        if let Some(g) = found {
            groups[g].push(i);
        } else {
            candidates.push(groups.len());
            groups.push(vec![i]);
        }
    }
    groups
}
