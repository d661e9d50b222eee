//! `same-keys`: latest equals previous.

use super::{CheckId, Ctx, Problem, advice};
use securekey::Key;

pub(super) fn check(ctx: &Ctx<'_>, latest: &Key, previous: &Key) -> Option<Problem> {
    (latest == previous).then(|| {
        let (then, fix) = advice::set_by_hand(ctx);
        Problem::new(
            CheckId::SameKeys,
            None,
            format!(
                "latest and previous are the same key ({}), and a rotation will drop the grace period; {then}",
                latest.id()
            ),
            fix,
        )
    })
}
