//! Untrusted text made safe to print: key-shaped stretches redacted,
//! control, bidi and invisible characters escaped, length capped.

use std::fmt::{self, Write as _};

use super::spans::{MIN_HEX_RUN, key_spans, looks_like_key};

/// What a key-shaped stretch of untrusted text prints as.
pub const REDACTED: &str = "<redacted: looks like a key>";

/// Characters of escaped text an [`Untrusted`] shows before it shortens.
pub const MAX_SHOWN: usize = 120;

/// The most bytes one [`Untrusted`] prints, whatever its input: [`MAX_SHOWN`]
/// chars of up to 4 bytes, then `…(N bytes)`.
pub const MAX_UNTRUSTED_BYTES: usize = 4 * MAX_SHOWN + 32;

/// Text from the user (a name, a label, a path, an app name, an option
/// value), safe to print: `Display` redacts key-shaped stretches (before
/// escaping, so a key split by newlines is caught), escapes control, bidi
/// and invisible characters (`\n`, `\x1b`, `\u{202e}`), backslashes (`\\`)
/// and bytes that are not UTF-8 (`\xff`), and shortens text past
/// [`MAX_SHOWN`] chars to its start, an ellipsis and its length:
/// `SOME_NAME…(65536 bytes)`.
///
/// Printing costs time in what is shown, not in the text's length (a
/// stretch being redacted is read to its end).
#[derive(Clone, Copy)]
pub struct Untrusted<'a>(&'a [u8]);

/// [`Untrusted`] for anything that is bytes: `&str`, `String`, `Vec<u8>`,
/// `[u8]`, `OsStr` (via [`Untrusted::os`]).
#[must_use]
pub fn untrusted<T: AsRef<[u8]> + ?Sized>(text: &T) -> Untrusted<'_> {
    Untrusted(text.as_ref())
}

impl<'a> Untrusted<'a> {
    /// Untrusted bytes.
    #[must_use]
    pub fn new(text: &'a [u8]) -> Self {
        Untrusted(text)
    }

    /// An OS string (a path, an argument, an env var name), byte for byte.
    #[must_use]
    pub fn os(text: &'a std::ffi::OsStr) -> Self {
        Untrusted(text.as_encoded_bytes())
    }

    /// A path, byte for byte.
    #[must_use]
    pub fn path(path: &'a std::path::Path) -> Self {
        Untrusted::os(path.as_os_str())
    }

    /// Whether the text is printed as given: no key-shaped stretch, nothing
    /// escaped, not shortened.
    #[must_use]
    pub fn is_verbatim(&self) -> bool {
        !looks_like_key(self.0)
            && std::str::from_utf8(self.0).is_ok_and(|s| {
                s.chars().count() <= MAX_SHOWN && s.chars().all(|c| escape(c).is_none())
            })
    }
}

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        // Most text is a plain config var name: printable ASCII, short, with
        // too few hex digits (16) and letters and digits (32) for either
        // key rule. It prints as it is, without the span finders (a
        // 10,000-var report spent a tenth of its time in them, scripts/bench).
        if is_plainly_safe(text) {
            // Printable ASCII: valid UTF-8.
            return f.write_str(std::str::from_utf8(text).map_err(|_| fmt::Error)?);
        }
        let mut spans = key_spans(text);
        let mut pos: usize = 0;
        let mut room = MAX_SHOWN;
        loop {
            // Plain text worth `room` chars spans at most 4 bytes a char, so
            // a key-shaped stretch beyond that is never reached.
            let horizon = pos.saturating_add(room.saturating_mul(4)).saturating_add(1);
            let span = spans.next_before(horizon);
            let plain_end = span.as_ref().map_or(text.len(), |s| s.start);
            if !write_plain(f, &text[pos..plain_end], &mut room)? {
                return write_length(f, text.len());
            }
            let Some(span) = span else {
                return Ok(());
            };
            if REDACTED.len() > room {
                return write_length(f, text.len());
            }
            f.write_str(REDACTED)?;
            room -= REDACTED.len();
            pos = span.end;
        }
    }
}

/// Text that no rule could touch: at most [`MAX_SHOWN`] bytes of printable
/// ASCII but the backslash (nothing to escape or shorten), with fewer than
/// [`MIN_HEX_RUN`] hex digits in all (no hex run or chain can reach it) and
/// fewer than 32 letters and digits (no base36 window fits).
fn is_plainly_safe(text: &[u8]) -> bool {
    text.len() <= MAX_SHOWN && {
        let (mut hex, mut alnum) = (0usize, 0usize);
        text.iter().all(|&b| {
            hex += usize::from(b.is_ascii_hexdigit());
            alnum += usize::from(b.is_ascii_alphanumeric());
            (b' '..=b'~').contains(&b) && b != b'\\'
        }) && hex < MIN_HEX_RUN
            && alnum < 32
    }
}

impl fmt::Debug for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Untrusted({self})")
    }
}

/// Writes plain (not key-shaped) text escaped, while it fits in `room`
/// chars; `false` when it did not all fit.
fn write_plain(
    f: &mut fmt::Formatter<'_>,
    text: &[u8],
    room: &mut usize,
) -> Result<bool, fmt::Error> {
    let mut buf = [0u8; 4];
    for chunk in text.utf8_chunks() {
        for c in chunk.valid().chars() {
            let shown = match escape(c) {
                Some(esc) => esc,
                None => Shown::Char(c),
            };
            if !shown.write(f, room, &mut buf)? {
                return Ok(false);
            }
        }
        for &b in chunk.invalid() {
            if !Shown::Byte(b).write(f, room, &mut buf)? {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

fn write_length(f: &mut fmt::Formatter<'_>, len: usize) -> fmt::Result {
    write!(f, "…({len} bytes)")
}

/// One shown unit of untrusted text.
enum Shown {
    Char(char),
    /// `\n`, `\r`, `\t`, `\\`.
    Short(char),
    /// A byte: an ASCII control or a byte that is not UTF-8, as `\xNN`.
    Byte(u8),
    /// Any other character, as `\u{…}`.
    Unicode(char),
}

impl Shown {
    fn width(&self) -> usize {
        match self {
            Shown::Char(_) => 1,
            Shown::Short(_) => 2,
            Shown::Byte(_) => 4,
            // `\u{` + hex digits + `}`.
            Shown::Unicode(c) => 4 + (32 - u32::from(*c).leading_zeros()).div_ceil(4) as usize,
        }
    }

    /// Writes the unit if it fits in `room`, and takes its width from it.
    fn write(
        &self,
        f: &mut fmt::Formatter<'_>,
        room: &mut usize,
        buf: &mut [u8; 4],
    ) -> Result<bool, fmt::Error> {
        let width = self.width();
        if width > *room {
            return Ok(false);
        }
        *room -= width;
        match self {
            Shown::Char(c) => f.write_str(c.encode_utf8(buf))?,
            Shown::Short(c) => {
                f.write_char('\\')?;
                f.write_char(*c)?;
            }
            Shown::Byte(b) => write!(f, "\\x{b:02x}")?,
            Shown::Unicode(c) => write!(f, "\\u{{{:x}}}", u32::from(*c))?,
        }
        Ok(true)
    }
}

/// How a character is escaped, if it is: controls (C0, DEL, C1), bidi
/// controls (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069), invisible
/// characters (U+200B–U+200D, U+2060–U+2064, U+FEFF), the line and
/// paragraph separators (U+2028, U+2029) and the backslash itself.
fn escape(c: char) -> Option<Shown> {
    Some(match c {
        '\n' => Shown::Short('n'),
        '\r' => Shown::Short('r'),
        '\t' => Shown::Short('t'),
        '\\' => Shown::Short('\\'),
        '\0'..='\x1f' | '\x7f' => Shown::Byte(u8::try_from(c).unwrap_or(b'?')),
        '\u{80}'..='\u{9f}'
        | '\u{061c}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}' => Shown::Unicode(c),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::redact::testing::{A, B, BASE36, grouped, hex_key, leaked, separator};

    fn shown(text: impl AsRef<[u8]>) -> String {
        untrusted(text.as_ref()).to_string()
    }

    #[test]
    fn random_base36_keys_are_caught_whole() {
        let alphabet = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut seed = 0x853C_49E6_748F_EA9B_u64;
        let mut missed = 0;
        for i in 0..20_000 {
            let key: String = (0..50)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    char::from(alphabet[usize::try_from(seed % 36).unwrap()])
                })
                .collect();
            let text = format!("X_{key}_SECURE_KEY");
            if !looks_like_key(key.as_bytes()) {
                missed += 1;
                continue;
            }
            assert!(leaked(shown(&text).as_bytes(), &key).is_none(), "key #{i}");
            let folded = grouped(&key, 10, "\n");
            assert!(
                leaked(shown(&folded).as_bytes(), &key).is_none(),
                "key #{i}"
            );
        }
        // About 1 in 2,500 random keys has no window that passes.
        assert!(missed <= 20, "{missed} of 20,000 missed");
    }

    #[test]
    fn untrusted_plain_text_is_verbatim() {
        for text in [
            "SECURE_KEY",
            "/tmp/.tmpAbC123/s1.env",
            "service-1",
            "ünïcödé",
            "",
        ] {
            assert_eq!(shown(text), text);
            assert!(untrusted(text).is_verbatim());
        }
        assert!(!untrusted(A).is_verbatim());
        assert!(!untrusted("a\nb").is_verbatim());
    }

    /// Found by fuzz/pipeline: a control sequence's parameters were
    /// skipped as if they were no digits, so a key's digits right after an
    /// `ESC [` were printed beside the redacted rest (`\x1b[1234567890A`
    /// and the rest redacted).
    #[test]
    fn a_key_after_an_escape_is_redacted_digits_and_all() {
        let leading = "1234567890ABCDEF".repeat(4);
        let trailing = "ABCDEF1234567890".repeat(4);
        for (key, text) in [
            (&leading, format!("\x1b[{leading}")),
            (&leading, format!("X_\x1b[{leading}_SECURE_KEY")),
            (
                &trailing,
                format!("{}\x1b[{}", &trailing[..54], &trailing[54..]),
            ),
            (
                &trailing,
                format!("{}\x1b[{};", &trailing[..54], &trailing[54..]),
            ),
        ] {
            let out = shown(&text);
            assert!(leaked(out.as_bytes(), key).is_none(), "{}", out.len());
        }
        // A colour code inside a key still joins its two halves.
        assert_eq!(shown(format!("{}\x1b[0m{}", &A[..32], &A[32..])), REDACTED);
    }

    #[test]
    fn untrusted_redacts_before_escaping() {
        assert_eq!(
            shown(format!("{A}_SECURE_KEY")),
            format!("{REDACTED}_SECURE_KEY")
        );
        // Folded over lines: one run, redacted whole; the newline around it
        // is escaped.
        let folded = format!("\n{}\n", grouped(A, 16, "\n"));
        assert_eq!(shown(&folded), format!("\\n{REDACTED}\\n"));
        let path = format!("/tmp/{}/x.env", grouped(&A.to_ascii_lowercase(), 8, " "));
        assert_eq!(shown(path), format!("/tmp/{REDACTED}/x.env"));
        assert_eq!(shown(format!("{A},{B}")), REDACTED);
        // Within 8 bytes, two keys are one stretch; further apart, two.
        assert_eq!(shown(format!("{A}x{B}")), REDACTED);
        assert_eq!(
            shown(format!("{A} is not in {B}")),
            format!("{REDACTED} is not in {REDACTED}")
        );
        // In 8s joined by a word, as `sed 's/.\{8\}/&_SECURE_/g'` makes it.
        let joined = format!("{}_SECURE_", grouped(A, 8, "_SECURE_"));
        assert_eq!(shown(&joined), format!("{REDACTED}_SECURE_"));
        assert_eq!(
            shown(format!("X_{}_KEY", grouped(A, 8, "g"))),
            format!("X_{REDACTED}_KEY")
        );
    }

    #[test]
    fn untrusted_escapes_controls_bidi_and_bad_bytes() {
        assert_eq!(shown("A\nB"), "A\\nB");
        assert_eq!(shown("A\r\nB\tC"), "A\\r\\nB\\tC");
        assert_eq!(shown("\x1b[31mRED"), "\\x1b[31mRED");
        assert_eq!(shown("a\0b\x7f"), "a\\x00b\\x7f");
        assert_eq!(shown("back\\slash"), "back\\\\slash");
        assert_eq!(shown("x\u{85}y"), "x\\u{85}y");
        assert_eq!(shown("ab\u{202e}cd\u{2066}"), "ab\\u{202e}cd\\u{2066}");
        assert_eq!(
            shown("a\u{200b}b\u{feff}\u{2028}"),
            "a\\u{200b}b\\u{feff}\\u{2028}"
        );
        assert_eq!(shown(b"N\xffME\xc3"), "N\\xffME\\xc3");
        assert_eq!(shown("é中🔑"), "é中🔑");
        // A forged report line stays on this one.
        let forged = shown("X\nSECURE_KEY  ok       latest 00000000");
        assert!(!forged.contains('\n'));
        assert_eq!(
            format!("{:?}", untrusted("a\nb")),
            "Untrusted(a\\nb)",
            "Debug escapes too"
        );
    }

    #[test]
    fn untrusted_shortens_absurd_text() {
        let name = "N".repeat(65_536);
        let out = shown(&name);
        assert_eq!(out, format!("{}…(65536 bytes)", "N".repeat(MAX_SHOWN)));
        // Exactly at the cap: shown whole.
        assert_eq!(shown("N".repeat(MAX_SHOWN)), "N".repeat(MAX_SHOWN));
        assert!(shown("N".repeat(MAX_SHOWN + 1)).ends_with(&format!("…({} bytes)", MAX_SHOWN + 1)));
        // Escapes count by what they print.
        let out = shown("\x1b".repeat(1000));
        assert!(out.starts_with("\\x1b\\x1b") && out.ends_with("…(1000 bytes)"));
        // Keys beyond the cap are not reached; keys before it are redacted.
        let out = shown(format!("{A}{}", "_".repeat(10_000)));
        assert!(out.starts_with(REDACTED) && out.ends_with("…(10064 bytes)"));
    }

    #[test]
    fn untrusted_output_is_bounded_whatever_the_input() {
        let nasty: Vec<Vec<u8>> = vec![
            "N".repeat(1 << 20).into_bytes(),
            vec![0xff; 1 << 16],
            "\u{202e}".repeat(10_000).into_bytes(),
            "中".repeat(10_000).into_bytes(),
            format!("{A}x").repeat(5_000).into_bytes(),
            format!("{A} ").repeat(5_000).into_bytes(),
            format!("a{}", " ".repeat(1 << 20)).into_bytes(),
            BASE36.repeat(1000).into_bytes(),
            (0..=255u8).cycle().take(1 << 16).collect(),
        ];
        for (i, text) in nasty.iter().enumerate() {
            let out = shown(text);
            assert!(
                out.len() <= MAX_UNTRUSTED_BYTES,
                "#{i}: {} bytes",
                out.len()
            );
            assert!(leaked(out.as_bytes(), A).is_none(), "#{i}");
        }
    }

    /// The key as a user might paste it: any case, split anywhere by
    /// separators.
    fn pasted(key: &str, cases: &[bool], seps: &[String]) -> String {
        let mut out = String::new();
        for (i, c) in key.chars().enumerate() {
            out.push(if cases[i] { c.to_ascii_lowercase() } else { c });
            out.push_str(&seps[i]);
        }
        out
    }

    /// `key` in groups of 8 to 16, their sizes taken from `sizes` where
    /// that leaves at least 8 for the last group.
    fn in_groups<'k>(key: &'k str, sizes: &[usize]) -> Vec<&'k str> {
        let mut groups = Vec::new();
        let mut rest = key;
        for &n in sizes {
            let n = if rest.len() <= 16 {
                rest.len()
            } else {
                n.min(rest.len() - 8)
            };
            let (group, tail) = rest.split_at(n);
            groups.push(group);
            rest = tail;
            if rest.is_empty() {
                break;
            }
        }
        assert!(rest.is_empty() && groups.iter().all(|g| (8..=16).contains(&g.len())));
        groups
    }

    proptest! {
        #[test]
        fn untrusted_never_shows_a_window_of_a_pasted_key(
            key in hex_key(),
            cases in proptest::collection::vec(any::<bool>(), 64),
            seps in proptest::collection::vec(separator(), 64),
            before in "[ -~\u{e9}\u{202e}\n]{0,30}",
            after in "[ -~\u{e9}\u{202e}\n]{0,30}",
        ) {
            let text = format!("{before}{}{after}", pasted(&key, &cases, &seps));
            let out = shown(&text);
            prop_assert!(leaked(out.as_bytes(), &key).is_none());
            prop_assert!(out.len() <= MAX_UNTRUSTED_BYTES);
        }

        #[test]
        fn untrusted_never_shows_a_window_of_a_grouped_key(
            key in hex_key(),
            n in 1usize..=16,
            sep in separator(),
            lower in any::<bool>(),
        ) {
            let key_text = if lower { key.to_ascii_lowercase() } else { key.clone() };
            let out = shown(grouped(&key_text, n, &sep));
            prop_assert!(leaked(out.as_bytes(), &key).is_none());
        }

        #[test]
        fn untrusted_never_shows_a_window_of_a_key_joined_by_words(
            key in hex_key(),
            cases in proptest::collection::vec(any::<bool>(), 64),
            sizes in proptest::collection::vec(8usize..=16, 8),
            seps in proptest::collection::vec("[ -/:-~]{1,8}", 8),
            before in "[ -~\u{e9}\n]{0,30}",
            after in "[ -~\u{e9}\n]{0,30}",
        ) {
            let no_seps = vec![String::new(); 64];
            let key_text = pasted(&key, &cases, &no_seps);
            let mut joined = String::new();
            for (group, sep) in in_groups(&key_text, &sizes).into_iter().zip(&seps) {
                joined.push_str(group);
                joined.push_str(sep);
            }
            let out = shown(format!("{before}{joined}{after}"));
            prop_assert!(leaked(out.as_bytes(), &key).is_none());
        }

        #[test]
        fn untrusted_prints_no_control_or_bidi_characters_and_stays_bounded(
            text in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            let out = shown(&text);
            prop_assert!(out.len() <= MAX_UNTRUSTED_BYTES);
            prop_assert!(out.chars().all(|c| escape(c).is_none() || c == '\\'));
        }
    }
}
