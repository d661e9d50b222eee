//! The second guard: [`Mask`] knows the key vars' values and masks, in
//! the final output, any 8-char window of them; [`MaskedWriter`] does it
//! for a stream.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::ops::Deref;
use std::sync::OnceLock;

use super::window::{CLASS, DIGIT, Filter, Known, Multiply, NONHEX, Window, WindowSet, classified};

/// What a masked letter or digit prints as.
pub const MASKED: u8 = b'*';

/// Up to this many windows of key material, [`Mask`] keeps them in a hash
/// set and masks output as it comes (a few hundred key vars; a real app has
/// a handful). Past it, building the set would cost more than the rest of
/// the run (30 to 40 ms for 10,000 key vars, against 9 ms to screen their
/// report), so output is screened in batches instead: one pass over the
/// key material per batch, batches at least as large as the key material,
/// and the set built only if a batch really holds a piece of a key.
pub const INDEX_MAX_WINDOWS: usize = 1 << 16;

/// A batch of output without a newline in it is masked once it is this long.
const MAX_LINE: usize = 64 * 1024;

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
            let mut asked = WindowSet::with_capacity_and_hasher(unknown.len(), Multiply::random());
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
            let mut set = WindowSet::with_capacity_and_hasher(self.windows, Multiply::random());
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
                self.is_candidate(&window) && index.contains(&window.chars)
            }
        })
    }

    /// The windows of `carry` + `data` that could be the material's.
    fn candidates(&self, mut window: Window, data: &[u8]) -> WindowSet {
        // A report line holds a few: two key ids, and the windows around them.
        let mut wanted = WindowSet::with_capacity_and_hasher(data.len() / 32, Multiply::random());
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
        let mut hits = WindowSet::with_capacity_and_hasher(8, Multiply::random());
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
            if len >= 8 && filter.may_hold(window) && wanted.contains(&window) {
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

/// Screens of new windows before [`Mask`] builds its whole set instead.
const MAX_SCREENS: usize = 4;

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
mod tests;
