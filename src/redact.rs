//! Output safety (SPEC §10): the one layer every piece of untrusted text
//! goes through on its way out, and the last guard on the output itself.
//!
//! Two guards, because either alone can be wrong:
//!
//! - [`Untrusted`] prints text the user put where a name, a label, a path,
//!   an app name or an option value belongs. Key-shaped stretches of it
//!   ([`key_spans`]) become [`REDACTED`]; control, bidi and invisible
//!   characters are escaped, so no forged line or terminal escape gets out;
//!   absurdly long text is shortened. One `Untrusted` prints at most
//!   [`MAX_UNTRUSTED_BYTES`], whatever its input: that keeps reports linear.
//! - [`Mask`] knows the key vars' values and masks, in the final output, any
//!   8 letters and digits in a row (separators skipped, any case) that are 8
//!   in a row of a value ([`MaskedWriter`] for streams). It catches what the
//!   first guard cannot know: an 8-char piece of a real key, printed by
//!   whatever mistake.
//!
//! Plus the app-name rule for suggested commands ([`app_flag`]): shell
//! syntax never lands in a `heroku …` command a user will paste.
//!
//! This is the bottom layer: it depends on `std` only.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::io::{self, Write};
use std::ops::{Deref, Range};
use std::sync::OnceLock;

// ------------------------------------------------------------ key-shaped text

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
///   (`ESC [ 0 m`): its final letter is a separator too (its digits are
///   digits). Any other letter outside `a-f` ends the run.
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
/// is shown as [`REDACTED`], which says why.
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
    fn next_before(&mut self, horizon: usize) -> Option<Range<usize>> {
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
/// a separator even when it is a letter, so a key pasted with colour codes
/// in it is one run. The parameters are not skipped: they are what the
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

/// Runs of hex digits with separators between them (see [`key_spans`]).
#[derive(Debug, Default)]
struct HexRuns {
    pos: usize,
    start: usize,
    end: usize,
    count: usize,
    escapes: Escapes,
}

impl HexRuns {
    fn next_before(&mut self, text: &[u8], horizon: usize) -> Option<Range<usize>> {
        while let Some(&b) = text.get(self.pos) {
            if self.count == 0 && self.pos >= horizon {
                return None;
            }
            let here = self.pos;
            self.pos += 1;
            if self.escapes.is_final(text, here) {
                continue;
            }
            if b.is_ascii_hexdigit() {
                if self.count == 0 {
                    self.start = here;
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
            if self.escapes.is_final(text, here) || !b.is_ascii_alphanumeric() {
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

// ---------------------------------------------------------- untrusted text

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

// ---------------------------------------------------------------- app names

/// What a fix command says where the app name is not fit to print.
pub const APP_PLACEHOLDER: &str = "<app>";

/// Heroku's rule for app names: 3 to 30 lowercase letters, digits and
/// dashes, starting with a letter and ending with a letter or a digit.
#[must_use]
pub fn is_heroku_app_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=30).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// The app for a fix command: the name when it is a Heroku app name that
/// does not look like a key (a valid name can hold 30 hex digits), else
/// [`APP_PLACEHOLDER`]. Nothing a shell would run gets through.
#[must_use]
pub fn app_or_placeholder(app: Option<&str>) -> &str {
    match app {
        Some(name) if is_heroku_app_name(name) && !looks_like_key(name.as_bytes()) => name,
        _ => APP_PLACEHOLDER,
    }
}

/// `-a NAME` for a fix command, or `-a <app>` (see [`app_or_placeholder`]).
#[must_use]
pub fn app_flag(app: Option<&str>) -> String {
    format!("-a {}", app_or_placeholder(app))
}

// --------------------------------------------------------------------- mask

/// What a masked letter or digit prints as.
pub const MASKED: u8 = b'*';

/// Up to this many windows of key material, [`Mask`] keeps them in a hash
/// set and masks output as it comes (a few hundred key vars; a real app has
/// a handful). Past it, building the set would cost more than the rest of
/// the run (50 ms for 10,000 key vars), so output is screened in batches
/// instead: one pass over the key material per batch, batches at least as
/// large as the key material, and the set built only if a batch really
/// holds a piece of a key.
pub const INDEX_MAX_WINDOWS: usize = 1 << 16;

/// A batch of output without a newline in it is masked once it is this long.
const MAX_LINE: usize = 64 * 1024;

const ALNUM: u8 = 1;
const DIGIT: u8 = 2;
/// A letter that is not a hex digit.
const NONHEX: u8 = 4;

/// The class bits of each byte.
const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b: u8 = 0;
    loop {
        table[b as usize] = if b.is_ascii_digit() {
            ALNUM | DIGIT
        } else if b.is_ascii_hexdigit() {
            ALNUM
        } else if b.is_ascii_alphabetic() {
            ALNUM | NONHEX
        } else {
            0
        };
        if b == u8::MAX {
            break;
        }
        b += 1;
    }
    table
};

/// Each byte of output, its position and its class, but no class (a
/// separator) for the bytes of a colour code (`ESC [ 1 ; 31 m`): the
/// report's own formatting, not text. A window of a value that ran through
/// one masked its digits and broke the code (`ESC [ * 1 m`).
fn classified(data: &[u8]) -> impl Iterator<Item = (usize, u8, u8)> + '_ {
    let mut colour_end = 0;
    data.iter().enumerate().map(move |(i, &b)| {
        if b == 0x1b && i >= colour_end {
            colour_end = i + colour_code_len(&data[i..]);
        }
        let class = if i < colour_end {
            0
        } else {
            CLASS[usize::from(b)]
        };
        (i, b, class)
    })
}

/// The length of the colour code `text` starts with (`ESC [`, digits and
/// `;`, `m`), or 0.
fn colour_code_len(text: &[u8]) -> usize {
    let Some(params) = text.strip_prefix(b"\x1b[") else {
        return 0;
    };
    let n = params
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b';')
        .count();
    if params.get(n) == Some(&b'm') {
        n + 3
    } else {
        0
    }
}

/// The second guard: masks, in final output, any 8 letters and digits in a
/// row (separators skipped, any case) that are also 8 in a row of a key
/// var's value (its separators skipped too), with [`MASKED`].
///
/// Windows of a value are kept when they can be key material: all hex
/// digits, or holding a digit (base36). A window of letters only, with one
/// outside `a-f`, is skipped: a placeholder value such as
/// `your-secure-key-here` or `${SECURE_KEY}` must not mask every
/// `SECURE_KEY` in the report.
///
/// The result holds no window of a value even with the mask characters
/// taken out: what is left on either side of a masked stretch is checked as
/// if it were one text. Colour codes (`ESC [ 31 m`) are separators: the
/// report's own, never masked.
///
/// A key id (8 hex digits of SHA-256) is masked only if it happens to equal
/// 8 chars of some key: odds of about 57 in 4 billion per key.
#[derive(Clone, Default)]
pub struct Mask {
    /// Each value's letters and digits, upper-cased, each value followed by
    /// a 0 byte.
    material: Vec<u8>,
    /// Windows kept, repeats included.
    windows: usize,
    /// Some kept window has a letter outside `A-F` (base36 or malformed).
    nonhex: bool,
    /// The set of windows, built on first use.
    index: OnceLock<WindowSet>,
}

impl fmt::Debug for Mask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mask {{ windows: {} }}", self.windows)
    }
}

impl Mask {
    /// An empty mask, which masks nothing.
    #[must_use]
    pub fn new() -> Self {
        Mask::default()
    }

    /// Adds a key var's raw value (malformed ones too: their pieces may be
    /// keys).
    pub fn add_value(&mut self, value: &[u8]) {
        let before = self.material.len();
        let mut classes = 0;
        for &b in value {
            let class = CLASS[usize::from(b)];
            if class != 0 {
                self.material.push(b.to_ascii_uppercase());
                classes |= class;
            }
        }
        // Windows of letters only (one outside `A-F`) are counted too, and
        // a value with such a letter and a digit may have none with both:
        // both only make the mask do more.
        self.windows += (self.material.len() - before).saturating_sub(7);
        self.nonhex |= classes & (NONHEX | DIGIT) == NONHEX | DIGIT;
        self.material.push(0);
        self.index = OnceLock::new();
    }

    /// No value of 8 letters and digits or more: nothing to mask.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.windows == 0
    }

    /// Output masked as it is written (a set of windows), rather than in
    /// batches (see [`INDEX_MAX_WINDOWS`]).
    #[must_use]
    pub fn streams(&self) -> bool {
        self.windows <= INDEX_MAX_WINDOWS
    }

    /// `out` with every window of a value masked. Time: linear in `out`,
    /// plus one pass over the key material when it is past
    /// [`INDEX_MAX_WINDOWS`]; so stream many small pieces through a
    /// [`MaskedWriter`], not through this.
    #[must_use]
    pub fn mask<'a>(&self, out: &'a [u8]) -> Cow<'a, [u8]> {
        match self.mask_batch(&mut Window::default(), out) {
            Some(masked) => Cow::Owned(masked),
            None => Cow::Borrowed(out),
        }
    }

    /// [`Mask::mask`] for text (masking only replaces ASCII letters and
    /// digits, so text stays text).
    #[must_use]
    pub fn mask_str<'a>(&self, out: &'a str) -> Cow<'a, str> {
        match self.mask(out.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(out),
            Cow::Owned(bytes) => Cow::Owned(
                String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
        }
    }

    /// Masks one batch of a stream. `carry` holds the last (up to 7)
    /// visible letters and digits already written, and is updated.
    /// `None`: nothing to mask.
    fn mask_batch(&self, carry: &mut Window, data: &[u8]) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        if self.streams() {
            if !self.index_hit(*carry, data) {
                carry.advance(data);
                return None;
            }
            let (out, _) = self.mask_greedy(carry, data, &Known::Index(self.index()));
            return Some(out);
        }
        // Screened: the output's windows are looked up in one pass over the
        // material. With a million windows of material, a few of a large
        // report's key ids match one by chance; what the screen learned is
        // enough to mask them, and windows that masking joins anew are
        // screened in turn. The whole set is built only if that goes on.
        let asked = self.candidates(*carry, data);
        let hits = self.material_hits(&asked);
        if hits.is_empty() {
            carry.advance(data);
            return None;
        }
        let mut known = Known::screened(asked, hits);
        for _ in 0..MAX_SCREENS {
            let mut next = *carry;
            let (out, unknown) = self.mask_greedy(&mut next, data, &known);
            if unknown.is_empty() {
                *carry = next;
                return Some(out);
            }
            let mut asked = WindowSet::with_capacity(unknown.len());
            for w in unknown {
                asked.insert(w);
            }
            let hits = self.material_hits(&asked);
            known.learn(&asked, &hits);
        }
        let (out, _) = self.mask_greedy(carry, data, &Known::Index(self.index()));
        Some(out)
    }

    fn index(&self) -> &WindowSet {
        self.index.get_or_init(|| {
            let mut set = WindowSet::with_capacity(self.windows);
            for_each_material_window(&self.material, |w| {
                set.insert(w);
                false
            });
            set
        })
    }

    /// Whether a window of the output could be one of the material's.
    fn is_candidate(&self, w: &Window) -> bool {
        w.len == 8 && (w.nonhex == 0 || (self.nonhex && w.digits != 0))
    }

    /// Whether some window of `carry` + `data` is in the set.
    fn index_hit(&self, mut window: Window, data: &[u8]) -> bool {
        let index = self.index();
        classified(data).any(|(_, b, class)| {
            class != 0 && {
                window.push(b.to_ascii_uppercase(), class);
                self.is_candidate(&window) && index.contains(window.chars)
            }
        })
    }

    /// The windows of `carry` + `data` that could be the material's.
    fn candidates(&self, mut window: Window, data: &[u8]) -> WindowSet {
        // A report line holds a few: two key ids, and the windows around them.
        let mut wanted = WindowSet::with_capacity(data.len() / 32);
        for (_, b, class) in classified(data) {
            if class != 0 {
                window.push(b.to_ascii_uppercase(), class);
                if self.is_candidate(&window) {
                    wanted.insert(window.chars);
                }
            }
        }
        wanted
    }

    /// The windows of `wanted` that are the material's: one pass over it.
    /// (A window of the material that is wanted is one it keeps: a
    /// candidate is all hex or holds a digit.)
    fn material_hits(&self, wanted: &WindowSet) -> WindowSet {
        let mut hits = WindowSet::with_capacity(8);
        if wanted.is_empty() {
            return hits;
        }
        let filter = Filter::of(wanted);
        let (mut window, mut len) = (0u64, 0u32);
        for &b in &self.material {
            if b == 0 {
                len = 0;
                continue;
            }
            window = (window << 8) | u64::from(b);
            len += 1;
            if len >= 8 && filter.may_hold(window) && wanted.contains(window) {
                hits.insert(window);
            }
        }
        hits
    }

    /// Masks every window of the material in `data` (with `carry` before
    /// it), then, greedily left to right, what is left: each visible letter
    /// or digit joins the visible ones before it, and when the last 8 are a
    /// window of the material they are masked and leave the visible text.
    /// What stays visible therefore holds no window of the material, masked
    /// characters or not between its parts. Letters and digits already
    /// written (`carry`) cannot be masked; they stay visible.
    ///
    /// Windows `known` has no answer for are taken as not the material's
    /// and returned: the result stands only if there are none.
    fn mask_greedy(
        &self,
        carry: &mut Window,
        data: &[u8],
        known: &Known<'_>,
    ) -> (Vec<u8>, Vec<u64>) {
        /// Marks a character that was written in an earlier batch.
        const WRITTEN: usize = usize::MAX;
        let mut unknown = Vec::new();
        let mut lookup = |w: &Window| {
            self.is_candidate(w)
                && known.lookup(w.chars).unwrap_or_else(|| {
                    unknown.push(w.chars);
                    false
                })
        };
        let mut out = data.to_vec();
        // Every window, as it stands in the text (each one was screened).
        let mut window = *carry;
        // Where the last 8 letters and digits are, in a ring.
        let mut at = [WRITTEN; 8];
        let mut next = 0;
        for (i, b, class) in classified(data) {
            if class == 0 {
                continue;
            }
            window.push(b.to_ascii_uppercase(), class);
            at[next] = i;
            next = (next + 1) % 8;
            if self.is_candidate(&window) && known.is_hit(window.chars) {
                for &p in at.iter().filter(|&&p| p != WRITTEN) {
                    out[p] = MASKED;
                }
            }
        }
        // What is left, as if the masked characters were not there. Its
        // windows are the text's own, which are not the material's now,
        // except those that join two sides of a masked stretch: usually
        // none of these is the material's either.
        let mut window = *carry;
        let mut since_gap = 8u8;
        let mut joined = false;
        for (i, b, class) in classified(data) {
            if class == 0 {
                continue;
            }
            if out[i] == MASKED {
                since_gap = 0;
                continue;
            }
            window.push(b.to_ascii_uppercase(), class);
            since_gap = (since_gap + 1).min(8);
            if since_gap < 8 && lookup(&window) {
                joined = true;
                break;
            }
        }
        if !joined {
            window.len = window.len.min(7);
            *carry = window;
            return (out, unknown);
        }
        // One is: mask greedily, keeping every visible character, as the
        // masking may reach back past the last eight.
        let mut visible: Vec<(u8, usize)> = carry.chars().map(|c| (c, WRITTEN)).collect();
        let mut window = *carry;
        for (i, b, class) in classified(data) {
            if class == 0 || out[i] == MASKED {
                continue;
            }
            let upper = b.to_ascii_uppercase();
            visible.push((upper, i));
            window.push(upper, class);
            if lookup(&window) {
                let floor = visible.len() - 8;
                while visible.len() > floor {
                    match visible.last() {
                        Some(&(_, at)) if at != WRITTEN => {
                            out[at] = MASKED;
                            visible.pop();
                        }
                        _ => break,
                    }
                }
                window = Window::of(visible.iter().rev().take(8).rev().map(|&(c, _)| c));
            }
        }
        *carry = Window::of(visible.iter().rev().take(7).rev().map(|&(c, _)| c));
        (out, unknown)
    }
}

/// A bitmap in front of a small [`WindowSet`]: 16 bits per window, so a
/// pass over a million windows of material mostly stays in the cache.
struct Filter {
    bits: Vec<u64>,
    shift: u32,
    multiplier: u64,
}

impl Filter {
    fn of(set: &WindowSet) -> Self {
        let bits = (set.len * 16).next_power_of_two().max(64);
        let mut filter = Filter {
            bits: vec![0; bits / 64],
            shift: 64 - bits.trailing_zeros(),
            multiplier: set.multiplier,
        };
        for w in set.iter() {
            let (word, bit) = filter.at(w);
            filter.bits[word] |= bit;
        }
        filter
    }

    fn at(&self, w: u64) -> (usize, u64) {
        // The top bits of the product: less than the number of bits.
        #[allow(clippy::cast_possible_truncation)]
        let i = (w.wrapping_mul(self.multiplier) >> self.shift) as usize;
        (i / 64, 1 << (i % 64))
    }

    fn may_hold(&self, w: u64) -> bool {
        let (word, bit) = self.at(w);
        self.bits[word] & bit != 0
    }
}

/// Screens of new windows before [`Mask`] builds its whole set instead.
const MAX_SCREENS: usize = 4;

/// What is known of which windows are the material's.
enum Known<'a> {
    /// All of it.
    Index(&'a WindowSet),
    /// The windows screened so far, and which of them are the material's
    /// (few: a filter answers most questions).
    Screened {
        asked: WindowSet,
        hits: WindowSet,
        filter: Filter,
    },
}

impl Known<'_> {
    fn screened(asked: WindowSet, hits: WindowSet) -> Self {
        let filter = Filter::of(&hits);
        Known::Screened {
            asked,
            hits,
            filter,
        }
    }

    /// Whether `w`, a window that was screened, is the material's.
    fn is_hit(&self, w: u64) -> bool {
        match self {
            Known::Index(set) => set.contains(w),
            Known::Screened { hits, filter, .. } => filter.may_hold(w) && hits.contains(w),
        }
    }

    /// Whether `w` is the material's; `None` when it was not screened.
    fn lookup(&self, w: u64) -> Option<bool> {
        match self {
            Known::Index(set) => Some(set.contains(w)),
            Known::Screened { asked, .. } => asked.contains(w).then(|| self.is_hit(w)),
        }
    }

    fn learn(&mut self, more_asked: &WindowSet, more_hits: &WindowSet) {
        if let Known::Screened {
            asked,
            hits,
            filter,
        } = self
        {
            more_asked.iter().for_each(|w| asked.insert(w));
            more_hits.iter().for_each(|w| hits.insert(w));
            *filter = Filter::of(hits);
        }
    }
}

/// Calls `f` with each window of the material that is kept, until it
/// returns `true`; whether it did.
fn for_each_material_window(material: &[u8], mut f: impl FnMut(u64) -> bool) -> bool {
    let mut window = Window::default();
    for &b in material {
        if b == 0 {
            window = Window::default();
            continue;
        }
        window.push(b, CLASS[usize::from(b)]);
        if window.is_material() && f(window.chars) {
            return true;
        }
    }
    false
}

/// The last (up to 8) letters and digits of a text, upper-cased, packed
/// one byte each into a `u64`, with a bit per char for digits and letters
/// outside `A-F`.
#[derive(Clone, Copy, Debug, Default)]
struct Window {
    chars: u64,
    digits: u8,
    nonhex: u8,
    len: u8,
}

impl Window {
    fn push(&mut self, upper: u8, class: u8) {
        self.chars = (self.chars << 8) | u64::from(upper);
        self.digits = (self.digits << 1) | u8::from(class & DIGIT != 0);
        self.nonhex = (self.nonhex << 1) | u8::from(class & NONHEX != 0);
        self.len = (self.len + 1).min(8);
    }

    fn of(chars: impl Iterator<Item = u8>) -> Self {
        let mut window = Window::default();
        for c in chars {
            window.push(c, CLASS[usize::from(c)]);
        }
        window
    }

    /// A window worth keeping from a value: 8 chars, all hex or with a digit.
    fn is_material(&self) -> bool {
        self.len == 8 && (self.nonhex == 0 || self.digits != 0)
    }

    /// The chars, oldest first.
    fn chars(&self) -> impl Iterator<Item = u8> {
        let (chars, len) = (self.chars, self.len);
        (0..len)
            .rev()
            .map(move |i| chars.to_be_bytes()[7 - usize::from(i)])
    }

    /// After `data` has gone by, keeping at most 7 chars: a window that
    /// starts in the next batch holds at least one char of it.
    fn advance(&mut self, data: &[u8]) {
        for (_, b, class) in classified(data) {
            if class != 0 {
                self.push(b.to_ascii_uppercase(), class);
            }
        }
        self.len = self.len.min(7);
    }
}

/// A set of windows: open addressing, linear probing, 0 for an empty slot
/// (a window of 8 ASCII letters and digits is never 0), and a multiplier
/// drawn at random per process, so no input can make the probes collide.
#[derive(Clone)]
struct WindowSet {
    slots: Vec<u64>,
    len: usize,
    shift: u32,
    multiplier: u64,
}

impl WindowSet {
    fn with_capacity(n: usize) -> Self {
        let slots = (n.max(8) * 2).next_power_of_two();
        WindowSet {
            slots: vec![0; slots],
            len: 0,
            shift: 64 - slots.trailing_zeros(),
            multiplier: random_odd(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.slots.iter().copied().filter(|&w| w != 0)
    }

    fn slot(&self, w: u64) -> usize {
        // The top bits of the product: less than `slots.len()`, which fits.
        #[allow(clippy::cast_possible_truncation)]
        let slot = (w.wrapping_mul(self.multiplier) >> self.shift) as usize;
        slot
    }

    fn insert(&mut self, w: u64) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(w);
        loop {
            match self.slots[i] {
                0 => {
                    self.slots[i] = w;
                    self.len += 1;
                    return;
                }
                s if s == w => return,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn contains(&self, w: u64) -> bool {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(w);
        loop {
            match self.slots[i] {
                0 => return false,
                s if s == w => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let bigger = old.len() * 2;
        self.slots = vec![0; bigger];
        self.shift = 64 - bigger.trailing_zeros();
        self.len = 0;
        for w in old.into_iter().filter(|&w| w != 0) {
            self.insert(w);
        }
    }
}

/// An odd number drawn at random (std's per-process hash keys).
fn random_odd() -> u64 {
    use std::hash::BuildHasher;
    std::hash::RandomState::new().hash_one(0x5EC0_12E7_u64) | 1
}

/// A writer that masks what goes through it with a [`Mask`].
///
/// With a small mask ([`Mask::streams`]) each line is masked and written
/// when its newline arrives, and `flush` writes what is pending. With a
/// large one, output is held until it is at least as large as the key
/// material (one pass over the material per batch keeps the time linear);
/// `flush` then writes nothing new. Either way [`MaskedWriter::finish`], or
/// dropping the writer, writes the rest.
///
/// A window split across two writes, or two lines, is still caught.
pub struct MaskedWriter<W: Write, M: Deref<Target = Mask>> {
    inner: W,
    mask: M,
    pending: Vec<u8>,
    carry: Window,
}

impl<W: Write, M: Deref<Target = Mask>> MaskedWriter<W, M> {
    /// Masks what is written, then writes it to `inner`.
    pub fn new(inner: W, mask: M) -> Self {
        MaskedWriter {
            inner,
            mask,
            pending: Vec::new(),
            carry: Window::default(),
        }
    }

    /// The writer underneath.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The writer underneath. Writing to it directly bypasses the mask.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// Masks and writes everything pending, and flushes the writer
    /// underneath.
    ///
    /// # Errors
    /// Writing failed.
    pub fn finish(&mut self) -> io::Result<()> {
        self.emit(self.pending.len())?;
        self.inner.flush()
    }

    /// Masks and writes the first `n` pending bytes.
    fn emit(&mut self, n: usize) -> io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        let mut carry = self.carry;
        let data = &self.pending[..n];
        match self.mask.mask_batch(&mut carry, data) {
            Some(masked) => self.inner.write_all(&masked)?,
            None => self.inner.write_all(data)?,
        }
        self.carry = carry;
        self.pending.drain(..n);
        Ok(())
    }
}

impl<W: Write, M: Deref<Target = Mask>> Write for MaskedWriter<W, M> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let before = self.pending.len();
        self.pending.extend_from_slice(buf);
        let ready = if self.mask.streams() {
            match buf.iter().rposition(|&b| b == b'\n') {
                Some(i) => before + i + 1,
                None if self.pending.len() >= MAX_LINE => self.pending.len(),
                None => 0,
            }
        } else if self.pending.len() >= self.mask.material.len().max(MAX_LINE) {
            self.pending
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(self.pending.len(), |i| i + 1)
        } else {
            0
        };
        self.emit(ready)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.mask.streams() {
            self.emit(self.pending.len())?;
        }
        self.inner.flush()
    }
}

impl<W: Write, M: Deref<Target = Mask>> Drop for MaskedWriter<W, M> {
    fn drop(&mut self) {
        // Errors have nowhere to go here; `finish` reports them.
        let _ = self.finish();
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use proptest::prelude::*;
    use sha2::{Digest, Sha256};

    use super::*;

    const A: &str = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
    const B: &str = "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";
    const BASE36: &str = "2fi9ugflsiscwcdv3g2aq2v2c2nwam2elripnkjbn1s6n5m6c4";

    /// Letters and digits only, upper-cased: what a reader who skips
    /// separators (and mask characters) sees.
    fn squeezed(text: &[u8]) -> Vec<u8> {
        text.iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(u8::to_ascii_uppercase)
            .collect()
    }

    /// The offset in `key` of an 8-char window of it that `text` holds
    /// (any case, separators skipped), if any. Tests print the offset,
    /// never the text.
    fn leaked(text: &[u8], key: &str) -> Option<usize> {
        let text = squeezed(text);
        let key = squeezed(key.as_bytes());
        (0..=key.len().saturating_sub(8))
            .find(|&i| key.len() >= 8 && text.windows(8).any(|w| w == &key[i..i + 8]))
    }

    fn id(key: &str) -> String {
        hex::encode(&Sha256::digest(key.as_bytes())[..4])
    }

    /// `key` in groups of `n` joined by `sep`.
    fn grouped(key: &str, n: usize, sep: &str) -> String {
        key.as_bytes()
            .chunks(n)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(sep)
    }

    fn shown(text: impl AsRef<[u8]>) -> String {
        untrusted(text.as_ref()).to_string()
    }

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
        assert_eq!(shown(format!("{A}x{B}")), format!("{REDACTED}x{REDACTED}"));
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

    #[test]
    fn app_names() {
        for good in [
            "service-1",
            "abc",
            "my-app-2024",
            "abcdefghijklmnopqrstuvwxyz1234",
        ] {
            assert!(is_heroku_app_name(good), "{good}");
            assert_eq!(app_flag(Some(good)), format!("-a {good}"));
        }
        for bad in [
            "",
            "ab",
            "1app",
            "-app",
            "app-",
            "App",
            "abcdefghijklmnopqrstuvwxyz12345",
            "x;touch /tmp/p #",
            "$(id)",
            "a b",
            "app\n",
            "my_app",
        ] {
            assert!(!is_heroku_app_name(bad), "{bad:?}");
            assert_eq!(app_flag(Some(bad)), "-a <app>");
        }
        assert_eq!(app_flag(None), "-a <app>");
        // A valid name that holds key material is not printed either.
        let keyish = format!("a{}", &A[..29].to_ascii_lowercase());
        assert!(is_heroku_app_name(&keyish));
        assert_eq!(app_or_placeholder(Some(&keyish)), APP_PLACEHOLDER);
    }

    fn mask_of(values: &[&str]) -> Mask {
        let mut mask = Mask::new();
        for v in values {
            mask.add_value(v.as_bytes());
        }
        mask
    }

    #[test]
    fn mask_masks_windows_of_values_however_printed() {
        let mask = mask_of(&[&format!("{A},{B}"), "junk"]);
        let texts = [
            format!("key {A} here"),
            A.to_ascii_lowercase(),
            format!("x {} y", grouped(B, 8, " ")),
            grouped(&A[5..30], 3, "-\n"),
            format!("\"{}\"", &B[40..48]),
            format!("{}…{}", &A[..4], &A[4..8]),
        ];
        for (i, text) in texts.iter().enumerate() {
            let out = mask.mask(text.as_bytes());
            assert!(
                leaked(&out, A).is_none() && leaked(&out, B).is_none(),
                "#{i}"
            );
            assert!(matches!(out, Cow::Owned(_)), "#{i}");
        }
        assert_eq!(
            &*mask.mask_str(&format!("k={A}.")),
            format!("k={}.", "*".repeat(64))
        );
        assert_eq!(&*mask.mask_str(&format!("[{}]", &A[..8])), "[********]");
        // Seven chars are not a window.
        assert_eq!(&*mask.mask_str(&A[..7]), &A[..7]);
    }

    /// Found by fuzz/pipeline: a window of a checked value that ran into a
    /// colour code (`SECURE_KEY` then `ESC [ 3 1 m`, a value holding
    /// `SECURE_KEY=3…`) masked the code's digit: `ESC [ * 1 m`, raw on the
    /// terminal. Colour codes are separators, and stay whole.
    #[test]
    fn mask_leaves_colour_codes_whole() {
        let mask = mask_of(&["21,345678_SECURE_KEY=36"]);
        let line = "SECURE_KEY  \x1b[31merror  \x1b[0m  latest --------\n";
        assert!(matches!(mask.mask(line.as_bytes()), Cow::Borrowed(_)));
        // A value split by a colour code is still masked, the code whole.
        let mask = mask_of(&[A]);
        let painted = format!("\x1b[1m{}\x1b[0m{}\x1b[31;1m", &A[..4], &A[4..12]);
        let out = mask.mask(painted.as_bytes());
        assert_eq!(&*out, "\x1b[1m****\x1b[0m********\x1b[31;1m".as_bytes());
        let mut w = MaskedWriter::new(Vec::new(), &mask);
        write!(w, "{painted}").unwrap();
        w.finish().unwrap();
        assert_eq!(w.get_ref().as_slice(), &*out);
    }

    #[test]
    fn mask_keeps_ids_names_and_words() {
        let mask = mask_of(&[&format!("{A},{B}")]);
        let report = format!(
            "SECURE_KEY  ok       latest {}  previous {}\n{{\"latest_id\":\"{}\",\"previous_id\":\"{}\"}}\n",
            id(A),
            id(B),
            id(A),
            id(B)
        );
        assert!(matches!(mask.mask(report.as_bytes()), Cow::Borrowed(_)));
        // Placeholder values: words are not key material.
        let mask = mask_of(&["your-secure-key-here", "${SECURE_KEY}", "changeme"]);
        let line =
            "error[not-hex] SECURE_KEY (latest): not a key — fix: `heroku config:set SECURE_KEY=…`";
        assert!(matches!(mask.mask(line.as_bytes()), Cow::Borrowed(_)));
        // … but a malformed value's hex and digit windows are.
        let mask = mask_of(&["not-a-key-but-DEADBEEF12-inside"]);
        assert_eq!(&*mask.mask_str("x DEADBEEF12 y"), "x ********** y");
        assert_eq!(&*mask.mask_str("x DEAD-BEEF y"), "x ****-**** y");
    }

    #[test]
    fn mask_leaves_nothing_to_join_around_a_masked_stretch() {
        // Key A's first 4 and next 4 chars around a whole copy of B: B is
        // masked, and what is left (A[..8] once the stars are skipped) is
        // masked too.
        let mask = mask_of(&[A, B]);
        let text = format!("{}{B}{}", &A[..4], &A[4..8]);
        let out = mask.mask(text.as_bytes());
        assert!(leaked(&out, A).is_none() && leaked(&out, B).is_none());
        assert_eq!(&*out, "*".repeat(72).as_bytes());
        // Nested: pieces of A around pieces of B around a piece of A.
        let text = format!(
            "{}{}{}{}{}",
            &A[..3],
            &B[..5],
            &A[20..28],
            &B[5..8],
            &A[3..8]
        );
        let out = mask.mask(text.as_bytes());
        assert!(leaked(&out, A).is_none() && leaked(&out, B).is_none());
    }

    #[test]
    fn masked_writer_catches_windows_split_across_writes_and_lines() {
        let mask = mask_of(&[&format!("{A},{B}")]);
        let mut w = MaskedWriter::new(Vec::new(), &mask);
        write!(w, "ok {}", &A[..3]).unwrap();
        writeln!(w, "{}", &A[3..6]).unwrap();
        writeln!(w, "{} done", &A[6..12]).unwrap();
        writeln!(w, "latest {}", id(A)).unwrap();
        w.write_all(b"no newline at the end ").unwrap();
        w.write_all(&B.as_bytes()[..9]).unwrap();
        w.finish().unwrap();
        let out = w.get_ref().clone();
        assert!(leaked(&out, A).is_none() && leaked(&out, B).is_none());
        assert!(String::from_utf8(out).unwrap().contains(&id(A)));
        // Lines are written as their newline arrives.
        let mut w = MaskedWriter::new(Vec::new(), &mask);
        w.write_all(b"one\ntwo").unwrap();
        assert_eq!(w.get_ref(), b"one\n");
        w.flush().unwrap();
        assert_eq!(w.get_ref(), b"one\ntwo");
    }

    #[test]
    fn masked_writer_writes_the_rest_when_dropped() {
        let mask = mask_of(&[A]);
        let mut sink = Vec::new();
        {
            let mut w = MaskedWriter::new(&mut sink, &mask);
            write!(w, "tail {A}").unwrap();
        }
        assert_eq!(sink, format!("tail {}", "*".repeat(64)).as_bytes());
    }

    /// Random uppercase hex keys from a seed (no RNG crate needed).
    fn keys(n: usize, mut seed: u64) -> Vec<String> {
        (0..n)
            .map(|_| {
                (0..64)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        char::from(b"0123456789ABCDEF"[(seed & 15) as usize])
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_large_mask_screens_in_batches_and_still_masks() {
        let keys = keys(2 * 700, 0x2545_F491_4F6C_DD1D);
        let mut mask = Mask::new();
        for pair in keys.chunks(2) {
            mask.add_value(format!("{},{}", pair[0], pair[1]).as_bytes());
        }
        assert!(!mask.streams(), "past INDEX_MAX_WINDOWS");
        let mut w = MaskedWriter::new(Vec::new(), &mask);
        for (i, key) in keys.iter().enumerate() {
            writeln!(w, "APP{i}_SECURE_KEY  ok  latest {}", id(key)).unwrap();
        }
        // Held: less output than key material so far.
        assert!(w.get_ref().is_empty());
        writeln!(
            w,
            "leak {} and {}",
            &keys[7][3..20],
            keys[900].to_ascii_lowercase()
        )
        .unwrap();
        w.finish().unwrap();
        let out = w.get_ref().clone();
        for key in [&keys[7], &keys[900]] {
            assert!(leaked(&out, key).is_none());
        }
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(&id(&keys[0])) && text.contains("APP1399_SECURE_KEY"));
        // The one-shot form too.
        let line = format!("x {} y", &keys[1234][10..30]);
        assert!(leaked(&mask.mask(line.as_bytes()), &keys[1234]).is_none());
        assert!(matches!(mask.mask(b"latest 9c1e04ab"), Cow::Borrowed(_)) || mask.windows > 0);
    }

    #[test]
    fn mask_debug_holds_no_material() {
        let mask = mask_of(&[A]);
        let debug = format!("{mask:?}");
        assert!(leaked(debug.as_bytes(), A).is_none());
        assert_eq!(debug, "Mask { windows: 57 }");
    }

    /// Measures the mask on SPEC §9's largest env: 10,000 key vars (20,000
    /// distinct keys, 1.14 M windows) and their report. Not a test of time
    /// (run it with `cargo test --release --lib redact -- --ignored
    /// --nocapture`).
    #[test]
    #[ignore = "a measurement, run by hand in release mode"]
    fn measure_10000_key_vars() {
        use std::time::Instant;
        let keys = keys(20_000, 0x9E37_79B9_7F4A_7C15);
        let values: Vec<String> = keys
            .chunks(2)
            .map(|p| format!("{},{}", p[0], p[1]))
            .collect();
        let mut report = String::new();
        for (i, pair) in keys.chunks(2).enumerate() {
            writeln!(
                report,
                "APP{i}_SECURE_KEY  ok       latest {}  previous {}",
                id(&pair[0]),
                id(&pair[1])
            )
            .unwrap();
        }
        for round in 0..3 {
            let started = Instant::now();
            let mut mask = Mask::new();
            for v in &values {
                mask.add_value(v.as_bytes());
            }
            let built = started.elapsed();
            let started = Instant::now();
            let mut w = MaskedWriter::new(Vec::with_capacity(report.len()), &mask);
            for line in report.lines() {
                writeln!(w, "{line}").unwrap();
            }
            w.finish().unwrap();
            let masked = started.elapsed();
            let changed = w.get_ref().as_slice() != report.as_bytes();
            let t = Instant::now();
            let asked = mask.candidates(Window::default(), report.as_bytes());
            let t_candidates = t.elapsed();
            let t = Instant::now();
            let hits = mask.material_hits(&asked);
            let t_hits = t.elapsed();
            let t = Instant::now();
            let known = Known::screened(asked, hits);
            let (_, unknown) = mask.mask_greedy(&mut Window::default(), report.as_bytes(), &known);
            let t_greedy = t.elapsed();
            eprintln!(
                "  candidates {t_candidates:?} ({} windows), material pass {t_hits:?} ({} hits), greedy {t_greedy:?} ({} unknown)",
                known_len(&known).0,
                known_len(&known).1,
                unknown.len()
            );
            let started = Instant::now();
            let index = mask.index().len;
            let indexed = started.elapsed();
            eprintln!(
                "round {round}: {} windows; add_value x10,000 {built:?}; mask a {} KB report {masked:?} (changed: {changed}); full set (only built when a batch holds key material) {indexed:?} for {index}",
                mask.windows,
                report.len() / 1000
            );
        }
    }

    /// The same on a realistic app: 3 key vars, a 10-line report.
    #[test]
    #[ignore = "a measurement, run by hand in release mode"]
    fn measure_a_realistic_app() {
        use std::time::Instant;
        let keys = keys(6, 0x5851_F42D_4C95_7F2D);
        let mut report = String::new();
        for i in 0..10 {
            writeln!(
                report,
                "APP{i}_SECURE_KEY  ok  latest {}  previous {}",
                id(&keys[0]),
                id(&keys[1])
            )
            .unwrap();
        }
        for round in 0..3 {
            let started = Instant::now();
            let mut mask = Mask::new();
            for pair in keys.chunks(2) {
                mask.add_value(format!("{},{}", pair[0], pair[1]).as_bytes());
            }
            let mut w = MaskedWriter::new(Vec::new(), &mask);
            for line in report.lines() {
                writeln!(w, "{line}").unwrap();
            }
            w.finish().unwrap();
            eprintln!(
                "round {round}: build + mask 10 lines {:?}",
                started.elapsed()
            );
        }
    }

    fn known_len(known: &Known<'_>) -> (usize, usize) {
        match known {
            Known::Index(set) => (set.len, set.len),
            Known::Screened { asked, hits, .. } => (asked.len, hits.len),
        }
    }

    /// A separator (or several) as a user or a terminal might put them.
    fn separator() -> impl Strategy<Value = String> {
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

    fn hex_key() -> impl Strategy<Value = String> {
        "[0-9A-F]{64}"
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
        fn untrusted_prints_no_control_or_bidi_characters_and_stays_bounded(
            text in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            let out = shown(&text);
            prop_assert!(out.len() <= MAX_UNTRUSTED_BYTES);
            prop_assert!(out.chars().all(|c| escape(c).is_none() || c == '\\'));
        }

        #[test]
        fn mask_leaves_no_window_of_an_added_value(
            keys in proptest::collection::vec(hex_key(), 1..4),
            pieces in proptest::collection::vec((0usize..4, 0usize..64, 1usize..64, any::<bool>(), separator()), 0..8),
            noise in proptest::collection::vec("[ -~\n]{0,12}", 8),
        ) {
            let mut mask = Mask::new();
            for pair in keys.chunks(2) {
                mask.add_value(pair.join(",").as_bytes());
            }
            let mut text = String::new();
            for (i, (k, start, len, lower, sep)) in pieces.iter().enumerate() {
                let key = &keys[k % keys.len()];
                let end = (start + len).min(64);
                let piece = &key[*start.min(&end)..end];
                let piece = if *lower { piece.to_ascii_lowercase() } else { piece.to_owned() };
                text.push_str(&noise[i]);
                text.push_str(&grouped(&piece, 5, sep));
            }
            let out = mask.mask(text.as_bytes());
            for key in &keys {
                prop_assert!(leaked(&out, key).is_none());
            }
            // A writer fed in uneven pieces does as well.
            let mut w = MaskedWriter::new(Vec::new(), &mask);
            for chunk in text.as_bytes().chunks(7) {
                w.write_all(chunk).unwrap();
            }
            w.finish().unwrap();
            for key in &keys {
                prop_assert!(leaked(w.get_ref(), key).is_none());
            }
        }
    }
}
