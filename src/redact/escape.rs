//! Text for a terminal: no control, bidi or invisible character gets
//! through as itself, so no forged line or terminal escape.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The most chars of one name, label or path that a report shows; past it,
/// its start, an ellipsis and its length. A label is repeated on every var
/// of its app, so output stays linear in the input.
pub const MAX_SHOWN: usize = 512;

/// `text` with controls (C0, DEL, C1) and the backslash escaped as
/// `\n`, `\t`, `\x1b`, `\\`, and bidi controls (U+061C, U+200E/F,
/// U+202A–U+202E, U+2066–U+2069), invisible characters (U+200B–U+200D,
/// U+2060–U+2064, U+FEFF) and the line and paragraph separators as
/// `\u{…}`.
#[must_use]
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            '\0'..='\x1f' | '\x7f' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    matches!(c,
        '\0'..='\x1f'
        | '\\'
        | '\x7f'..='\u{9f}'
        | '\u{061c}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}')
}

/// `text` cut to [`MAX_SHOWN`] chars, then `…(N bytes)`.
#[must_use]
pub fn shortened(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(MAX_SHOWN) {
        None => Cow::Borrowed(text),
        Some((at, _)) => Cow::Owned(format!("{}…({} bytes)", &text[..at], text.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        for text in [
            "SECURE_KEY",
            "/home/runner/work/_temp/3f2a9c1e-77b0-4d2e-9a1c-0e5f8d7b6a4c/x.env",
            "my app/ünïcödé 日本.env",
        ] {
            assert!(matches!(terminal(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn controls_bidi_and_invisible_are_escaped() {
        assert_eq!(terminal("a\nb\rc\td\\e"), "a\\nb\\rc\\td\\\\e");
        assert_eq!(terminal("\x1b[2J\x7f"), "\\x1b[2J\\x7f");
        assert_eq!(
            terminal("x\u{202e}y\u{200b}z\u{feff}\u{85}"),
            "x\\u{202e}y\\u{200b}z\\u{feff}\\u{85}"
        );
    }

    #[test]
    fn long_text_is_shortened() {
        let long = "x".repeat(MAX_SHOWN + 1);
        assert_eq!(
            shortened(&long),
            format!("{}…({} bytes)", "x".repeat(MAX_SHOWN), MAX_SHOWN + 1)
        );
        assert_eq!(shortened("short"), "short");
    }
}
