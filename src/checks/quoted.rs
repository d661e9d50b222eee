//! `quoted`: the value is wrapped in quotes, a copy-paste accident: the raw
//! var is no longer the key. The rest of the checks look inside the quotes.

use super::{CheckId, Ctx, Problem, advice};

/// Returns the value inside the quotes (or the value) and the problem.
pub(super) fn check<'a>(ctx: &Ctx<'_>, value: &'a [u8]) -> (&'a [u8], Option<Problem>) {
    let trimmed = value.trim_ascii();
    let inner = match (trimmed.first(), trimmed.last()) {
        (Some(&open), Some(&close))
            if trimmed.len() >= 2 && open == close && matches!(open, b'"' | b'\'') =>
        {
            &trimmed[1..trimmed.len() - 1]
        }
        _ => return (value, None),
    };
    let (then, fix) = advice::set_by_hand(ctx);
    let problem = Problem::new(
        CheckId::Quoted,
        None,
        format!(
            "{} is wrapped in quotes, so apps that read the var get the quotes as part of the key (quotes in a .env file are syntax; in `heroku config:set` they end up in the value); {then}",
            ctx.name()
        ),
        fix,
    );
    (inner, Some(problem))
}
