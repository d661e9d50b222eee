//! `case`: lowercase or mixed-case hex. The add-on writes uppercase; the key
//! file holds uppercase, so an app reading the raw var sees other bytes.

use super::{CheckId, Ctx, KeyText, Problem, advice};

pub(super) fn check(_ctx: &Ctx<'_>, key: &KeyText<'_>) -> Option<Problem> {
    // Runs on all-hex keys only, so lowercase means a-f.
    if !key.shape.lower_hex {
        return None;
    }
    let how = if key.shape.upper_hex {
        "mixed-case"
    } else {
        "lowercase"
    };
    Some(Problem::new(
        CheckId::Case,
        Some(key.slot),
        format!(
            "the {} key is {how} hex; the add-on writes uppercase and the key file holds uppercase, so apps that read the var see other bytes",
            key.slot
        ),
        advice::read_the_key_file(),
    ))
}
