//! Windows for [`Mask`](super::Mask): the last 8 letters and digits of a
//! text packed into a `u64`, and what holds and answers for them (the set,
//! the filter in front of a set, what screening has learned).

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher, RandomState};

const ALNUM: u8 = 1;
pub(super) const DIGIT: u8 = 2;
/// A letter that is not a hex digit.
pub(super) const NONHEX: u8 = 4;

/// The class bits of each byte.
pub(super) const CLASS: [u8; 256] = {
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
/// separator) for the bytes of a colour code (`ESC [ 1 ; 31 m`, the
/// report's own formatting) and of an escape [`Untrusted`](super::Untrusted)
/// writes (`\n`, `\x01`, `\u{202e}`), however many backslashes lead them
/// (JSON doubles them): they are not the text's letters
/// and digits. A window of a value that ran through a colour code masked its
/// digits and broke the code (`ESC [ * 1 m`); one cut by `\n` or `\t` went
/// unseen, since `n` and `t` broke the run.
pub(super) fn classified(data: &[u8]) -> impl Iterator<Item = (usize, u8, u8)> + '_ {
    let mut format_end = 0;
    data.iter().enumerate().map(move |(i, &b)| {
        if i >= format_end {
            format_end = i + match b {
                0x1b => colour_code_len(&data[i..]),
                b'\\' => escape_len(&data[i..]),
                _ => 0,
            };
        }
        let class = if i < format_end {
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

/// The length of the escape `text` starts with, as `Untrusted` writes them
/// (`\n`, `\r`, `\t`, `\xHH`, `\u{H…}`), or 0. Any number of backslashes
/// may lead it: the JSON report writes `\x01` as `\\x01`, and a program
/// reading the JSON reads `\x01` again. (So `\\x01`, a backslash the user
/// typed and then `x01`, reads as an escape too: that hides two digits from
/// the mask, and the window after them is still seen.)
fn escape_len(text: &[u8]) -> usize {
    let slashes = text.iter().take_while(|&&b| b == b'\\').count();
    let body = &text[slashes..];
    let body_len = match body.first() {
        Some(b'n' | b'r' | b't') => 1,
        Some(b'x') if body.len() >= 3 && body[1..3].iter().all(u8::is_ascii_hexdigit) => 3,
        Some(b'u') if body.get(1) == Some(&b'{') => {
            let hex = body[2..]
                .iter()
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            if (1..=6).contains(&hex) && body.get(2 + hex) == Some(&b'}') {
                hex + 3
            } else {
                0
            }
        }
        _ => 0,
    };
    slashes + body_len
}

/// The last (up to 8) letters and digits of a text, upper-cased, packed
/// one byte each into a `u64`, with a bit per char for digits and letters
/// outside `A-F`.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Window {
    pub(super) chars: u64,
    pub(super) digits: u8,
    pub(super) nonhex: u8,
    pub(super) len: u8,
}

impl Window {
    pub(super) fn push(&mut self, upper: u8, class: u8) {
        self.chars = (self.chars << 8) | u64::from(upper);
        self.digits = (self.digits << 1) | u8::from(class & DIGIT != 0);
        self.nonhex = (self.nonhex << 1) | u8::from(class & NONHEX != 0);
        self.len = (self.len + 1).min(8);
    }

    pub(super) fn of(chars: impl Iterator<Item = u8>) -> Self {
        let mut window = Window::default();
        for c in chars {
            window.push(c, CLASS[usize::from(c)]);
        }
        window
    }

    /// A window worth keeping from a value: 8 chars, all hex or with a digit.
    pub(super) fn is_material(&self) -> bool {
        self.len == 8 && (self.nonhex == 0 || self.digits != 0)
    }

    /// The chars, oldest first.
    pub(super) fn chars(&self) -> impl Iterator<Item = u8> {
        let (chars, len) = (self.chars, self.len);
        (0..len)
            .rev()
            .map(move |i| chars.to_be_bytes()[7 - usize::from(i)])
    }

    /// After `data` has gone by, keeping at most 7 chars: a window that
    /// starts in the next batch holds at least one char of it.
    pub(super) fn advance(&mut self, data: &[u8]) {
        for (_, b, class) in classified(data) {
            if class != 0 {
                self.push(b.to_ascii_uppercase(), class);
            }
        }
        self.len = self.len.min(7);
    }
}

/// A set of windows: std's, hashed by [`Multiply`].
pub(super) type WindowSet = HashSet<u64, Multiply>;

/// Hashes a window (already a number: it wants mixing, not `SipHash`) with
/// one multiply, folded: the high half of the 128-bit product goes into
/// the low one, so every char of the window reaches the low bits std takes
/// its bucket from. The seed and the odd multiplier are drawn at random
/// for each set (std's per-process hash keys), so no input can be chosen
/// to make the windows collide.
#[derive(Clone, Copy, Debug)]
pub(super) struct Multiply {
    seed: u64,
    multiplier: u64,
}

impl Multiply {
    pub(super) fn random() -> Self {
        let keys = RandomState::new();
        Multiply {
            seed: keys.hash_one(0x5EC0_12E7_u64),
            multiplier: keys.hash_one(0x0DD_u64) | 1,
        }
    }
}

impl BuildHasher for Multiply {
    type Hasher = MultiplyHasher;

    fn build_hasher(&self) -> MultiplyHasher {
        MultiplyHasher {
            state: self.seed,
            multiplier: self.multiplier,
        }
    }
}

/// The [`Hasher`] of [`Multiply`].
pub(super) struct MultiplyHasher {
    state: u64,
    multiplier: u64,
}

impl Hasher for MultiplyHasher {
    fn write_u64(&mut self, w: u64) {
        let product = u128::from(self.state ^ w) * u128::from(self.multiplier);
        // The two halves of the product.
        #[allow(clippy::cast_possible_truncation)]
        let (low, high) = (product as u64, (product >> 64) as u64);
        self.state = low ^ high;
    }

    // Only `u64`s are hashed here: `write_u64` is the one that counts.
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn finish(&self) -> u64 {
        self.state
    }
}

/// A bitmap in front of a small [`WindowSet`]: 16 bits per window, so a
/// pass over a million windows of material mostly stays in the cache.
pub(super) struct Filter {
    bits: Vec<u64>,
    shift: u32,
    multiplier: u64,
}

impl Filter {
    pub(super) fn of(set: &WindowSet) -> Self {
        let bits = (set.len() * 16).next_power_of_two().max(64);
        let mut filter = Filter {
            bits: vec![0; bits / 64],
            shift: 64 - bits.trailing_zeros(),
            multiplier: set.hasher().multiplier,
        };
        for &w in set {
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

    pub(super) fn may_hold(&self, w: u64) -> bool {
        let (word, bit) = self.at(w);
        self.bits[word] & bit != 0
    }
}

/// What is known of which windows are the material's.
pub(super) enum Known<'a> {
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
    pub(super) fn screened(asked: WindowSet, hits: WindowSet) -> Self {
        let filter = Filter::of(&hits);
        Known::Screened {
            asked,
            hits,
            filter,
        }
    }

    /// Whether `w`, a window that was screened, is the material's.
    pub(super) fn is_hit(&self, w: u64) -> bool {
        match self {
            Known::Index(set) => set.contains(&w),
            Known::Screened { hits, filter, .. } => filter.may_hold(w) && hits.contains(&w),
        }
    }

    /// Whether `w` is the material's; `None` when it was not screened.
    pub(super) fn lookup(&self, w: u64) -> Option<bool> {
        match self {
            Known::Index(set) => Some(set.contains(&w)),
            Known::Screened { asked, .. } => asked.contains(&w).then(|| self.is_hit(w)),
        }
    }

    pub(super) fn learn(&mut self, more_asked: &WindowSet, more_hits: &WindowSet) {
        if let Known::Screened {
            asked,
            hits,
            filter,
        } = self
        {
            asked.extend(more_asked);
            hits.extend(more_hits);
            *filter = Filter::of(hits);
        }
    }
}
