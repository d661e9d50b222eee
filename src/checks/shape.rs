//! What the per-key checks need to know of a key's bytes, in one pass.

/// One pass over a key's bytes for every per-key check: ten thousand keys
/// (docs/performance.md) made one pass per check a quarter of the run.
// Independent facts about one string, not a state machine in disguise.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Where the first char outside `[0-9A-Fa-f]` is.
    pub(crate) first_non_hex: Option<usize>,
    /// How many chars are outside `[0-9A-Fa-f]`.
    pub(crate) non_hex: usize,
    /// Any of `a-f`.
    pub(crate) lower_hex: bool,
    /// Any of `A-F`.
    pub(crate) upper_hex: bool,
    /// Only `[0-9a-z]`: the pre-2013 base36 alphabet.
    pub(crate) base36_lower: bool,
    /// Any of `g-z`: a letter no hex key has.
    pub(crate) beyond_f: bool,
}

/// What one byte of a key is, as bits of [`CLASS`].
mod class {
    pub(super) const LOWER_HEX: u8 = 1; // a-f
    pub(super) const UPPER_HEX: u8 = 2; // A-F
    pub(super) const BEYOND_F: u8 = 4; // g-z
    pub(super) const OTHER: u8 = 8; // neither a digit nor a letter in a-z or A-F
    pub(super) const NON_HEX: u8 = BEYOND_F | OTHER;
}

/// Each byte's [`class`] bits (0 for a digit).
const CLASS: [u8; 256] = {
    let mut table = [class::OTHER; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation)] // b < 256
        let c = b as u8;
        table[b] = match c {
            b'0'..=b'9' => 0,
            b'a'..=b'f' => class::LOWER_HEX,
            b'A'..=b'F' => class::UPPER_HEX,
            b'g'..=b'z' => class::BEYOND_F,
            _ => class::OTHER,
        };
        b += 1;
    }
    table
};

impl Shape {
    /// One table lookup per byte, no branch on the byte: a branch per byte
    /// class was a tenth of the 10,000-var run, mispredicted on the random
    /// mix of digits and letters every key is.
    pub(super) fn of(text: &[u8]) -> Self {
        let mut seen = 0u8;
        let mut non_hex = 0usize;
        for &b in text {
            let c = CLASS[usize::from(b)];
            seen |= c;
            non_hex += usize::from(c & class::NON_HEX != 0);
        }
        let first_non_hex = if non_hex == 0 {
            None
        } else {
            text.iter()
                .position(|&b| CLASS[usize::from(b)] & class::NON_HEX != 0)
        };
        Shape {
            first_non_hex,
            non_hex,
            lower_hex: seen & class::LOWER_HEX != 0,
            upper_hex: seen & class::UPPER_HEX != 0,
            base36_lower: seen & (class::UPPER_HEX | class::OTHER) == 0,
            beyond_f: seen & class::BEYOND_F != 0,
        }
    }
}
