//! The run's secrets, known before anything is printed, and the one rule
//! that keeps them out of output: no 8 chars in a row of a secret, in any
//! case.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// What a redacted stretch of a name, label or path prints as.
pub const REDACTED: &str = "[redacted]";

/// What each byte of a redacted stretch of finished output becomes (the
/// last guard's mark: one byte for one, so JSON stays JSON).
pub const MASKED: u8 = b'*';

/// How many chars in a row of a secret output may not hold.
pub const WINDOW: usize = 8;

/// The secrets of a run (SECURITY.md): every key var's raw value from every
/// source read, the Platform API token, and every key-shaped word of the
/// arguments, names, labels, paths and settings.
///
/// Matching is on bytes, ASCII case folded; nothing is skipped or
/// normalised. Texts are checked in batches: the windows of the texts
/// that could match (runs of [`WINDOW`] bytes that all occur in some
/// secret) are indexed, and the secrets are read once against them. So a
/// batch costs time linear in its texts plus the secrets, and memory
/// linear in the texts: never a set of the secrets' windows, which for
/// 64 MiB of key values would not fit in a dyno.
#[derive(Default)]
pub struct Secrets {
    /// Each secret, upper-cased.
    values: Vec<Vec<u8>>,
    /// Which (upper-cased) bytes occur in some secret.
    alphabet: Alphabet,
    /// The secrets' bytes in all.
    len: usize,
}

/// A set of bytes.
#[derive(Clone, Copy, Default)]
struct Alphabet([u64; 4]);

impl Alphabet {
    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn contains(self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} known)", self.values.len())
    }
}

impl Secrets {
    /// No secrets yet.
    #[must_use]
    pub fn new() -> Self {
        Secrets::default()
    }

    /// Adds a secret: a key var's raw value, a token. Shorter than a
    /// window, it can hold none.
    pub fn add(&mut self, secret: &[u8]) {
        if secret.len() >= WINDOW {
            self.push(secret.to_ascii_uppercase());
        }
    }

    fn push(&mut self, upper: Vec<u8>) {
        for &b in &upper {
            self.alphabet.insert(b);
        }
        self.len += upper.len();
        self.values.push(upper);
    }

    /// Adds every key-shaped word of `text` (an argument, a name, a label,
    /// a path, a setting): see [`securekey::key_shaped`].
    pub fn add_words(&mut self, text: &[u8]) {
        for (start, end) in securekey::key_shaped_words(text) {
            self.add(&text[start..end]);
        }
    }

    /// Adds the secrets of another part of the run (a lint source).
    pub fn extend(&mut self, other: Secrets) {
        for secret in other.values {
            self.push(secret);
        }
    }

    /// How many secrets are known.
    #[must_use]
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// None known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The secrets' bytes in all: what one batch reads besides its texts.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.len
    }

    /// `text` with every stretch that holds a window of a secret, and
    /// every key-shaped word, replaced by [`REDACTED`]: for untrusted text
    /// (names, labels, paths) before it is escaped for its medium.
    #[must_use]
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let covered = self.covered(&[text.as_bytes()]).pop().unwrap_or_default();
        self.redacted(text, covered)
    }

    /// [`Secrets::redact`] for many texts, the secrets read once.
    #[must_use]
    pub fn redact_all<'a>(&self, texts: &[&'a str]) -> Vec<Cow<'a, str>> {
        let bytes: Vec<&[u8]> = texts.iter().map(|t| t.as_bytes()).collect();
        texts
            .iter()
            .zip(self.covered(&bytes))
            .map(|(text, covered)| self.redacted(text, covered))
            .collect()
    }

    fn redacted<'a>(&self, text: &'a str, mut covered: Vec<(usize, usize)>) -> Cow<'a, str> {
        covered.extend(securekey::key_shaped_words(text.as_bytes()));
        if covered.is_empty() {
            return Cow::Borrowed(text);
        }
        covered.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end) in merged(covered) {
            // Whole chars: a secret's window may end inside one.
            let start = floor_char(text, start.max(at));
            let end = ceil_char(text, end);
            out.push_str(&text[at..start]);
            out.push_str(REDACTED);
            at = end;
        }
        out.push_str(&text[at..]);
        // The mark and what is left beside it could make a window again
        // only with a secret that holds pieces of the mark itself.
        if self.covered(&[out.as_bytes()]).iter().all(Vec::is_empty) {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(REDACTED)
        }
    }

    /// The last guard, over finished output: in every window of a secret,
    /// each letter, digit and non-ASCII byte becomes [`MASKED`] (whole
    /// UTF-8 sequences, so text stays text). What the output's own syntax
    /// is made of stays: punctuation (JSON's quotes and braces) and the
    /// report's colour codes (`ESC [ 31 m`), so a terminal is never left
    /// inside an escape and JSON's strings stay strings (a secret holding
    /// `true,` where JSON has it would make that JSON invalid: a value no
    /// add-on writes). `None` when there is none.
    #[must_use]
    pub fn mask(&self, out: &[u8]) -> Option<Vec<u8>> {
        let covered = self.covered(&[out]).pop().unwrap_or_default();
        if covered.is_empty() {
            return None;
        }
        let colour = colour_codes(out);
        // JSON (the report, the error object) stays JSON: only the inside
        // of its strings is masked, never an escape (found by fuzz/pipeline:
        // a secret holding `true` masked the report's own literal).
        let maskable = json_string_bytes(out);
        let mut masked = out.to_vec();
        for (start, end) in covered {
            let mut end = end;
            while end < masked.len() && masked[end] & 0xC0 == 0x80 {
                end += 1;
            }
            let mut start = start;
            while start > 0 && masked[start] & 0xC0 == 0x80 {
                start -= 1;
            }
            for (i, b) in masked.iter_mut().enumerate().take(end).skip(start) {
                let ours = colour.iter().any(|&(s, e)| s <= i && i < e)
                    || maskable.as_ref().is_some_and(|m| !m[i]);
                if !ours && (b.is_ascii_alphanumeric() || !b.is_ascii()) {
                    *b = MASKED;
                }
            }
        }
        Some(masked)
    }

    /// Whether `text` has a window that could be a secret's: one whose
    /// bytes all occur in some secret. Most names and paths have none.
    #[must_use]
    pub fn may_hold(&self, text: &[u8]) -> bool {
        !self.values.is_empty() && self.candidates(text).next().is_some()
    }

    /// Where the windows of `text` that could be a secret's start.
    fn candidates<'t>(&'t self, text: &'t [u8]) -> impl Iterator<Item = usize> + 't {
        let mut run = 0;
        text.iter().enumerate().filter_map(move |(i, &b)| {
            run = if self.alphabet.contains(b.to_ascii_uppercase()) {
                run + 1
            } else {
                0
            };
            (run >= WINDOW).then(|| i + 1 - WINDOW)
        })
    }

    /// For each text, the byte ranges that are a window of a secret.
    fn covered(&self, texts: &[&[u8]]) -> Vec<Vec<(usize, usize)>> {
        let mut out = vec![Vec::new(); texts.len()];
        if self.values.is_empty() {
            return out;
        }
        // The texts' windows that could match, by value.
        let mut wanted: HashMap<u64, Vec<(usize, usize)>, BuildHasherDefault<Fold>> =
            HashMap::default();
        for (t, text) in texts.iter().enumerate() {
            for start in self.candidates(text) {
                let w = window(&text[start..start + WINDOW]);
                wanted.entry(w).or_default().push((t, start));
            }
        }
        if wanted.is_empty() {
            return out;
        }
        let mut filter = Filter::default();
        for &w in wanted.keys() {
            filter.insert(w);
        }
        for secret in &self.values {
            // Upper-cased already: each window is the last one shifted by a
            // byte, in the byte order of `window`.
            let mut w = 0u64;
            for (i, &b) in secret.iter().enumerate() {
                w = (w >> 8) | (u64::from(b) << 56);
                if i + 1 < WINDOW || !filter.contains(w) {
                    continue;
                }
                if let Some(places) = wanted.remove(&w) {
                    for (t, start) in places {
                        out[t].push((start, start + WINDOW));
                    }
                }
            }
        }
        out
    }
}

/// A bitmap of windows seen (a one-hash Bloom filter): most of a secret's
/// windows are in no text, and this tells so from 32 KiB, in cache.
struct Filter(Box<[u64]>);

impl Default for Filter {
    fn default() -> Self {
        Filter(vec![0; 4096].into_boxed_slice())
    }
}

impl Filter {
    fn bit(w: u64) -> (usize, u64) {
        #[allow(clippy::cast_possible_truncation)] // 18 bits of the product
        let h = (w.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 46) as usize;
        (h >> 6, 1 << (h & 63))
    }

    fn insert(&mut self, w: u64) {
        let (word, bit) = Filter::bit(w);
        self.0[word] |= bit;
    }

    fn contains(&self, w: u64) -> bool {
        let (word, bit) = Filter::bit(w);
        self.0[word] & bit != 0
    }
}

/// When `out` is JSON, which of its bytes are the plain text of a string
/// (not its quotes, not an escape such as `\n` or `\u001b`); `None`
/// for anything else.
fn json_string_bytes(out: &[u8]) -> Option<Vec<bool>> {
    serde_json::from_slice::<serde_json::Value>(out).ok()?;
    let mut plain = vec![false; out.len()];
    let (mut in_string, mut escape) = (false, 0usize);
    for (i, &b) in out.iter().enumerate() {
        if escape > 0 {
            // `\u` takes four hex digits after it; any other escape, one.
            if escape == 1 && b == b'u' && out.get(i - 1) == Some(&b'\\') {
                escape = 5;
            }
            escape -= 1;
        } else if in_string && b == b'\\' {
            escape = 1;
        } else if b == b'"' {
            in_string = !in_string;
        } else {
            plain[i] = in_string;
        }
    }
    Some(plain)
}

/// Where the colour codes are (`ESC [` digits and `;`, then `m`).
fn colour_codes(out: &[u8]) -> Vec<(usize, usize)> {
    let mut codes = Vec::new();
    let mut at = 0;
    while let Some(start) = out[at..].iter().position(|&b| b == 0x1b).map(|i| at + i) {
        let body = &out[start + 1..];
        let len = body
            .iter()
            .skip(1)
            .position(|b| !(b.is_ascii_digit() || *b == b';'))
            .map(|n| n + 1);
        match (body.first(), len) {
            (Some(b'['), Some(n)) if body.get(n) == Some(&b'm') => {
                codes.push((start, start + n + 2));
                at = start + n + 2;
            }
            _ => at = start + 1,
        }
    }
    codes
}

/// A window as a number, ASCII case folded.
fn window(bytes: &[u8]) -> u64 {
    let mut w = [0u8; WINDOW];
    for (out, b) in w.iter_mut().zip(bytes) {
        *out = b.to_ascii_uppercase();
    }
    u64::from_le_bytes(w)
}

/// Overlapping ranges as one.
fn merged(sorted: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(sorted.len());
    for (start, end) in sorted {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The windows' hash: 8 bytes in a `u64`, folded by one multiply.
#[derive(Default)]
struct Fold(u64);

impl Hasher for Fold {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        let m = u128::from(n) * 0x9E37_79B9_7F4A_7C15_u128;
        #[allow(clippy::cast_possible_truncation)] // the fold of a 128-bit product
        let folded = (m as u64) ^ ((m >> 64) as u64);
        self.0 = folded;
    }
}

#[cfg(test)]
mod tests;
