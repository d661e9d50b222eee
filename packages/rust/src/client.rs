//! The client side: present the latest key; refused, retry once with the
//! previous one. Generic over the HTTP client: the caller sends, and says
//! whether the server refused.
//!
//! ```
//! use securekey::client::{Answer, present};
//! # let k = |c: &str| securekey::Key::parse(c.repeat(64).as_bytes()).unwrap();
//! # let pair = securekey::KeyPair::new(k("2"), k("1"));
//! # let server = securekey::KeyPair::new(k("1"), k("0"));
//! let status = present(&pair, |key| {
//!     // A real client sends `securekey::client::authorization(key)` here.
//!     let status = if server.verify(key.expose()).is_some() { 200 } else { 401 };
//!     Ok::<_, std::convert::Infallible>(Answer::by_status(status, status))
//! });
//! assert_eq!(status, Ok(200)); // on the retry, with key 1
//! ```

use std::future::Future;

use crate::key::{Key, KeyPair};

/// A server's answer to one attempt, as the caller reads it.
#[derive(Debug)]
pub enum Answer<R> {
    /// Anything but a refusal: the caller gets it.
    Accepted(R),
    /// The server refused the key (a 401): the next key is tried, if any.
    Refused(R),
}

impl<R> Answer<R> {
    /// `Refused` for a 401, else `Accepted`.
    pub fn by_status(status: u16, response: R) -> Self {
        if status == 401 {
            Answer::Refused(response)
        } else {
            Answer::Accepted(response)
        }
    }
}

/// The `Authorization` header's value for a key: `Bearer <KEY>`. Holds the
/// key: give it to the HTTP client, never to a log.
#[must_use]
pub fn authorization(key: &Key) -> String {
    format!("Bearer {}", key.expose())
}

/// Sends with the latest key; on a refusal, once more with the previous
/// key (when the pair has one). Returns the final response, or the first
/// error `send` returns. At most two attempts; a body sent with a request
/// must be one `send` can send again.
///
/// # Errors
/// The first error `send` returns.
pub fn present<R, E>(
    pair: &KeyPair,
    mut send: impl FnMut(&Key) -> Result<Answer<R>, E>,
) -> Result<R, E> {
    match send(pair.latest())? {
        Answer::Accepted(response) => Ok(response),
        Answer::Refused(response) => match pair.previous() {
            Some(previous) => match send(previous)? {
                Answer::Accepted(r) | Answer::Refused(r) => Ok(r),
            },
            None => Ok(response),
        },
    }
}

/// [`present`] for an async client (reqwest, hyper, …): `send` takes the
/// key by value (a clone), so its future need not borrow the pair.
///
/// # Errors
/// The first error `send` returns.
pub async fn present_async<R, E, F, Fut>(pair: &KeyPair, mut send: F) -> Result<R, E>
where
    F: FnMut(Key) -> Fut,
    Fut: Future<Output = Result<Answer<R>, E>>,
{
    match send(pair.latest().clone()).await? {
        Answer::Accepted(response) => Ok(response),
        Answer::Refused(response) => match pair.previous() {
            Some(previous) => match send(previous.clone()).await? {
                Answer::Accepted(r) | Answer::Refused(r) => Ok(r),
            },
            None => Ok(response),
        },
    }
}
