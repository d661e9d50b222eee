//! `previous-empty`: `LATEST,` with nothing after the comma.

use super::{CheckId, Ctx, Problem};
use crate::key::Slot;

pub(super) fn check(ctx: &Ctx<'_>) -> Problem {
    Problem::new(
        CheckId::PreviousEmpty,
        Some(Slot::Previous),
        "the previous key (after the comma) is empty, so clients holding it are refused and there is no grace period; the add-on writes `NEW,` when it could not read the current key during a rotation".to_owned(),
        format!(
            "the next rotation fills it; to deploy before then, allow it once with `--allow previous-empty` (every client with the old key must log in again); {}",
            ctx.reattach()
        ),
    )
}
