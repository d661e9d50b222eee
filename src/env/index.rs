//! How an [`Env`](super::Env) finds a var by name without comparing every
//! name: every checked var is looked up by name, and a scan per lookup made
//! 10,000 key vars quadratic (0.2 s; 100,000 took minutes).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasher, RandomState};

use super::Var;

/// A map from the standard (seeded, collision-resistant) hash of each name
/// to its position, which keeps lookups linear without a copy of every name
/// (a 5 MB file has 75,000), and the positions whose hash was taken by
/// another name (a 64-bit collision: in practice, never).
#[derive(Clone, Debug, Default)]
pub(super) struct Index {
    state: RandomState,
    first: HashMap<u64, usize>,
    spill: Vec<usize>,
}

impl Index {
    /// Keeps one var per name (a later duplicate wins, at the place of the
    /// first: the shell's rule) and indexes them.
    pub(super) fn build(vars: Vec<Var>) -> (Vec<Var>, Index) {
        let mut kept: Vec<Var> = Vec::with_capacity(vars.len());
        let mut index = Index {
            state: RandomState::new(),
            first: HashMap::with_capacity(vars.len()),
            spill: Vec::new(),
        };
        for var in vars {
            let hash = index.state.hash_one(&var.name);
            if let Some(at) = index.position(&kept, hash, &var.name) {
                kept[at] = var;
                continue;
            }
            match index.first.entry(hash) {
                Entry::Occupied(_) => index.spill.push(kept.len()),
                Entry::Vacant(slot) => {
                    slot.insert(kept.len());
                }
            }
            kept.push(var);
        }
        (kept, index)
    }

    /// The var of this name among `vars` (the vars this index was built
    /// for), if the index knows it.
    pub(super) fn find<'v>(&self, vars: &'v [Var], name: &[u8]) -> Option<&'v Var> {
        let at = self.position(vars, self.state.hash_one(name), name)?;
        vars.get(at)
    }

    fn position(&self, vars: &[Var], hash: u64, name: &[u8]) -> Option<usize> {
        let named = |at: &usize| vars.get(*at).is_some_and(|v| v.name == name);
        self.first
            .get(&hash)
            .filter(|at| named(at))
            .or_else(|| self.spill.iter().find(|at| named(at)))
            .copied()
    }
}
