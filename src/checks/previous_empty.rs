//! `previous-empty`: `LATEST,` with nothing after the comma.

use super::{CheckId, Ctx, Problem};
use securekey::Slot;

pub(super) fn check(ctx: &Ctx<'_>) -> Problem {
    Problem::new(
        CheckId::PreviousEmpty,
        Some(Slot::Previous),
        "the previous key (after the comma) is empty, so clients holding it are refused and there is no grace period; the add-on writes `NEW,` when it could not read the current key during a rotation".to_owned(),
        format!(
            "the next rotation fills it; to release before then, allow it in release phase only (`release: securekey check --allow previous-empty`): every client with the old key must log in again, and dynos boot with the latest key alone until the pair is whole; {}",
            ctx.reattach()
        ),
    )
}
