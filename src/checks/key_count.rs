//! `key-count`: the value is not exactly two comma-separated keys.

use super::{CheckId, Ctx, Problem, advice};

pub(super) fn check(ctx: &Ctx<'_>, value: &[u8]) -> Option<Problem> {
    // Values are small (Heroku caps all config vars at 64 KiB); no need
    // for a SIMD byte counter.
    #[allow(clippy::naive_bytecount)]
    let count = value.iter().filter(|&&b| b == b',').count() + 1;
    (count != 2).then(|| {
        let what = if count == 1 {
            "one key and no comma".to_owned()
        } else {
            format!("{count} comma-separated parts")
        };
        let (then, fix) = advice::set_by_hand(ctx);
        Problem::new(
            CheckId::KeyCount,
            None,
            format!(
                "{} holds {what}; the add-on always writes two keys, LATEST,PREVIOUS; {then}",
                ctx.name()
            ),
            fix,
        )
    })
}
