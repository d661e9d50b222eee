//! `length`: a hex key that is not 64 chars.

use super::{CheckId, Ctx, KeyText, Problem};
use securekey::KEY_HEX_LEN;

pub(super) fn check(ctx: &Ctx<'_>, key: &KeyText<'_>) -> Option<Problem> {
    let len = key.trimmed().len();
    if len == KEY_HEX_LEN {
        return None;
    }
    let history = if len < KEY_HEX_LEN {
        "; hex keys shorter than 64 come from the 2013-2018 add-on, which dropped leading zeros (so lengths could even be odd)"
    } else {
        "; no version of the add-on wrote keys that long"
    };
    Some(Problem::new(
        CheckId::Length,
        Some(key.slot),
        format!(
            "the {} key is {len} hex chars, not {KEY_HEX_LEN}{history}",
            key.slot
        ),
        format!(
            "since 2018 the add-on writes 64-char keys: wait for the next rotation; {}",
            ctx.reattach()
        ),
    ))
}
