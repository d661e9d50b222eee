//! The tests' oracle and fixture keys. The oracle is the dumbest correct
//! reading of SECURITY.md: output holds no 8 consecutive bytes of a secret,
//! ASCII case folded, with nothing removed or decoded first.

/// Test keys (from a public write-up of the add-on: not secrets). A
/// rotation goes `A,B` -> `C,A`.
pub const A: &str = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
/// See [`A`].
pub const B: &str = "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";
/// See [`A`].
pub const C: &str = "0B5E7E1F6E8C7D35A1D0A4C2E6F9B8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A291";
/// See [`A`].
pub const D: &str = "9A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9";
/// A pre-2013 base36 key, as the add-on's Dev Center page shows one.
pub const BASE36: &str = "2fi9ugflsiscwcdv3g2aq2v2c2nwam2elripnkjbn1s6n5m6c4";
/// Every fixture key.
pub const ALL_KEYS: &[&str] = &[A, B, C, D, BASE36];

/// How many bytes in a row of a secret output may not hold.
pub const WINDOW: usize = 8;

/// `LATEST,PREVIOUS`.
#[must_use]
pub fn pair(latest: &str, previous: &str) -> String {
    format!("{latest},{previous}")
}

/// Where output holds a window of a secret: which secret, at which byte of
/// it. Its `Display` names those numbers only, never the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leak {
    /// The secret's index.
    pub secret: usize,
    /// Where the window starts in the secret.
    pub at: usize,
}

impl std::fmt::Display for Leak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "holds {WINDOW} bytes of secret #{} from its byte {} (output withheld)",
            self.secret, self.at
        )
    }
}

/// The first window of any secret that `output` holds, ASCII case folded.
#[must_use]
pub fn leak<S: AsRef<[u8]>>(output: &[u8], secrets: &[S]) -> Option<Leak> {
    let output = output.to_ascii_uppercase();
    for (i, secret) in secrets.iter().enumerate() {
        let secret = secret.as_ref().to_ascii_uppercase();
        for (at, window) in secret.windows(WINDOW).enumerate() {
            if output.windows(WINDOW).any(|w| w == window) {
                return Some(Leak { secret: i, at });
            }
        }
    }
    None
}

/// Panics (naming `what` and the [`Leak`], never the text) when `output`
/// holds a window of a secret.
pub fn assert_no_leak<S: AsRef<[u8]>>(output: &[u8], secrets: &[S], what: &str) {
    if let Some(leak) = leak(output, secrets) {
        panic!("{what} {leak}");
    }
}

/// A 64-hex key for `i`, the same on every run (splitmix64).
#[must_use]
pub fn gen_key(i: u64) -> String {
    let mut x = i
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(0x2545_F491_4F6C_DD1D);
    let mut key = String::with_capacity(64);
    for _ in 0..4 {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        key.push_str(&format!("{:016X}", z ^ (z >> 31)));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oracle_sees_any_case_and_nothing_less_than_a_window() {
        let out = format!("x {} y", A[10..18].to_ascii_lowercase());
        assert_eq!(leak(out.as_bytes(), &[A]), Some(Leak { secret: 0, at: 10 }));
        assert_eq!(leak(A[..7].as_bytes(), &[A]), None);
        // Nothing removed: a window cut by a newline is no window.
        let cut = format!("{}\n{}", &A[..4], &A[4..8]);
        assert_eq!(leak(cut.as_bytes(), &[A]), None);
    }
}
