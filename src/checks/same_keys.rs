//! `same-keys`: latest equals previous.

use super::{CheckId, Ctx, Problem};
use securekey::Key;

pub(super) fn check(ctx: &Ctx<'_>, latest: &Key, previous: &Key) -> Option<Problem> {
    (latest == previous).then(|| {
        Problem::new(
            CheckId::SameKeys,
            None,
            format!(
                "latest and previous are the same key ({}); the add-on never writes that, so the value was set by hand and a rotation will drop the grace period",
                latest.id()
            ),
            ctx.reattach(),
        )
    })
}
