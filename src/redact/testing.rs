//! What the redact tests share: sample keys, a leak oracle, and inputs
//! shaped as a user might paste a key.

use proptest::prelude::*;

/// Two hex keys and a pre-2013 base36 one.
pub(super) const A: &str = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
pub(super) const B: &str = "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";
pub(super) const BASE36: &str = "2fi9ugflsiscwcdv3g2aq2v2c2nwam2elripnkjbn1s6n5m6c4";

/// Letters and digits only, upper-cased: what a reader who skips
/// separators (and mask characters) sees.
pub(super) fn squeezed(text: &[u8]) -> Vec<u8> {
    text.iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(u8::to_ascii_uppercase)
        .collect()
}

/// The offset in `key` of an 8-char window of it that `text` holds
/// (any case, separators skipped), if any. Tests print the offset,
/// never the text.
pub(super) fn leaked(text: &[u8], key: &str) -> Option<usize> {
    let text = squeezed(text);
    let key = squeezed(key.as_bytes());
    (0..=key.len().saturating_sub(8))
        .find(|&i| key.len() >= 8 && text.windows(8).any(|w| w == &key[i..i + 8]))
}

/// `key` in groups of `n` joined by `sep`.
pub(super) fn grouped(key: &str, n: usize, sep: &str) -> String {
    key.as_bytes()
        .chunks(n)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(sep)
}

/// A separator (or several) as a user or a terminal might put them.
pub(super) fn separator() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("-".to_owned()),
        Just("\t".to_owned()),
        Just(".".to_owned()),
        Just(":".to_owned()),
        Just("_".to_owned()),
        Just("/".to_owned()),
        Just(", ".to_owned()),
        Just("\u{200b}".to_owned()),
        Just("\x1b[0m".to_owned()),
        "[ -/:-@\\[-`{-~]{1,3}",
    ]
}

/// A random key: 64 uppercase hex digits.
pub(super) fn hex_key() -> impl Strategy<Value = String> {
    "[0-9A-F]{64}"
}
