//! `not-hex`: a key has a char outside `[0-9A-Fa-f]`.
//!
//! The message gives the position and the kind of the first offending char,
//! never the char itself: around it is key material.

use super::{CheckId, Ctx, KeyText, Problem, advice};

pub(super) fn check(ctx: &Ctx<'_>, key: &KeyText<'_>) -> Option<Problem> {
    let text = key.trimmed();
    let first = key.shape.first_non_hex?;
    let count = key.shape.non_hex;
    let others = match count {
        1 => String::new(),
        2 => " and 1 more".to_owned(),
        n => format!(" and {} more", n - 1),
    };
    let (then, fix) = advice::set_by_hand(ctx);
    Some(Problem::new(
        CheckId::NotHex,
        Some(key.slot),
        format!(
            "the {} key has {} at position {} of {}{others}; keys are hex (0-9, A-F); {then}",
            key.slot,
            describe(text, first),
            first + 1,
            text.len()
        ),
        fix,
    ))
}

/// The kind of the byte at `at`, in words that do not give it away.
fn describe(text: &[u8], at: usize) -> &'static str {
    let b = text[at];
    match b {
        b' ' | b'\t' => "a space",
        b'\r' | b'\n' => "a line break",
        b'"' | b'\'' | b'`' => "a quote",
        b'g'..=b'z' | b'G'..=b'Z' => "a letter after F",
        0..=0x1f | 0x7f => "a control character",
        0x80..=0xff => {
            if std::str::from_utf8(&text[at..]).is_ok()
                || std::str::from_utf8(&text[at..(at + 4).min(text.len())]).is_ok()
            {
                "a non-ASCII character"
            } else {
                "a byte that is not UTF-8"
            }
        }
        _ => "a punctuation mark",
    }
}
