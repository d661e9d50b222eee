//! A blocking HTTP client for the Platform API v3 (ureq, TLS by rustls):
//! the headers every request carries, `Range`/`Next-Range` paging to the
//! end of a list, bounded retries on `429`, and the API's `{id, message}`
//! errors. One agent, shared by the worker threads (ureq's `Agent` is a
//! connection pool behind an `Arc`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;

use super::ApiUrl;
use super::token::Token;

/// What every request accepts: the API's version 3.
pub const ACCEPT: &str = "application/vnd.heroku+json; version=3";

/// The largest page the API serves (its default is 200).
const PAGE: &str = "max=1000";

/// Most `429`s in a row before giving up.
const MAX_RETRIES: u32 = 5;

/// Longest wait on one `429`, whatever `Retry-After` says.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// Most pages of one list (1,000 items each): past that, a server that
/// keeps answering 206 is looping.
const MAX_PAGES: usize = 1000;

/// Largest response body read (the biggest config is 64 KB).
const MAX_BODY: u64 = 16 * 1024 * 1024;

/// Why a request failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The API answered with an error: the status and its `{id, message}`.
    Status {
        /// The HTTP status.
        status: u16,
        /// The API's error id (`unauthorized`, `forbidden`, `two_factor`,
        /// `not_found`, `rate_limit`…), or empty.
        id: String,
        /// The API's message, as printed (escaped, never key-shaped).
        message: String,
    },
    /// No answer: DNS, connection, TLS, timeout.
    Network(String),
    /// An answer that is not the JSON asked for.
    Body(String),
}

impl ApiError {
    /// The HTTP status of an API error.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// One answer: its JSON body and the API's clock.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The body.
    pub body: Value,
    /// The `Date` header, in seconds since the epoch.
    pub date: Option<i64>,
}

/// The Platform API client.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    authorization: String,
    user_agent: String,
    requests: AtomicU64,
    /// What the read has to log (the binary logs it once the run's
    /// secrets are known): `(level, line)`.
    log: std::sync::Mutex<Vec<(tracing::Level, String)>>,
}

// The authorization header holds the token.
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Keeps a line to log.
    pub fn log(&self, level: tracing::Level, line: String) {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((level, line));
    }

    /// The lines kept to log, in order.
    pub fn take_log(&self) -> Vec<(tracing::Level, String)> {
        std::mem::take(
            &mut *self
                .log
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// A client for `api` with `token`. Builds the agent (TLS set-up waits
    /// for the first `https` request). `roots`: the PEM certificates to
    /// trust instead of Mozilla's (`SSL_CERT_FILE`'s content: a corporate
    /// proxy's CA, a mirror's).
    ///
    /// # Errors
    /// `roots` holds no certificate, or a malformed one.
    pub fn new(api: &ApiUrl, token: &Token, roots: Option<&[u8]>) -> Result<Self, String> {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(pem) = roots {
            let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(cert)) => Some(Ok(cert)),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                })
                .collect::<Result<_, _>>()
                .map_err(|e| format!("not PEM certificates ({e})"))?;
            if certs.is_empty() {
                return Err("no PEM certificate in it".to_owned());
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            // Statuses are the API's answers, read below.
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_mins(1)))
            .tls_config(tls.build())
            .build()
            .into();
        Ok(Client {
            agent,
            base: api.base.clone(),
            authorization: format!("Bearer {}", token.expose()),
            user_agent: format!(
                "securekey/{} (+{})",
                env!("CARGO_PKG_VERSION"),
                env!("CARGO_PKG_REPOSITORY")
            ),
            requests: AtomicU64::new(0),
            log: std::sync::Mutex::default(),
        })
    }

    /// How many requests were sent (retries included).
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// `GET path`: one object.
    ///
    /// # Errors
    /// See [`ApiError`].
    pub fn get(&self, path: &str) -> Result<Answer, ApiError> {
        let (status, answer, _) = self.send(path, None)?;
        if status == 206 {
            return Err(ApiError::Body(format!(
                "{path}: a partial answer to a request for one object"
            )));
        }
        Ok(answer)
    }

    /// `GET path` with `range`, one page: its items and the `Next-Range`
    /// when the answer was partial (`206`).
    ///
    /// # Errors
    /// See [`ApiError`].
    pub fn get_page(
        &self,
        path: &str,
        range: &str,
    ) -> Result<(Vec<Value>, Option<String>, Answer), ApiError> {
        let (status, mut answer, next) = self.send(path, Some(range))?;
        let Value::Array(items) = answer.body.take() else {
            return Err(ApiError::Body(format!("{path}: expected a list")));
        };
        Ok((items, if status == 206 { next } else { None }, answer))
    }

    /// `GET path`: a whole list, following `206` + `Next-Range` to its end.
    ///
    /// # Errors
    /// See [`ApiError`].
    pub fn get_list(&self, path: &str) -> Result<Vec<Value>, ApiError> {
        self.get_list_by(path, "id")
    }

    /// [`Client::get_list`], ranged by `field` (`version` for releases).
    ///
    /// # Errors
    /// See [`ApiError`].
    pub fn get_list_by(&self, path: &str, field: &str) -> Result<Vec<Value>, ApiError> {
        let mut range = format!("{field} ..; {PAGE};");
        let mut all = Vec::new();
        for _ in 0..MAX_PAGES {
            let (items, next, _) = self.get_page(path, &range)?;
            all.extend(items);
            match next {
                Some(next) if !next.is_empty() => range = next,
                _ => return Ok(all),
            }
        }
        Err(ApiError::Body(format!(
            "{path}: more than {MAX_PAGES} pages"
        )))
    }

    /// Sends one request, retrying `429`s: the status (`200` or `206`),
    /// the answer, and `Next-Range`.
    fn send(
        &self,
        path: &str,
        range: Option<&str>,
    ) -> Result<(u16, Answer, Option<String>), ApiError> {
        let url = format!("{}{path}", self.base);
        let mut retries = 0;
        loop {
            let mut request = self
                .agent
                .get(&url)
                .header("Accept", ACCEPT)
                .header("Authorization", &self.authorization)
                .header("User-Agent", &self.user_agent);
            if let Some(range) = range {
                request = request.header("Range", range);
            }
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut response = request.call().map_err(|e| {
                ApiError::Network(format!("cannot reach {}: {}", &self.base, &e.to_string()))
            })?;
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let remaining = header("RateLimit-Remaining");
            self.log(
                tracing::Level::TRACE,
                format!(
                    "platform api: {path}: status={status} ratelimit_remaining={}",
                    remaining.as_deref().unwrap_or("")
                ),
            );
            if status == 429 && retries < MAX_RETRIES {
                retries += 1;
                let wait = retry_after(header("Retry-After").as_deref(), retries);
                self.log(
                    tracing::Level::INFO,
                    format!(
                        "rate limited (429): waiting: {path}: wait_ms={} retry={retries}",
                        wait.as_millis()
                    ),
                );
                std::thread::sleep(wait);
                continue;
            }
            let next = header("Next-Range");
            let date = header("Date").and_then(|d| super::time::parse_http_date(&d));
            let body = response
                .body_mut()
                .with_config()
                .limit(MAX_BODY)
                .read_to_vec()
                .map_err(|e| ApiError::Body(format!("{}: {}", path, &e.to_string())))?;
            if !(200..300).contains(&status) {
                return Err(api_error(status, &body));
            }
            let body: Value = serde_json::from_slice(&body)
                .map_err(|_| ApiError::Body(format!("{path}: the answer is not JSON")))?;
            return Ok((status, Answer { body, date }, next));
        }
    }
}

/// How long to wait before retry `n`: `Retry-After` seconds when the API
/// says (bounded), else 1, 2, 4… seconds.
fn retry_after(header: Option<&str>, n: u32) -> Duration {
    header
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or_else(
            || Duration::from_secs(1 << (n - 1).min(4)),
            Duration::from_secs,
        )
        .min(MAX_WAIT)
}

/// The API's `{id, message}` error body.
fn api_error(status: u16, body: &[u8]) -> ApiError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let field = |name: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(Value::as_str)
            .map(std::string::ToString::to_string)
            .unwrap_or_default()
    };
    ApiError::Status {
        status,
        id: field("id"),
        message: field("message"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_waits_are_bounded() {
        assert_eq!(retry_after(Some("2"), 1), Duration::from_secs(2));
        assert_eq!(retry_after(Some("3600"), 1), MAX_WAIT);
        assert_eq!(retry_after(None, 1), Duration::from_secs(1));
        assert_eq!(retry_after(Some("soon"), 3), Duration::from_secs(4));
    }

    #[test]
    fn errors_are_parsed() {
        let e = api_error(
            403,
            br#"{"id":"two_factor","message":"Two-factor required."}"#,
        );
        assert_eq!(
            e,
            ApiError::Status {
                status: 403,
                id: "two_factor".into(),
                message: "Two-factor required.".into()
            }
        );
        assert_eq!(api_error(502, b"<html>").status(), Some(502));
    }
}
