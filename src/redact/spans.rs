//! Key-shaped text: where a key, or a piece of one, sits in text from
//! the user (SPEC §10). [`key_spans`] is the rule; the rest is its two
//! finders, one for hex runs and one for base36 windows.

use std::ops::Range;

/// Hex digits, any case, that make a stretch of text key-shaped: 16 is a
/// quarter of a key, and twice the 8 that SPEC §10 forbids.
pub const MIN_HEX_RUN: usize = 16;
/// Hex digits a run needs to count towards a key with runs near it: a key
/// grouped in 8s, the 8 that SPEC §10 forbids. Fewer hold no 8 of a key in
/// a row; a lone run of 8 to 15 is fine (`DEADBEEF`, a key id).
const MIN_HEX_GROUP: usize = 8;
/// The most bytes, of anything (letters included), between two runs of
/// [`MIN_HEX_GROUP`] that still count as one key: a key grouped in 8s and
/// joined by a letter or a word (`_SECURE_`). Wider gaps would join key
/// ids in a sentence (`latest 9c1e04ab previous 51f0d2c3`).
const MAX_HEX_GAP: usize = 8;

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

/// Whether text could show a piece of a key to the output mask: 8 hex
/// digits in a row among its letters and digits (other bytes are
/// separators, as the mask reads them). Text named before the mask knows
/// any value (a parse error) is not printed when it could.
#[must_use]
pub fn may_hold_key_piece(text: &[u8]) -> bool {
    let mut run = 0;
    for b in text.iter().filter(|b| b.is_ascii_alphanumeric()) {
        run = if b.is_ascii_hexdigit() { run + 1 } else { 0 };
        if run == 8 {
            return true;
        }
    }
    false
}

/// The key-shaped stretches of `text`, in order, as byte ranges. The rule:
///
/// - **Hex**: a *run* is hex digits (any case) with nothing but
///   *separators* between them. A separator is any byte that is not an
///   ASCII letter or digit (spaces, tabs, newlines, `-._:/,`, control
///   characters, any non-ASCII byte), and any number of them may sit
///   between two digits: a key folded over lines, grouped in 8s with spaces
///   or joined with dashes is one run. So is a terminal control sequence
///   (`ESC [ 0 m`): its final letter is a separator too (its digits are
///   digits), unless it is a hex digit (`ESC [ 1 A`), which prints beside
///   the digits and counts as one. Any other letter outside `a-f` ends the
///   run.
///   Runs of 8 or more digits, each at most 8 bytes of anything (letters
///   included) after the one before, make a *chain*: a key grouped in 8s
///   and joined by a letter or a word (`…g…`, `…_SECURE_…`) is one chain.
///   Shorter runs in a gap do not count, for or against it. A chain
///   (a single run too) of [`MIN_HEX_RUN`] or more digits in all is
///   key-shaped; the span runs from its first hex digit to its last.
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
/// digits are fine), two key ids in a sentence (`latest 9c1e04ab previous
/// 51f0d2c3`: 10 bytes apart). Accepted false positives: a name whose
/// hex-letter words add up to 16 (`FACADE_BEEF_CAFE_ADDED_SECURE_KEY`) or
/// that holds two 8-hex words close together (`DEADBEEF_TO_FEEDFACE`,
/// `9c1e04ab or 51f0d2c3`), a UUID or a long number in a path, text full
/// of numbered parts (`a1/b2/c3/…`). Each is shown as
/// [`REDACTED`](super::REDACTED), which says why.
///
/// Not caught: a key in groups of 7 or fewer joined by letters (no 8 of it
/// in a row are printed), or groups of 8 or more each more than 8 bytes
/// from the next (an 8-char piece of a key var's value is still masked by
/// [`Mask`](super::Mask)).
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

/// Finds the final byte of each terminal control sequence (`ESC [ 0 m`):
/// a separator even when it is a letter (but one the run is made of), so a
/// key pasted with colour codes in it is one run. The parameters are not skipped: they are what the
/// user typed, and a key's digits after an `ESC [` are still its digits
/// (skipped, they were printed beside the redacted rest).
#[derive(Debug, Default)]
struct Escapes {
    /// The final byte of the sequence being read.
    final_at: Option<usize>,
}

impl Escapes {
    /// Whether the byte at `pos` is a control sequence's final byte. Call
    /// it for every position, in order.
    fn is_final(&mut self, text: &[u8], pos: usize) -> bool {
        if self.final_at == Some(pos) {
            self.final_at = None;
            return true;
        }
        if text[pos] == 0x1b && text.get(pos + 1) == Some(&b'[') {
            // Parameters and intermediates, then one final byte.
            let body = text[pos + 2..]
                .iter()
                .take_while(|b| (0x20..=0x3f).contains(*b))
                .count();
            let end = pos + 2 + body;
            self.final_at = matches!(text.get(end), Some(0x40..=0x7e)).then_some(end);
        }
        false
    }
}

/// Hex runs, and the chains of them that make one key (see [`key_spans`]).
#[derive(Debug, Default)]
struct HexRuns {
    pos: usize,
    /// The run being read: where its first digit is, where its last one
    /// ends, and how many digits it has so far.
    start: usize,
    end: usize,
    count: usize,
    /// Runs of [`MIN_HEX_GROUP`] or more read so far whose chain may still
    /// go on: the next such run may start within [`MAX_HEX_GAP`] of it.
    chain: Option<HexChain>,
    escapes: Escapes,
}

/// Runs of [`MIN_HEX_GROUP`] or more hex digits, each at most
/// [`MAX_HEX_GAP`] bytes after the one before.
#[derive(Debug)]
struct HexChain {
    start: usize,
    end: usize,
    digits: usize,
}

impl HexRuns {
    /// Where the earliest span found from here on could start.
    fn earliest_start(&self) -> usize {
        match &self.chain {
            Some(chain) => chain.start,
            None if self.count > 0 => self.start,
            None => self.pos,
        }
    }

    fn next_before(&mut self, text: &[u8], horizon: usize) -> Option<Range<usize>> {
        loop {
            // A chain is over once the next run can only start beyond the
            // gap; so when a run ends, it is near enough to join the chain.
            let next_start = if self.count > 0 { self.start } else { self.pos };
            if self
                .chain
                .as_ref()
                .is_some_and(|chain| next_start.saturating_sub(chain.end) > MAX_HEX_GAP)
            {
                if let Some(span) = self.take_chain() {
                    return Some(span);
                }
            }
            if self.earliest_start() >= horizon {
                return None;
            }
            let Some(&b) = text.get(self.pos) else {
                self.end_run();
                return self.take_chain();
            };
            let here = self.pos;
            self.pos += 1;
            // A final letter that is a hex digit counts as one: the ESC
            // before it prints escaped, so it stands beside the digits.
            if self.escapes.is_final(text, here) && !b.is_ascii_hexdigit() {
                continue;
            }
            if b.is_ascii_hexdigit() {
                if self.count == 0 {
                    self.start = here;
                }
                self.count += 1;
                self.end = self.pos;
            } else if b.is_ascii_alphanumeric() {
                self.end_run();
            }
        }
    }

    /// Ends the run being read: a run of [`MIN_HEX_GROUP`] or more joins
    /// the chain (which `next_before` has ended if the run is too far from
    /// it), or starts one.
    fn end_run(&mut self) {
        let digits = std::mem::take(&mut self.count);
        if digits < MIN_HEX_GROUP {
            return;
        }
        match &mut self.chain {
            Some(chain) => {
                chain.end = self.end;
                chain.digits += digits;
            }
            None => {
                self.chain = Some(HexChain {
                    start: self.start,
                    end: self.end,
                    digits,
                });
            }
        }
    }

    /// The chain as a span if it is key-shaped; either way it is over.
    fn take_chain(&mut self) -> Option<Range<usize>> {
        let chain = self.chain.take()?;
        (chain.digits >= MIN_HEX_RUN).then_some(chain.start..chain.end)
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
    escapes: Escapes,
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
            escapes: Escapes::default(),
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
            self.pos += 1;
            // A lowercase final letter counts, as a hex one does for hex runs.
            let final_byte = self.escapes.is_final(text, here);
            if (final_byte && !b.is_ascii_lowercase()) || !b.is_ascii_alphanumeric() {
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
        let mixed = mixed_case(A);
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
            "DEADBEEF_SECURE_KEY_FEEDFACE",
            "DEADBEEF_SECURE_ZZ_CAFE_BEAD",
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

    /// Every other char lowercase.
    fn mixed_case(key: &str) -> String {
        key.chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_lowercase()
                } else {
                    c
                }
            })
            .collect()
    }

    #[test]
    fn runs_of_8_near_each_other_are_one_key() {
        let lower = A.to_ascii_lowercase();
        let mixed = mixed_case(A);
        // In 8s (or more) joined by letters or words, as `sed
        // 's/.\{8\}/&_SECURE_/g'` makes it.
        let positives = [
            grouped(A, 8, "g"),
            grouped(&lower, 8, "g"),
            grouped(&mixed, 8, "G"),
            grouped(A, 8, "_SECURE_"),
            format!("{}_SECURE_", grouped(&lower, 8, "_SECURE_")),
            format!("X_{}_SECURE_KEY", grouped(&mixed, 8, "_SECURE_")),
            grouped(A, 8, "xyz"),
            grouped(&mixed, 8, "xyz"),
            grouped(A, 12, "-zz-"),
            grouped(A, 8, "QQQQQQQQ"),
            format!("{}g{}", &A[..8], &A[8..16]),
            format!("{}g{}", &A[..16], &A[16..24]),
            format!("{}zzzzzzzz{}", &A[..8], &A[8..16]),
            // Documented false positives: two 8-hex words within 8 bytes.
            "DEADBEEF_TO_FEEDFACE".to_owned(),
            "9c1e04ab or 51f0d2c3".to_owned(),
        ];
        for (i, text) in positives.iter().enumerate() {
            assert!(looks_like_key(text.as_bytes()), "positive #{i}");
        }
        // The gap is 8 bytes at most; a lone 8 to 15 digits is fine, and
        // so are runs of 7 joined by letters (no 8 of the key in a row).
        let negatives = [
            format!("{}zzzzzzzzz{}", &A[..8], &A[8..16]),
            format!("{}g", &A[..15]),
            format!("{}g{}", &A[..15], &A[15..22]),
            grouped(A, 7, "g"),
            "DEADBEEF_SECURE_KEY_FEEDFACE".to_owned(),
            "DEADBEEF_SECURE_ZZ_CAFE_BEAD".to_owned(),
        ];
        for (i, text) in negatives.iter().enumerate() {
            assert!(!looks_like_key(text.as_bytes()), "negative #{i}");
        }
    }

    #[test]
    fn a_chain_is_read_no_further_than_its_gap() {
        // Nothing before the horizon: a lone run of 8 is over 8 bytes
        // after it, and the 1 MiB after that is not read.
        let text = format!("DEADBEEF{}", "g".repeat(1 << 20));
        let mut spans = key_spans(text.as_bytes());
        assert_eq!(spans.next_before(4), None);
        assert!(spans.hex.pos <= 8 + MAX_HEX_GAP + 1);
        // A key-shaped chain is read to its end, and then as far.
        let text = format!("{}{}", grouped(A, 8, "g"), "g".repeat(1 << 20));
        let mut spans = key_spans(text.as_bytes());
        assert_eq!(spans.next_before(1), Some(0..64 + 7));
        assert!(spans.hex.pos <= 64 + 7 + MAX_HEX_GAP + 1);
    }

    #[test]
    fn spans_are_the_key_and_no_more() {
        let text = format!("X_{}_SECURE_KEY", grouped(A, 8, " "));
        let spans: Vec<_> = key_spans(text.as_bytes()).collect();
        assert_eq!(spans, vec![2..2 + 64 + 7; 1]);
        let text = format!("{A} is not in {B}");
        let spans: Vec<_> = key_spans(text.as_bytes()).collect();
        // "i" ends the first run; the keys are 11 bytes apart, two spans.
        assert_eq!(spans, [0..64, 75..139]);
        // 8 bytes apart or fewer, one chain: one span.
        let text = format!("{A} or {B}");
        let spans: Vec<_> = key_spans(text.as_bytes()).collect();
        assert_eq!(spans, vec![0..132; 1]);
        // A chain runs from its first run's first digit to its last run's
        // last.
        let text = format!("X_{}_SECURE_KEY", grouped(A, 8, "g"));
        let spans: Vec<_> = key_spans(text.as_bytes()).collect();
        assert_eq!(spans, vec![2..2 + 64 + 7; 1]);
        // `E_` before each group is part of the run that follows it.
        let text = format!("X_{}_SECURE_KEY", grouped(A, 8, "_SECURE_"));
        let spans: Vec<_> = key_spans(text.as_bytes()).collect();
        assert_eq!(spans, vec![2..2 + 64 + 7 * 8; 1]);
        // A lone run of 8 to 15 before or after a chain stays out of it.
        let text = format!("DEADBEEF_SECURE_KEY_{}", grouped(A, 8, "g"));
        let spans: Vec<_> = key_spans(text.as_bytes()).collect();
        assert_eq!(spans, vec![20..20 + 64 + 7; 1]);
        // A base36 span takes the whole key, whichever windows passed.
        let text = format!("/tmp/x/{BASE36}.env");
        let spans: Vec<_> = key_spans(text.as_bytes()).collect();
        assert_eq!(spans.len(), 1);
        assert!(spans[0].start <= 7 && spans[0].end >= 7 + BASE36.len());
    }
}
