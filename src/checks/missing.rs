//! `missing`: a required var is not set, or (by default) no `SecureKey` var
//! is set at all.

use super::{CheckId, Ctx, Problem, advice};

pub(super) fn check(ctx: &Ctx<'_>, by_default: bool, attached: Option<&str>) -> Problem {
    let (message, fix) = advice::missing(ctx, by_default, attached);
    Problem::new(CheckId::Missing, None, message, fix)
}
