//! `previous-empty`: `LATEST,` with nothing after the comma.

use super::{CheckId, Ctx, Problem};
use securekey::Slot;

pub(super) fn check(_ctx: &Ctx<'_>) -> Problem {
    Problem::new(
        CheckId::PreviousEmpty,
        Some(Slot::Previous),
        "the previous key (after the comma) is empty, so clients holding it are refused and there is no grace period; the add-on writes `NEW,` when it could not read the current key during a rotation; allowing it in the release phase means every client with the old key logs in again, and dynos boot with the latest key alone".to_owned(),
        "none: the add-on's next rotation fills it (to release before then: --allow previous-empty)"
            .to_owned(),
    )
}
