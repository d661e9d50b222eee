//! `empty`: the var (or its latest key) is set but holds nothing.

use super::{CheckId, Ctx, Problem};
use securekey::Slot;

pub(super) fn value(ctx: &Ctx<'_>, value: &[u8]) -> Option<Problem> {
    value.trim_ascii().is_empty().then(|| {
        Problem::new(
            CheckId::Empty,
            None,
            format!(
                "{} is set but {}",
                ctx.name(),
                if value.is_empty() {
                    "empty"
                } else {
                    "holds only whitespace"
                }
            ),
            ctx.reattach(),
        )
    })
}

/// `,PREVIOUS`: the key before the comma is missing.
pub(super) fn latest(ctx: &Ctx<'_>) -> Problem {
    Problem::new(
        CheckId::Empty,
        Some(Slot::Latest),
        "the latest key (before the comma) is empty".to_owned(),
        ctx.reattach(),
    )
}
