//! The server side as an axum extractor (feature `axum`), per route: a
//! handler that takes a [`Verified`] runs only for a request with the
//! latest or the previous key; others get the protocol's 401.
//!
//! The guard comes from the router's state (`Guard: FromRef<S>`); behind
//! the tower layer, the layer's verdict is used. A handler tells a client
//! one rotation behind (`Securekey-Slot: previous`) by returning the
//! `Verified` among its response parts: `(verified, "body")`.
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use securekey::{Guard, Verified};
//!
//! let app: Router = Router::new()
//!     .route("/api", get(|v: Verified| async move { (v, "hello") }))
//!     .route("/health", get(|| async { "ok" })) // no extractor: public
//!     .with_state(Guard::load_default()?);
//! # Ok::<(), securekey::Error>(())
//! ```

use axum_core::extract::{FromRef, FromRequestParts};
use axum_core::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use http::request::Parts;

use crate::protocol::{Guard, Verified, refusal};

/// The rejection of [`Verified`]: the protocol's 401.
#[derive(Clone, Copy, Debug)]
pub struct Refused;

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        refusal()
    }
}

impl<S> FromRequestParts<S> for Verified
where
    S: Send + Sync,
    Guard: FromRef<S>,
{
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refused> {
        if let Some(verified) = parts.extensions.get::<Verified>() {
            return Ok(verified.clone());
        }
        let verified = Guard::from_ref(state)
            .verify(&parts.headers)
            .ok_or(Refused)?;
        parts.extensions.insert(verified.clone());
        Ok(verified)
    }
}

/// The slot's headers on the response: `Securekey-Slot: previous`, and
/// the latest key if the guard sends it.
impl IntoResponseParts for Verified {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        self.mark(res.headers_mut());
        Ok(res)
    }
}
