//! Key-shaped text: where a key, or a piece of one, sits in text from
//! the user (SPEC §10). [`key_spans`] is the rule; the rest is its two
//! finders, one for hex runs and one for base36 windows.

use std::ops::Range;

/// Hex digits, any case, that make a stretch of text key-shaped: 16 is a
/// quarter of a key, and twice the 8 that SPEC §10 forbids.
pub const MIN_HEX_RUN: usize = 16;

/// Lowercase letters and digits per window in the pre-2013 base36 test.
const BASE36_WINDOW: usize = 32;
/// Digit/letter alternations a base36 window needs. A random base36 window
/// of 32 has about 12; a path such as `python3.12/site-packages` has 2.
/// With 6, about 1 random 50-char key in 2,500 has no such window (8 would
/// miss 1 in 200).
const BASE36_MIN_SWITCHES: u32 = 6;
/// Letters outside `a-f` a base36 window needs (a random one has about 18),
/// so that a lowercase hex key, whose windows alternate too, is left to the
/// hex rule and its neighbours are not redacted with it.
const BASE36_MIN_NONHEX: u32 = 6;
/// Letters and digits redacted on each side of a key-shaped base36 window,
/// so all of a 50-char key goes whichever of its windows passed the test.
const BASE36_REACH: usize = 32;
/// The last `BASE36_WINDOW - 1` digit/letter alternations.
const SWITCH_BITS: u32 = (1 << (BASE36_WINDOW - 1)) - 1;
/// The last `BASE36_WINDOW` chars.
const WINDOW_BITS: u64 = (1 << BASE36_WINDOW) - 1;
/// Positions of the last letters and digits a base36 span can reach back to.
const RING: usize = BASE36_WINDOW + BASE36_REACH;

/// Whether text looks like key material: see [`key_spans`] for the rule.
#[must_use]
pub fn looks_like_key(text: &[u8]) -> bool {
    key_spans(text).next().is_some()
}

/// The key-shaped stretches of `text`, in order, as byte ranges. The rule:
///
/// - **Hex**: [`MIN_HEX_RUN`] or more hex digits (any case) with nothing
///   but *separators* between them. A separator is any byte that is not an
///   ASCII letter or digit (spaces, tabs, newlines, `-._:/,`, control
///   characters, any non-ASCII byte), and any number of them may sit
///   between two digits: a key folded over lines, grouped in 8s with spaces
///   or joined with dashes is one run. So is a terminal control sequence
///   (`ESC [ 0 m`), letter and all. A letter outside `a-f` ends the run.
///   The span runs from its first hex digit to its last.
/// - **Base36** (pre-2013 keys, about 50 lowercase letters and digits): 32
///   lowercase letters and digits in a row (separators skipped; an
///   uppercase letter ends the row) in which digits and letters alternate
///   at least 6 times and at least 6 letters are outside `a-f`. The span
///   reaches 32 letters and digits beyond the first and last such window.
///   The add-on wrote these keys in lowercase; an upper-cased one is not
///   caught by this rule.
///
/// Var names, paths and messages do not match: `SECURE_KEY`,
/// `SECUREKEY_CHARCOAL_KEY`, `/tmp/.tmpAbC123/s1.env`, `DEADBEEF` (8 hex
/// digits are fine). Accepted false positives: a name whose hex-letter
/// words add up to 16 (`FACADE_BEEF_CAFE_ADDED_SECURE_KEY`), a UUID or a
/// long number in a path, text full of numbered parts (`a1/b2/c3/…`). Each
/// is shown as [`REDACTED`](super::REDACTED), which says why.
#[must_use]
pub fn key_spans(text: &[u8]) -> KeySpans<'_> {
    KeySpans {
        text,
        hex: HexRuns::default(),
        base36: Base36Runs::default(),
        heads: [None, None],
    }
}

/// The iterator of [`key_spans`]: sorted, disjoint byte ranges.
#[derive(Debug)]
pub struct KeySpans<'a> {
    text: &'a [u8],
    hex: HexRuns,
    base36: Base36Runs,
    /// The next span of each finder, found but not yet merged.
    heads: [Option<Range<usize>>; 2],
}

impl KeySpans<'_> {
    /// The next span, looking no further than needed to know there is none
    /// starting before `horizon` (a span that starts later may be returned
    /// or not). Calling again with a larger horizon goes on from there.
    pub(super) fn next_before(&mut self, horizon: usize) -> Option<Range<usize>> {
        self.fill(horizon);
        let mut span = self.pop_first()?;
        loop {
            // Whatever starts inside the span joins it.
            self.fill(span.end.saturating_add(1));
            match self.first_start() {
                Some(start) if start <= span.end => {
                    if let Some(next) = self.pop_first() {
                        span.end = span.end.max(next.end);
                    }
                }
                _ => return Some(span),
            }
        }
    }

    fn fill(&mut self, horizon: usize) {
        if self.heads[0].is_none() {
            self.heads[0] = self.hex.next_before(self.text, horizon);
        }
        if self.heads[1].is_none() {
            self.heads[1] = self.base36.next_before(self.text, horizon);
        }
    }

    fn first_start(&self) -> Option<usize> {
        self.heads.iter().flatten().map(|r| r.start).min()
    }

    fn pop_first(&mut self) -> Option<Range<usize>> {
        let start = self.first_start()?;
        self.heads
            .iter_mut()
            .find(|h| h.as_ref().is_some_and(|r| r.start == start))?
            .take()
    }
}

impl Iterator for KeySpans<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        self.next_before(usize::MAX)
    }
}

/// Where the byte at `pos` ends: one byte, or a whole terminal control
/// sequence (`ESC [ 0 m`), which is a separator, final letter included.
fn after_escape(text: &[u8], pos: usize) -> usize {
    if text[pos] != 0x1b || text.get(pos + 1) != Some(&b'[') {
        return pos + 1;
    }
    let rest = &text[pos + 2..];
    // Parameters and intermediates, then one final byte.
    let body = rest
        .iter()
        .take_while(|b| (0x20..=0x3f).contains(*b))
        .count();
    let end = pos + 2 + body;
    match text.get(end) {
        Some(0x40..=0x7e) => end + 1,
        _ => end,
    }
}

/// Runs of hex digits with separators between them (see [`key_spans`]).
#[derive(Debug, Default)]
struct HexRuns {
    pos: usize,
    start: usize,
    end: usize,
    count: usize,
}

impl HexRuns {
    fn next_before(&mut self, text: &[u8], horizon: usize) -> Option<Range<usize>> {
        while let Some(&b) = text.get(self.pos) {
            if self.count == 0 && self.pos >= horizon {
                return None;
            }
            self.pos = after_escape(text, self.pos);
            if b.is_ascii_hexdigit() {
                if self.count == 0 {
                    self.start = self.pos - 1;
                }
                self.count += 1;
                self.end = self.pos;
            } else if b.is_ascii_alphanumeric() {
                if let Some(span) = self.take() {
                    return Some(span);
                }
            }
        }
        self.take()
    }

    fn take(&mut self) -> Option<Range<usize>> {
        (std::mem::take(&mut self.count) >= MIN_HEX_RUN).then_some(self.start..self.end)
    }
}

/// Base36-shaped stretches (see [`key_spans`]).
#[derive(Debug)]
struct Base36Runs {
    pos: usize,
    /// Letters and digits seen so far.
    seen: usize,
    /// Lowercase letters and digits in a row (up to an uppercase letter).
    run: usize,
    /// One bit per char of the last window: a letter outside `a-f`.
    nonhex: u64,
    /// Positions of the last [`RING`] letters and digits, by `seen % RING`.
    at: [usize; RING],
    /// One bit per adjacent pair of the last window: digit next to letter.
    switches: u32,
    last_digit: bool,
    /// A span found: its start, and how many more letters and digits it takes.
    pending: Option<(usize, usize)>,
}

impl Default for Base36Runs {
    fn default() -> Self {
        Base36Runs {
            pos: 0,
            seen: 0,
            run: 0,
            nonhex: 0,
            at: [0; RING],
            switches: 0,
            last_digit: false,
            pending: None,
        }
    }
}

impl Base36Runs {
    /// Where the earliest span found from here on could start.
    fn earliest_start(&self) -> usize {
        if self.seen == 0 {
            self.pos
        } else {
            self.at[self.seen.saturating_sub(RING - 1) % RING]
        }
    }

    fn next_before(&mut self, text: &[u8], horizon: usize) -> Option<Range<usize>> {
        while let Some(&b) = text.get(self.pos) {
            if self.pending.is_none() && self.pos >= horizon && self.earliest_start() >= horizon {
                return None;
            }
            let here = self.pos;
            self.pos = after_escape(text, self.pos);
            if !b.is_ascii_alphanumeric() {
                continue;
            }
            let digit = b.is_ascii_digit();
            if b.is_ascii_uppercase() {
                self.run = 0;
            } else {
                if self.run > 0 {
                    self.switches =
                        ((self.switches << 1) | u32::from(digit != self.last_digit)) & SWITCH_BITS;
                }
                self.nonhex = ((self.nonhex << 1) | u64::from(b > b'f')) & WINDOW_BITS;
                self.last_digit = digit;
                self.run += 1;
            }
            self.at[self.seen % RING] = here;
            self.seen += 1;
            let key_shaped = self.run >= BASE36_WINDOW
                && self.switches.count_ones() >= BASE36_MIN_SWITCHES
                && self.nonhex.count_ones() >= BASE36_MIN_NONHEX;
            if key_shaped {
                if let Some((_, left)) = &mut self.pending {
                    *left = BASE36_REACH;
                } else {
                    let first = self.seen.saturating_sub(RING);
                    self.pending = Some((self.at[first % RING], BASE36_REACH));
                }
            } else if let Some((start, left)) = &mut self.pending {
                *left -= 1;
                if *left == 0 {
                    let start = *start;
                    self.pending = None;
                    return Some(start..here + 1);
                }
            }
        }
        let (start, _) = self.pending.take()?;
        Some(start..self.at[(self.seen - 1) % RING] + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::testing::{A, B, BASE36, grouped};

    #[test]
    fn key_shaped_text() {
        let lower = A.to_ascii_lowercase();
        let mixed: String = A
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_lowercase()
                } else {
                    c
                }
            })
            .collect();
        let positives = [
            A.to_owned(),
            format!("{A},{B}"),
            lower.clone(),
            mixed,
            A[10..26].to_owned(),
            grouped(A, 8, " "),
            grouped(A, 8, "\n"),
            grouped(A, 20, "\r\n"),
            grouped(A, 4, "-"),
            grouped(A, 8, "\t"),
            grouped(A, 2, "."),
            grouped(A, 2, ":"),
            grouped(A, 8, "_"),
            grouped(A, 8, "/"),
            grouped(A, 8, ", "),
            grouped(A, 8, "\u{200b}"),
            grouped(A, 8, "\u{a0}"),
            grouped(A, 8, "\x1b[0m"),
            grouped(A, 1, " "),
            format!(
                "{}-{}-{}-{}-{}",
                &A[..8],
                &A[8..12],
                &A[12..16],
                &A[16..20],
                &A[20..32]
            ),
            format!("{A}_SECURE_KEY"),
            format!("X_{}_SECURE_KEY", grouped(A, 8, "_")),
            format!("/tmp/{lower}/s1.env"),
            format!("service-{}", &lower[..20]),
            BASE36.to_owned(),
            grouped(BASE36, 10, " "),
            format!("1{BASE36}"),
            format!("/tmp/{BASE36}.env"),
        ];
        for (i, text) in positives.iter().enumerate() {
            assert!(looks_like_key(text.as_bytes()), "positive #{i}");
        }
        let negatives = [
            "SECURE_KEY",
            "SERVICE_ONE_SECURE_KEY",
            "SECUREKEY_CHARCOAL_KEY",
            "HEROKU_POSTGRESQL_CHARCOAL_URL",
            "HEROKU_POSTGRESQL_CHARCOAL_URL_SECURE_KEY",
            "/tmp/.tmpAbC123/s1.env",
            "/tmp/.tmpAbC123/env_dir",
            "service-1",
            "./a=b/x.env",
            "DEADBEEF",
            "DEADBEEF_CAFE_SECURE_KEY",
            "APP1234_SECURE_KEY",
            "s1.json",
            "stdin",
            "-",
            "",
            "the key file was not written; the process starts without it",
            "add a bad dead face",
            "/app/.heroku/python/lib/python3.12/site-packages/x.env",
            "/tmp/d20240115-57-1xk3lm2/SECURE_KEY",
            "latest 9c1e04ab previous 51f0d2c3",
            "error: unexpected argument 'deadbeef' found",
        ];
        for text in negatives {
            assert!(!looks_like_key(text.as_bytes()), "negative {text:?}");
        }
        // Documented false positive: hex-letter words adding up to 16.
        assert!(looks_like_key(b"FACADE_BEEF_CAFE_ADDED_SECURE_KEY"));
        // Documented miss: base36 keys were lowercase; upper-cased, only
        // their hex stretches would count.
        assert!(!looks_like_key(BASE36.to_ascii_uppercase().as_bytes()));
    }

    #[test]
    fn spans_are_the_key_and_no_more() {
        let text = format!("X_{}_SECURE_KEY", grouped(A, 8, " "));
        let spans: Vec<_> = key_spans(text.as_bytes()).collect();
        assert_eq!(spans, vec![2..2 + 64 + 7; 1]);
        let text = format!("{A} or {B}");
        let spans: Vec<_> = key_spans(text.as_bytes()).collect();
        // "or" ends the first run; both keys are caught.
        assert_eq!(spans, [0..64, 68..132]);
        // A base36 span takes the whole key, whichever windows passed.
        let text = format!("/tmp/x/{BASE36}.env");
        let spans: Vec<_> = key_spans(text.as_bytes()).collect();
        assert_eq!(spans.len(), 1);
        assert!(spans[0].start <= 7 && spans[0].end >= 7 + BASE36.len());
    }
}
