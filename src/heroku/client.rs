//! A blocking HTTP client for the Platform API v3 (ureq, TLS by rustls):
//! the headers every request carries, `Range`/`Next-Range` paging to the
//! end of a list, bounded retries on `429`, and the API's `{id, message}`
//! errors. One agent, shared by the worker threads (ureq's `Agent` is a
//! connection pool behind an `Arc`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;
use serde_json::value::RawValue;

use crate::env::{self, Var};
use crate::input;

use super::ApiBase;
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

/// Largest answer that is one object (an add-on, a release: a few KB),
/// and largest item of a list: parsed into a tree, which takes several
/// times its size.
const MAX_OBJECT: usize = 1024 * 1024;

/// What the read keeps of the API's answers, across all their pages and
/// threads: at most what one saved environment may hold
/// ([`input::MAX_INPUT_BYTES`] bytes, [`input::MAX_VARS`] vars or items).
/// Heroku caps an app's config at 64 KiB, so 500 apps fit many times over;
/// past it the read stops (exit 2), and memory stays under a dyno's 512 MiB
/// whatever the API sends.
#[derive(Debug, Default)]
struct Kept {
    bytes: u64,
    items: usize,
}

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
    /// More than the read keeps ([`input::MAX_INPUT_BYTES`] bytes or
    /// [`input::MAX_VARS`] vars or items): what was passed.
    TooMuch(String),
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

/// One answer as received: its status (`200`, `206`), body, `Date` (in
/// seconds since the epoch) and `Next-Range`.
struct Sent {
    status: u16,
    body: Vec<u8>,
    date: Option<i64>,
    next: Option<String>,
}

/// One page read: the `Next-Range` of a `206`, the answer's date, and how
/// many bytes and items it held.
struct Page {
    next: Option<String>,
    date: Option<i64>,
    bytes: usize,
    items: usize,
}

/// The Platform API client.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    authorization: String,
    user_agent: String,
    requests: AtomicU64,
    /// What the read keeps so far ([`Kept`]).
    kept: std::sync::Mutex<Kept>,
    /// Held while a config is parsed: one at a time, as a saved lint reads
    /// one file at a time (a million vars are about 150 MiB while parsed).
    parsing: std::sync::Mutex<()>,
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
    pub fn new(api: &ApiBase, token: &Token, roots: Option<&[u8]>) -> Result<Self, String> {
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
            // The API never redirects a GET. A redirect is an answer like
            // any other (an error below), never followed: ureq would drop
            // the token on the way, but the next host is no place to ask.
            .max_redirects(0)
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
            kept: std::sync::Mutex::default(),
            parsing: std::sync::Mutex::default(),
            log: std::sync::Mutex::default(),
        })
    }

    /// How many requests were sent (retries included).
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// `GET path`: one object (at most [`MAX_OBJECT`] bytes).
    ///
    /// # Errors
    /// See [`ApiError`].
    pub fn get(&self, path: &str) -> Result<Answer, ApiError> {
        let Sent {
            status, body, date, ..
        } = self.send(path, None)?;
        if status == 206 {
            return Err(ApiError::Body(format!(
                "{path}: a partial answer to a request for one object"
            )));
        }
        if body.len() > MAX_OBJECT {
            return Err(ApiError::Body(format!(
                "{path}: an object of more than {} KiB",
                MAX_OBJECT / 1024
            )));
        }
        let body = serde_json::from_slice(&body).map_err(|_| not_json(path))?;
        Ok(Answer { body, date })
    }

    /// `GET path`: a config (`/apps/{app}/config-vars`, a release's), by
    /// the rules of a saved `heroku config --json` ([`env::parse_heroku_json`]:
    /// strings or null, at most [`input::MAX_VARS`] vars). `keep`: the vars
    /// are kept for the run, and count towards what the read keeps.
    ///
    /// # Errors
    /// See [`ApiError`]; a value that is not a string is [`ApiError::Body`]
    /// with the saved parser's words.
    pub fn get_config(&self, path: &str, keep: bool) -> Result<(Vec<Var>, Answer), ApiError> {
        let Sent {
            status, body, date, ..
        } = self.send(path, None)?;
        if status == 206 {
            return Err(ApiError::Body(format!(
                "{path}: a partial answer to a request for one object"
            )));
        }
        if keep {
            self.keep(path, body.len(), env::heroku_json::top_level_entries(&body))?;
        }
        let _one_at_a_time = self
            .parsing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let vars = env::parse_heroku_json(&body).map_err(|e| {
            if e.too_many_vars {
                too_much(path, "vars")
            } else {
                ApiError::Body(format!("{path}: {}", e.reason))
            }
        })?;
        Ok((
            vars,
            Answer {
                body: Value::Null,
                date,
            },
        ))
    }

    /// Counts `bytes` and `items` towards what the read keeps.
    fn keep(&self, path: &str, bytes: usize, items: usize) -> Result<(), ApiError> {
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.bytes += bytes as u64;
        kept.items += items;
        if kept.bytes > input::MAX_INPUT_BYTES {
            return Err(too_much(path, "bytes"));
        }
        if kept.items > input::MAX_VARS {
            return Err(too_much(path, "vars"));
        }
        Ok(())
    }

    /// `GET path` with `range`, one page: its items and the `Next-Range`
    /// when the answer was partial (`206`).
    ///
    /// # Errors
    /// See [`ApiError`]; a `206` without `Next-Range` is [`ApiError::Body`]
    /// (a list the server marked partial, with no way to its end).
    pub fn get_page(
        &self,
        path: &str,
        range: &str,
    ) -> Result<(Vec<Value>, Option<String>, Answer), ApiError> {
        let mut items = Vec::new();
        let page = self.page(path, range, &mut |v| {
            items.push(v);
            Ok(())
        })?;
        let answer = Answer {
            body: Value::Null,
            date: page.date,
        };
        Ok((items, page.next, answer))
    }

    /// One page, each item handed to `each` as it is parsed (the page is
    /// never one tree): the `Next-Range` of a `206`, the answer's date and
    /// how many bytes and items the page held.
    fn page(
        &self,
        path: &str,
        range: &str,
        each: &mut dyn FnMut(Value) -> Result<(), ApiError>,
    ) -> Result<Page, ApiError> {
        let Sent {
            status,
            body,
            date,
            next,
        } = self.send(path, Some(range))?;
        let items: Vec<&RawValue> = serde_json::from_slice(&body)
            .map_err(|_| ApiError::Body(format!("{path}: expected a list")))?;
        let count = items.len();
        for item in items {
            if item.get().len() > MAX_OBJECT {
                return Err(ApiError::Body(format!(
                    "{path}: an item of more than {} KiB",
                    MAX_OBJECT / 1024
                )));
            }
            each(serde_json::from_str(item.get()).map_err(|_| not_json(path))?)?;
        }
        let next = match (status, next) {
            (206, Some(next)) if !next.is_empty() => Some(next),
            (206, _) => {
                return Err(ApiError::Body(format!(
                    "{path}: a partial list (206) without a Next-Range to the rest"
                )));
            }
            _ => None,
        };
        Ok(Page {
            next,
            date,
            bytes: body.len(),
            items: count,
        })
    }

    /// `GET path`: a whole list, following `206` + `Next-Range` to its end.
    ///
    /// # Errors
    /// See [`ApiError`].
    pub fn get_list(&self, path: &str) -> Result<Vec<Value>, ApiError> {
        self.get_list_of(path, "id", false, Some)
    }

    /// A whole list, ranged by `field` (`version` for releases), each item
    /// mapped by `f` as its page is read (what is not needed is not kept).
    /// One list reads at most [`input::MAX_INPUT_BYTES`] bytes and
    /// [`input::MAX_VARS`] items across its pages; `keep`: its pages count
    /// towards what the whole read keeps, too.
    ///
    /// # Errors
    /// See [`ApiError`].
    pub fn get_list_of<T>(
        &self,
        path: &str,
        field: &str,
        keep: bool,
        f: impl Fn(Value) -> Option<T>,
    ) -> Result<Vec<T>, ApiError> {
        let mut range = format!("{field} ..; {PAGE};");
        let mut all = Vec::new();
        let (mut bytes, mut items) = (0u64, 0usize);
        for _ in 0..MAX_PAGES {
            let Page {
                next,
                bytes: b,
                items: n,
                ..
            } = self.page(path, &range, &mut |v| {
                all.extend(f(v));
                Ok(())
            })?;
            bytes += b as u64;
            items += n;
            if bytes > input::MAX_INPUT_BYTES {
                return Err(too_much(path, "bytes"));
            }
            if items > input::MAX_VARS {
                return Err(too_much(path, "items"));
            }
            if keep {
                self.keep(path, b, n)?;
            }
            match next {
                Some(next) => range = next,
                None => return Ok(all),
            }
        }
        Err(ApiError::Body(format!(
            "{path}: more than {MAX_PAGES} pages"
        )))
    }

    /// Sends one request, retrying `429`s: the status (`200` or `206`),
    /// the answer, and `Next-Range`.
    fn send(&self, path: &str, range: Option<&str>) -> Result<Sent, ApiError> {
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
                .map_err(|e| match e {
                    ureq::Error::BodyExceedsLimit(_) => ApiError::TooMuch(format!(
                        "{path}: an answer of more than {} MiB, the most securekey reads in one",
                        MAX_BODY / 1024 / 1024
                    )),
                    e => ApiError::Body(format!("{path}: {e}")),
                })?;
            if !(200..300).contains(&status) {
                return Err(api_error(status, &body));
            }
            return Ok(Sent {
                status,
                body,
                date,
                next,
            });
        }
    }
}

fn not_json(path: &str) -> ApiError {
    ApiError::Body(format!("{path}: the answer is not JSON"))
}

/// Past what the read keeps.
fn too_much(path: &str, what: &str) -> ApiError {
    let cap = if what == "bytes" {
        format!("{} MiB", input::MAX_INPUT_BYTES / 1024 / 1024)
    } else {
        format!("{} {what}", input::MAX_VARS)
    };
    ApiError::TooMuch(format!(
        "{path}: the Heroku Platform API sent more than {cap}, the most securekey reads from one environment (and from one live read in all); a Heroku app's config vars are at most 64 KB"
    ))
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
