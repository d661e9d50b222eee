//! `empty`: the var (or its latest key) is set but holds nothing.

use super::{CheckId, Ctx, Problem, advice};
use securekey::Slot;

pub(super) fn value(ctx: &Ctx<'_>, value: &[u8]) -> Option<Problem> {
    value.trim_ascii().is_empty().then(|| {
        let (then, fix) = advice::set_by_hand(ctx);
        Problem::new(
            CheckId::Empty,
            None,
            format!(
                "{} is set but {}; {then}",
                ctx.name(),
                if value.is_empty() {
                    "empty"
                } else {
                    "holds only whitespace"
                }
            ),
            fix,
        )
    })
}

/// `,PREVIOUS`: the key before the comma is missing.
pub(super) fn latest(ctx: &Ctx<'_>) -> Problem {
    let (then, fix) = advice::set_by_hand(ctx);
    Problem::new(
        CheckId::Empty,
        Some(Slot::Latest),
        format!("the latest key (before the comma) is empty; {then}"),
        fix,
    )
}
