//! Heroku's OAuth token shape (`HRKU-` and its token text): a secret
//! wherever it stands (SPEC §10), known by its shape alone, like a key.

/// The prefix Heroku's OAuth tokens carry (since 2024).
const PREFIX: &[u8] = b"HRKU-";

/// The fewest token chars after the prefix that make a token (a real one
/// has 60; the API's schema shows a UUID's 36).
const MIN_TEXT: usize = 8;

/// Where `text` holds an `HRKU-` token (ASCII case folded): the prefix and
/// the run of letters, digits, `-` and `_` after it, as byte ranges.
#[must_use]
pub fn hrku_tokens(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..]
        .windows(PREFIX.len())
        .position(|w| w.eq_ignore_ascii_case(PREFIX))
    {
        let start = at + found;
        let body = start + PREFIX.len();
        let len = text[body..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b'_')
            .count();
        if len >= MIN_TEXT {
            out.push((start, body + len));
        }
        at = body + len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::hrku_tokens;

    #[test]
    fn the_shape() {
        let t = b"Bearer HRKU-AAbc_def-0123456789 and hrku-01234567-89ab, HRKU-short";
        let found: Vec<&[u8]> = hrku_tokens(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(
            found,
            [&b"HRKU-AAbc_def-0123456789"[..], &b"hrku-01234567-89ab"[..]]
        );
        assert!(hrku_tokens(b"no token here: HRKU- nor HRKU").is_empty());
    }
}
