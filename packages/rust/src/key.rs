//! Keys, key pairs and key ids: the only types that hold key material, and
//! none of them can print it.
//!
//! A key is named everywhere by its [`KeyId`]: the first 8 hex chars
//! (lowercase) of SHA-256 over the key's canonical text (trimmed, uppercase).

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The number of hex chars in a key the add-on writes today (32 random bytes).
pub const KEY_HEX_LEN: usize = 64;

/// Which of the two keys in `LATEST,PREVIOUS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    /// The key before the comma: the one to sign and answer with.
    Latest,
    /// The key after the comma: valid until the last rotation, still accepted.
    Previous,
}

impl Slot {
    /// The slot's name as used in output and JSON: `latest` or `previous`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Latest => "latest",
            Slot::Previous => "previous",
        }
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The public name of a key: 4 bytes of SHA-256 over its canonical text,
/// shown as 8 lowercase hex chars.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; 4]);

impl KeyId {
    /// The id of a key given in canonical form (trimmed, uppercase).
    fn of_canonical(canonical: &[u8]) -> Self {
        let digest = Sha256::digest(canonical);
        KeyId([digest[0], digest[1], digest[2], digest[3]])
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// One well-formed key: 64 hex chars, held in canonical (uppercase) form.
///
/// `Debug` and `Display` print only the key id; reading the key itself takes
/// an explicit call to [`Key::expose`] or [`Key::to_bytes`].
#[derive(Clone)]
pub struct Key {
    canonical: String,
    id: KeyId,
}

impl Key {
    /// Parses one key as the add-on writes it: surrounding ASCII whitespace is
    /// trimmed and lowercase hex is accepted and upper-cased. Returns `None`
    /// for anything that is not exactly 64 hex chars; the reasons are the
    /// checks' business, not this type's.
    #[must_use]
    pub fn parse(text: &[u8]) -> Option<Self> {
        let trimmed = text.trim_ascii();
        if trimmed.len() != KEY_HEX_LEN || !trimmed.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let mut upper = trimmed.to_vec();
        upper.make_ascii_uppercase();
        // Hex digits are ASCII, so this cannot fail; `?` keeps it total.
        let canonical = String::from_utf8(upper).ok()?;
        let id = KeyId::of_canonical(canonical.as_bytes());
        Some(Key { canonical, id })
    }

    /// The key's public id.
    #[must_use]
    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The key itself, in canonical form (64 uppercase hex chars).
    /// Handle with care: this is the secret.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.canonical
    }

    /// The 32 bytes the key's hex stands for, e.g. to use as an HMAC key.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        // `parse` only admits 64 hex chars, so decoding cannot fail; the
        // fallback keeps this function total without a panic path.
        if hex::decode_to_slice(&self.canonical, &mut out).is_err() {
            out = [0u8; 32];
        }
        out
    }

    /// Constant-time comparison of a presented key with this one. The
    /// presented bytes must be the canonical text (64 uppercase hex chars);
    /// only the length (public: always 64) may end the comparison early.
    #[must_use]
    pub fn matches(&self, presented: &[u8]) -> bool {
        self.canonical.as_bytes().ct_eq(presented).into()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.matches(other.canonical.as_bytes())
    }
}

impl Eq for Key {}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", self.id)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key {}", self.id)
    }
}

/// A well-formed `LATEST,PREVIOUS` pair: what a server needs for graceful
/// rotation. The previous key is absent only where the add-on wrote `NEW,`
/// (it could not read its current key during a rotation): the key file then
/// holds the latest key alone, because a dyno with the latest key beats a
/// dyno with none.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyPair {
    latest: Key,
    previous: Option<Key>,
}

impl KeyPair {
    /// A pair from its two keys.
    #[must_use]
    pub fn new(latest: Key, previous: Key) -> Self {
        KeyPair {
            latest,
            previous: Some(previous),
        }
    }

    /// The latest key with no previous one (the add-on's `NEW,`).
    #[must_use]
    pub fn latest_only(latest: Key) -> Self {
        KeyPair {
            latest,
            previous: None,
        }
    }

    /// Parses a config var's value when it is a well-formed pair of two
    /// keys (whitespace and lowercase tolerated, as in the key file). For the
    /// reasons a value is not, run the checks.
    #[must_use]
    pub fn parse(value: &[u8]) -> Option<Self> {
        let mut parts = value.split(|&b| b == b',');
        let latest = Key::parse(parts.next()?)?;
        let previous = Key::parse(parts.next()?)?;
        if parts.next().is_some() {
            return None;
        }
        Some(KeyPair::new(latest, previous))
    }

    /// The key to sign with and to answer clients with.
    #[must_use]
    pub fn latest(&self) -> &Key {
        &self.latest
    }

    /// The key from before the last rotation, still accepted; `None` after
    /// the add-on's `NEW,`.
    #[must_use]
    pub fn previous(&self) -> Option<&Key> {
        self.previous.as_ref()
    }

    /// Both keys, when the pair has both.
    #[must_use]
    pub fn both(&self) -> Option<(&Key, &Key)> {
        Some((&self.latest, self.previous.as_ref()?))
    }

    /// The server side: which key a client presented, in constant time.
    /// Both keys are always compared, whatever the first comparison found.
    /// `None` for an unknown key, including one of the wrong length, an
    /// empty one, or one not in canonical form (64 uppercase hex chars).
    ///
    /// A server accepts `Some(_)` and, on `Some(Slot::Previous)`, answers
    /// with [`KeyPair::latest`] so the client follows the rotation.
    #[must_use]
    pub fn verify(&self, presented: impl AsRef<[u8]>) -> Option<Slot> {
        let presented = presented.as_ref();
        let latest = self.latest.canonical.as_bytes().ct_eq(presented);
        let previous = self.previous.as_ref().map_or_else(
            || subtle::Choice::from(0),
            |p| p.canonical.as_bytes().ct_eq(presented),
        );
        if bool::from(latest) {
            Some(Slot::Latest)
        } else if bool::from(previous) {
            Some(Slot::Previous)
        } else {
            None
        }
    }

    /// The client side: the keys to present, in order — the latest, then
    /// the previous. The two apps that share a key (the add-on's and an app
    /// it is attached to) restart at different moments after a rotation, so
    /// a client that has rotated may present a latest key its server does
    /// not know yet; refused, it retries once with the next key.
    ///
    /// ```
    /// # use securekey::{Key, KeyPair, Slot};
    /// # let k = |c: &str| Key::parse(c.repeat(64).as_bytes()).unwrap();
    /// let client = KeyPair::new(k("2"), k("1")); // rotated: 2 is new
    /// let server = KeyPair::new(k("1"), k("0")); // not restarted yet
    /// let accepted = client
    ///     .keys_to_present()
    ///     .find_map(|key| server.verify(key.expose()));
    /// assert_eq!(accepted, Some(Slot::Latest)); // on the retry, with key 1
    /// ```
    pub fn keys_to_present(&self) -> impl Iterator<Item = &Key> {
        std::iter::once(&self.latest).chain(self.previous.as_ref())
    }

    /// The key in the given slot, if the pair has it.
    #[must_use]
    pub fn get(&self, slot: Slot) -> Option<&Key> {
        match slot {
            Slot::Latest => Some(&self.latest),
            Slot::Previous => self.previous.as_ref(),
        }
    }
}

/// A key id, or `none` for an absent previous key.
struct IdOrNone<'a>(Option<&'a Key>);

impl fmt::Display for IdOrNone<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(key) => write!(f, "{}", key.id),
            None => f.write_str("none"),
        }
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "KeyPair {{ latest: {}, previous: {} }}",
            self.latest.id,
            IdOrNone(self.previous.as_ref())
        )
    }
}

impl fmt::Display for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "latest {}, previous {}",
            self.latest.id,
            IdOrNone(self.previous.as_ref())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
    const B: &str = "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";

    fn pair() -> KeyPair {
        KeyPair::parse(format!("{A},{B}").as_bytes()).unwrap()
    }

    #[test]
    fn verify_latest_previous_unknown() {
        let pair = pair();
        assert_eq!(pair.verify(A), Some(Slot::Latest));
        assert_eq!(pair.verify(B), Some(Slot::Previous));
        let mut other = A.to_owned();
        other.replace_range(63.., "0");
        assert_eq!(pair.verify(&other), None);
    }

    #[test]
    fn verify_refuses_wrong_length_and_empty() {
        let pair = pair();
        assert_eq!(pair.verify(""), None);
        assert_eq!(pair.verify(&A[..63]), None);
        assert_eq!(pair.verify(format!("{A}0")), None);
        assert_eq!(pair.verify(format!("{A},{B}")), None);
    }

    #[test]
    fn latest_only_pairs_verify_the_latest_and_present_it_alone() {
        let latest = Key::parse(A.as_bytes()).unwrap();
        let pair = KeyPair::latest_only(latest.clone());
        assert_eq!(pair.verify(A), Some(Slot::Latest));
        assert_eq!(pair.verify(B), None);
        assert_eq!(pair.verify(""), None);
        assert!(pair.previous().is_none() && pair.both().is_none());
        assert_eq!(pair.keys_to_present().collect::<Vec<_>>(), [&latest]);
        assert_eq!(
            format!("{pair}"),
            format!("latest {}, previous none", latest.id())
        );
    }

    #[test]
    fn clients_present_latest_then_previous() {
        let pair = pair();
        let order: Vec<&str> = pair.keys_to_present().map(Key::expose).collect();
        assert_eq!(order, [A, B]);
    }

    #[test]
    fn verify_wants_the_canonical_form() {
        assert_eq!(pair().verify(A.to_ascii_lowercase()), None);
    }

    #[test]
    fn parse_canonicalises() {
        let key = Key::parse(format!("  {}\n", A.to_ascii_lowercase()).as_bytes()).unwrap();
        assert_eq!(key.expose(), A);
        assert_eq!(key.id(), Key::parse(A.as_bytes()).unwrap().id());
    }

    #[test]
    fn parse_rejects_malformed() {
        assert!(Key::parse(&A.as_bytes()[..62]).is_none());
        assert!(Key::parse(b"").is_none());
        assert!(Key::parse(A.replace('F', "G").as_bytes()).is_none());
        assert!(KeyPair::parse(format!("{A},{B},{A}").as_bytes()).is_none());
        assert!(KeyPair::parse(format!("{A},").as_bytes()).is_none());
    }

    #[test]
    fn id_is_sha256_prefix_of_canonical_text() {
        let key = Key::parse(A.as_bytes()).unwrap();
        let digest = Sha256::digest(A.as_bytes());
        assert_eq!(key.id().to_string(), hex::encode(&digest[..4]));
        assert_eq!(key.id().to_string().len(), 8);
    }

    #[test]
    fn to_bytes_decodes_hex() {
        let key = Key::parse(A.as_bytes()).unwrap();
        assert_eq!(hex::encode_upper(key.to_bytes()), A);
    }

    #[test]
    fn debug_and_display_redact() {
        let pair = pair();
        for shown in [
            format!("{pair:?}"),
            format!("{pair}"),
            format!("{:?}", pair.latest()),
            format!("{:?}", pair.previous()),
            format!("{pair:#?}"),
        ] {
            for key in [A, B] {
                for start in 0..=key.len() - 8 {
                    assert!(!shown.contains(&key[start..start + 8]), "leak in {start}");
                    assert!(!shown.to_ascii_uppercase().contains(&key[start..start + 8]));
                }
            }
        }
    }
}
