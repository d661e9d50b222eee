//! The server side as a tower `Layer` (feature `tower`): requests that do
//! not present the latest or the previous key get the protocol's 401
//! before the inner service sees them.
//!
//! ```no_run
//! use axum::{Extension, Router, routing::get};
//! use securekey::{Guard, Verified};
//!
//! // The key file's SECURE_KEY (or its only var), loaded once, here.
//! let guard = Guard::load_default()?.public_path("/health");
//! let app: Router = Router::new()
//!     .route("/", get(|Extension(v): Extension<Verified>| async move { v.slot().to_string() }))
//!     .route("/health", get(|| async { "ok" }))
//!     .layer(guard.layer());
//! # Ok::<(), securekey::Error>(())
//! ```

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{Request, Response};

use crate::protocol::{Guard, Verified, refusal};

impl Guard {
    /// The layer that guards a service with this guard.
    #[must_use]
    pub fn layer(&self) -> RequireKeyLayer {
        RequireKeyLayer {
            guard: self.clone(),
        }
    }
}

/// Guards a service: see [`Guard::layer`].
#[derive(Clone, Debug)]
pub struct RequireKeyLayer {
    guard: Guard,
}

impl<S> tower_layer::Layer<S> for RequireKeyLayer {
    type Service = RequireKey<S>;

    fn layer(&self, inner: S) -> RequireKey<S> {
        RequireKey {
            inner,
            guard: self.guard.clone(),
        }
    }
}

/// A service behind the protocol. An accepted request carries its
/// [`Verified`] in its extensions (axum: `Extension<Verified>`).
#[derive(Clone, Debug)]
pub struct RequireKey<S> {
    inner: S,
    guard: Guard,
}

impl<S, ReqBody, ResBody> tower_service::Service<Request<ReqBody>> for RequireKey<S>
where
    S: tower_service::Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: From<&'static str>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        if self.guard.is_public(request.uri().path()) {
            return ResponseFuture::Inner {
                future: self.inner.call(request),
                marks: None,
            };
        }
        match self.guard.verify(request.headers()) {
            Some(verified) => {
                request.extensions_mut().insert(verified.clone());
                ResponseFuture::Inner {
                    future: self.inner.call(request),
                    marks: Some(verified),
                }
            }
            None => ResponseFuture::Refused {
                response: Some(refusal()),
            },
        }
    }
}

pin_project_lite::pin_project! {
    /// The response of [`RequireKey`]: the 401, or the inner service's
    /// response with the slot's headers (`marks`, none on a public path).
    // pin-project-lite takes no attribute on a field but `#[pin]`.
    #[allow(missing_docs)]
    #[project = Projected]
    pub enum ResponseFuture<F, B> {
        /// Refused: the 401.
        Refused { response: Option<Response<B>> },
        /// Accepted (or a public path): the inner service's.
        Inner {
            #[pin]
            future: F,
            marks: Option<Verified>,
        },
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: From<&'static str>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            // Polled again after its answer (a caller's bug): the same 401
            // again rather than a panic.
            Projected::Refused { response } => {
                Poll::Ready(Ok(response.take().unwrap_or_else(refusal)))
            }
            Projected::Inner { future, marks } => {
                let mut response = ready!(future.poll(cx))?;
                if let Some(verified) = marks.take() {
                    verified.mark(response.headers_mut());
                }
                Poll::Ready(Ok(response))
            }
        }
    }
}
