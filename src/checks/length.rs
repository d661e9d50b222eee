//! `length`: a hex key that is not 64 chars.

use super::{CheckId, Ctx, KeyText, Problem, advice};
use securekey::KEY_HEX_LEN;

pub(super) fn check(ctx: &Ctx<'_>, key: &KeyText<'_>) -> Option<Problem> {
    let len = key.trimmed().len();
    if len == KEY_HEX_LEN {
        return None;
    }
    let (history, fix) = if len < KEY_HEX_LEN {
        (
            "; hex keys shorter than 64 come from the 2013-2018 add-on, which dropped leading zeros (so lengths could even be odd); since 2018 it writes 64".to_owned(),
            advice::next_rotation("length"),
        )
    } else {
        let (then, fix) = advice::set_by_hand(ctx);
        (
            format!("; no version of the add-on wrote keys that long: {then}"),
            fix,
        )
    };
    Some(Problem::new(
        CheckId::Length,
        Some(key.slot),
        format!(
            "the {} key is {len} hex chars, not {KEY_HEX_LEN}{history}",
            key.slot
        ),
        fix,
    ))
}
