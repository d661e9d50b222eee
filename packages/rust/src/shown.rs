//! Names and paths in error messages: shown as given, escaped, unless the
//! whole of a word in them has a key's shape (a key pasted where a var
//! name belongs), which is replaced.

use std::fmt;
use std::path::Path;

/// Stands for a key-shaped word in a message.
const REDACTED: &str = "<redacted: a key?>";

/// A name or path for an error message (see the module docs).
pub(crate) struct Shown<'a>(pub(crate) &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        let mut at = 0;
        for (start, end) in key_shaped_words(text.as_bytes()) {
            write!(f, "{}{REDACTED}", text[at..start].escape_debug())?;
            at = end;
        }
        write!(f, "{}", text[at..].escape_debug())
    }
}

/// A path for an error message (see [`Shown`]).
pub(crate) fn shown_path(path: &Path) -> String {
    Shown(&path.to_string_lossy()).to_string()
}

/// Where the key-shaped words of `text` are ([`key_shaped`]), as byte
/// ranges: what the binary's output guard treats as secrets too.
#[doc(hidden)]
pub fn key_shaped_words(text: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    words(text).filter(|&(start, end)| key_shaped(&text[start..end]))
}

/// The maximal runs of ASCII letters and digits in `text`.
fn words(text: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + text[at..].iter().position(u8::is_ascii_alphanumeric)?;
        let len = text[start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(text.len() - start);
        at = start + len;
        Some((start, at))
    })
}

/// A word with a key's shape: 45 to 130 letters and digits in a row,
/// holding both. The add-on's keys (64 hex chars, or 60-odd for its
/// 2013–2018 ones), its pre-2013 base36 keys (about 50), two keys run
/// together, or a key with a letter stuck to it all have it; the words of
/// names and paths do not (a Heroku app name is at most 30 chars, a Nix
/// store hash 32, a git SHA-1 40, and UUIDs and mktemp names are cut by
/// `-` and `.`). A 64-hex-char word that is no key (a Docker container id)
/// cannot be told from one, and is replaced too.
#[doc(hidden)]
#[must_use]
pub fn key_shaped(word: &[u8]) -> bool {
    (45..=130).contains(&word.len())
        && word.iter().any(u8::is_ascii_digit)
        && word.iter().any(u8::is_ascii_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_are_shown_as_given() {
        for text in [
            "SECURE_KEY",
            "sleepy-reef-39125",
            "/home/runner/work/_temp/3f2a9c1e-77b0-4d2e-9a1c-0e5f8d7b6a4c/x.env",
            "/nix/store/0c0f5aq2bdlmnw5sbzjnggg0fd7qmylb-app/keys.json",
            "cache/da39a3ee5e6b4b0d3255bfef95601890afd80709/keys.json",
            "Ünïcode folder/keys.json",
        ] {
            assert_eq!(Shown(text).to_string(), text.escape_debug().to_string());
        }
    }

    #[test]
    fn a_key_shaped_word_is_replaced() {
        let key = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
        let shown = Shown(&format!("/tmp/{key}.json")).to_string();
        assert_eq!(shown, format!("/tmp/{REDACTED}.json"));
        assert!(!shown.contains(&key[..8]));
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(Shown("a\nb\u{1b}[2J").to_string(), "a\\nb\\u{1b}[2J");
    }
}
