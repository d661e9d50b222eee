//! The rotation protocol's server side, shared by the tower layer and the
//! axum extractor: which header carries what (docs/using-the-keys.md, "The
//! rotation protocol"), and the one check of a request's headers.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode};

use crate::error::Error;
use crate::key::{KeyPair, Slot};
use crate::key_file::KeyFile;

/// The challenge of every 401.
pub const CHALLENGE: &str = "Bearer realm=\"securekey\"";
/// Set to `previous` on a response to a request that presented the
/// previous key.
pub const SLOT_HEADER: &str = "securekey-slot";
/// The latest key, on previous-key responses only, when opted in.
pub const LATEST_HEADER: &str = "securekey-latest";
/// A 401's body: it never echoes what was presented.
pub const REFUSED_BODY: &str = "a valid key is required (Authorization: Bearer <key>)\n";

/// Which key a request presented, in its request extensions once the
/// layer (or the extractor) accepted it. `Debug` shows the slot only.
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    slot: Slot,
    /// `Securekey-Latest`'s value, for a previous-key request when the
    /// guard sends it.
    latest: Option<HeaderValue>,
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("slot", &self.slot)
            .field("send_latest", &self.latest.is_some())
            .finish()
    }
}

impl Verified {
    /// The slot that matched: `Latest`, or `Previous` for a client one
    /// rotation behind.
    #[must_use]
    pub fn slot(&self) -> Slot {
        self.slot
    }

    /// Adds what a response to an accepted request carries: nothing for
    /// the latest key; `Securekey-Slot: previous` for the previous one,
    /// and the latest key when the guard sends it.
    pub(crate) fn mark(&self, headers: &mut HeaderMap) {
        if self.slot != Slot::Previous {
            return;
        }
        headers.insert(
            HeaderName::from_static(SLOT_HEADER),
            HeaderValue::from_static("previous"),
        );
        if let Some(latest) = &self.latest {
            headers.insert(HeaderName::from_static(LATEST_HEADER), latest.clone());
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
}

/// What a server accepts: a pair, whether to hand out the latest key, and
/// the paths that need no key. Cheap to clone (shared). `Debug` shows key
/// ids only.
#[derive(Clone)]
pub struct Guard(Arc<Inner>);

#[derive(Clone)]
struct Inner {
    pair: KeyPair,
    /// The `Securekey-Latest` value when opted in: marked sensitive, so
    /// http's own `Debug` hides it too.
    latest: Option<HeaderValue>,
    public: BTreeSet<String>,
}

impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("pair", &self.0.pair)
            .field("send_latest", &self.0.latest.is_some())
            .field("public", &self.0.public)
            .finish()
    }
}

impl Guard {
    /// Accepts the latest and the previous key of `pair`.
    #[must_use]
    pub fn new(pair: KeyPair) -> Self {
        Guard(Arc::new(Inner {
            pair,
            latest: None,
            public: BTreeSet::new(),
        }))
    }

    /// The pair of the default var ([`KeyFile::default_var`]) in the key
    /// file at its default path, loaded once, now: Heroku restarts every
    /// dyno when config vars change, and the boot script rewrites the file.
    ///
    /// # Errors
    /// What [`KeyFile::load_default`] and [`KeyFile::default_pair`] return.
    pub fn load_default() -> Result<Self, Error> {
        Ok(Guard::new(KeyFile::load_default()?.default_pair()?.clone()))
    }

    /// Answers a previous-key request with the latest key too
    /// (`Securekey-Latest`, with `Cache-Control: no-store`). Off by
    /// default: it hands the new key to whoever holds the old one, so a
    /// leaked previous key would outlive the rotation meant to retire it.
    #[must_use]
    pub fn send_latest(mut self, send: bool) -> Self {
        let latest = send.then(|| {
            let mut value = HeaderValue::from_str(self.0.pair.latest().expose())
                .unwrap_or_else(|_| HeaderValue::from_static(""));
            value.set_sensitive(true);
            value
        });
        Arc::make_mut(&mut self.0).latest = latest;
        self
    }

    /// A path the layer lets through without a key (exact match, e.g.
    /// `/health`). The extractor is per route, so it has none.
    #[must_use]
    pub fn public_path(mut self, path: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.0).public.insert(path.into());
        self
    }

    /// The pair it accepts.
    #[must_use]
    pub fn pair(&self) -> &KeyPair {
        &self.0.pair
    }

    #[cfg(feature = "tower")]
    pub(crate) fn is_public(&self, path: &str) -> bool {
        self.0.public.contains(path)
    }

    /// The check of one request: exactly one `Authorization` header, the
    /// Bearer scheme (any case), then the latest or the previous key,
    /// compared in constant time. Two headers are refused whatever their
    /// order: servers and proxies disagree on which one counts.
    #[must_use]
    pub fn verify(&self, headers: &HeaderMap) -> Option<Verified> {
        let mut values = headers.get_all(AUTHORIZATION).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return None;
        };
        let token = bearer_token(value.as_bytes())?;
        let slot = self.0.pair.verify(token)?;
        let latest = (slot == Slot::Previous)
            .then(|| self.0.latest.clone())
            .flatten();
        Some(Verified { slot, latest })
    }
}

/// The token of an `Authorization: Bearer <token>` value: the scheme in
/// any case (RFC 9110 §11.1), one or more spaces, then the rest exactly.
fn bearer_token(value: &[u8]) -> Option<&[u8]> {
    let space = value.iter().position(|&b| b == b' ')?;
    let (scheme, rest) = value.split_at(space);
    if !scheme.eq_ignore_ascii_case(b"bearer") {
        return None;
    }
    let start = rest.iter().position(|&b| b != b' ')?;
    Some(&rest[start..])
}

/// The 401 every refusal gets: the challenge, and a body that never
/// echoes what was presented.
pub(crate) fn refusal<B: From<&'static str>>() -> Response<B> {
    let mut response = Response::new(B::from(REFUSED_BODY));
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    let headers = response.headers_mut();
    headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static(CHALLENGE));
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer_token(b"Bearer abc"), Some(&b"abc"[..]));
        assert_eq!(bearer_token(b"bEARER   abc"), Some(&b"abc"[..]));
        assert_eq!(bearer_token(b"Bearer"), None);
        assert_eq!(bearer_token(b"Bearer "), None);
        assert_eq!(bearer_token(b"Basic abc"), None);
        assert_eq!(bearer_token(b"abc"), None);
    }
}
