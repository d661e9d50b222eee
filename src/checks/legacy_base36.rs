//! `legacy-base36`: a key with the pre-2013 shape (lowercase base36, about
//! 50 chars), as the Dev Center's examples still show.

use super::{CheckId, Ctx, KeyText, Problem, advice};

/// Base36 keys of the old add-on were about 50 chars; this range takes them
/// and leaves short junk to `not-hex`.
const LEGACY_LEN: std::ops::RangeInclusive<usize> = 40..=60;

pub(super) fn check(_ctx: &Ctx<'_>, key: &KeyText<'_>) -> Option<Problem> {
    let text = key.trimmed();
    let legacy = LEGACY_LEN.contains(&text.len()) && key.shape.base36_lower && key.shape.beyond_f;
    legacy.then(|| {
        Problem::new(
            CheckId::LegacyBase36,
            Some(key.slot),
            format!(
                "the {} key has the pre-2013 base36 shape ({} lowercase letters and digits); the add-on has written 64-char uppercase hex since 2018",
                key.slot,
                text.len()
            ),
            advice::next_rotation("legacy-base36"),
        )
    })
}
