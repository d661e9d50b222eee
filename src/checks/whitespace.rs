//! `whitespace`: whitespace around the value or a key. The key file holds
//! the trimmed keys, but apps that read the raw var see other bytes.

use super::{CheckId, Ctx, KeyText, Problem, advice};

pub(super) fn value(ctx: &Ctx<'_>, value: &[u8]) -> Option<Problem> {
    (value.trim_ascii().len() != value.len()).then(|| {
        Problem::new(
            CheckId::Whitespace,
            None,
            format!(
                "{} has whitespace around its value; the key file holds the trimmed keys, but apps that read the var see the whitespace",
                ctx.name()
            ),
            fix(ctx),
        )
    })
}

pub(super) fn key(ctx: &Ctx<'_>, key: &KeyText<'_>) -> Option<Problem> {
    (key.trimmed().len() != key.raw.len()).then(|| {
        Problem::new(
            CheckId::Whitespace,
            Some(key.slot),
            format!(
                "whitespace around the {} key; the key file holds it trimmed, but apps that read the var see the whitespace",
                key.slot
            ),
            fix(ctx),
        )
    })
}

fn fix(_ctx: &Ctx<'_>) -> String {
    advice::read_the_key_file()
}
