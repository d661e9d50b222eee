//! The tower layer, the axum extractor and the client helper through a
//! real axum server on 127.0.0.1 and a real HTTP client (ureq): the
//! protocol's rows (docs/using-the-keys.md, "The rotation protocol"), the
//! ones tests/packages/{node,python}/test.sh play against their servers.

// The crate's other dev-dependencies are for its unit tests.
#![allow(unused_crate_dependencies)]

use std::net::TcpListener;

use axum::Router;
use axum::extract::Extension;
use axum::routing::get;
use securekey::client::{Answer, authorization, present, present_async};
use securekey::{Guard, Key, KeyPair, Verified};
use securekey_testkit::{A, B, C, D, leak};

fn key(text: &str) -> Key {
    Key::parse(text.as_bytes()).expect("a fixture key")
}

fn pair(latest: &str, previous: &str) -> KeyPair {
    KeyPair::new(key(latest), key(previous))
}

/// Serves `router` on 127.0.0.1 from a thread of its own. The socket is
/// bound before this returns, so a request never races the server's start.
fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port on 127.0.0.1");
    listener
        .set_nonblocking(true)
        .expect("a nonblocking socket");
    let address = listener.local_addr().expect("the bound address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio's listener");
            axum::serve(listener, router)
                .await
                .expect("the server runs");
        });
    });
    format!("http://{address}")
}

/// A response, as the tests look at it.
#[derive(Debug)]
struct Got {
    status: u16,
    slot: Option<String>,
    latest: Option<String>,
    challenge: Option<String>,
    cache: Option<String>,
    body: String,
    /// Every header and the body, for the leak oracle.
    whole: String,
}

fn request(url: &str, headers: &[(&str, &str)]) -> Result<Got, ureq::Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut request = agent.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.call()?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (slot, latest) = (header("securekey-slot"), header("securekey-latest"));
    let (challenge, cache) = (header("www-authenticate"), header("cache-control"));
    let mut whole = format!("{:?}", response.headers());
    for value in response.headers().values() {
        whole.push_str(&String::from_utf8_lossy(value.as_bytes()));
    }
    let body = response.body_mut().read_to_string()?;
    whole.push_str(&body);
    Ok(Got {
        status: response.status().as_u16(),
        slot,
        latest,
        challenge,
        cache,
        body,
        whole,
    })
}

fn get_with(url: &str, headers: &[(&str, &str)]) -> Got {
    request(url, headers).expect("the server answers")
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

async fn hello(Extension(verified): Extension<Verified>) -> String {
    format!("hello, {} key\n", verified.slot())
}

/// The server behind the layer: the pair A,B, `/health` public.
fn layered(guard: &Guard) -> Router {
    Router::new()
        .route("/", get(hello))
        .route("/health", get(|| async { "ok\n" }))
        .layer(guard.clone().public_path("/health").layer())
}

/// The server with the extractor on `/` alone (per route); no layer.
fn extracting(guard: Guard) -> Router {
    Router::new()
        .route(
            "/",
            get(|verified: Verified| async move {
                let body = format!("hello, {} key\n", verified.slot());
                (verified, body)
            }),
        )
        .route("/health", get(|| async { "ok\n" }))
        .with_state(guard)
}

const REFUSED: &str = "a valid key is required (Authorization: Bearer <key>)\n";

/// The protocol's rows against one server: (what, headers, path, status,
/// body, Securekey-Slot).
// A table, one row a line: longer than a function, and its tuple is its
// own documentation.
#[allow(clippy::too_many_lines, clippy::type_complexity)]
fn protocol_rows(base: &str) {
    let (a, b, c) = (bearer(A), bearer(B), bearer(C));
    let lower = bearer(&A.to_ascii_lowercase());
    let whole_pair = bearer(&format!("{A},{B}"));
    let (basic, token) = (format!("Basic {A}"), format!("Token {A}"));
    let lowercase_scheme = format!("bearer {A}");
    let rows: Vec<(&str, Vec<(&str, &str)>, String, u16, &str, Option<&str>)> = vec![
        (
            "the latest key",
            vec![("Authorization", a.as_str())],
            "/".into(),
            200,
            "hello, latest key\n",
            None,
        ),
        (
            "the previous key",
            vec![("Authorization", b.as_str())],
            "/".into(),
            200,
            "hello, previous key\n",
            Some("previous"),
        ),
        (
            "the scheme in lowercase",
            vec![("Authorization", lowercase_scheme.as_str())],
            "/".into(),
            200,
            "hello, latest key\n",
            None,
        ),
        (
            "an unknown key",
            vec![("Authorization", c.as_str())],
            "/".into(),
            401,
            REFUSED,
            None,
        ),
        (
            "no Authorization header",
            vec![],
            "/".into(),
            401,
            REFUSED,
            None,
        ),
        (
            "the latest key under Basic",
            vec![("Authorization", basic.as_str())],
            "/".into(),
            401,
            REFUSED,
            None,
        ),
        (
            "the latest key under Token",
            vec![("Authorization", token.as_str())],
            "/".into(),
            401,
            REFUSED,
            None,
        ),
        (
            "the latest key with no scheme",
            vec![("Authorization", A)],
            "/".into(),
            401,
            REFUSED,
            None,
        ),
        (
            "the latest key in lowercase",
            vec![("Authorization", lower.as_str())],
            "/".into(),
            401,
            REFUSED,
            None,
        ),
        (
            "the whole pair LATEST,PREVIOUS",
            vec![("Authorization", whole_pair.as_str())],
            "/".into(),
            401,
            REFUSED,
            None,
        ),
        (
            "the latest key as a query parameter",
            vec![],
            format!("/?key={A}"),
            401,
            REFUSED,
            None,
        ),
        (
            "two headers: latest, then unknown",
            vec![("Authorization", a.as_str()), ("Authorization", c.as_str())],
            "/".into(),
            401,
            REFUSED,
            None,
        ),
        (
            "two headers: unknown, then latest",
            vec![("Authorization", c.as_str()), ("Authorization", a.as_str())],
            "/".into(),
            401,
            REFUSED,
            None,
        ),
        (
            "two headers: latest twice",
            vec![("Authorization", a.as_str()), ("Authorization", a.as_str())],
            "/".into(),
            401,
            REFUSED,
            None,
        ),
        (
            "a public path, no key",
            vec![],
            "/health".into(),
            200,
            "ok\n",
            None,
        ),
    ];
    for (what, headers, path, status, body, slot) in rows {
        let got = get_with(&format!("{base}{path}"), &headers);
        // Messages name the row, never a key (the headers hold them).
        assert_eq!(got.status, status, "{what}: status");
        assert_eq!(got.body, body, "{what}: body");
        assert_eq!(got.slot.as_deref(), slot, "{what}: Securekey-Slot");
        assert_eq!(got.latest, None, "{what}: no Securekey-Latest by default");
        if status == 401 {
            assert_eq!(
                got.challenge.as_deref(),
                Some("Bearer realm=\"securekey\""),
                "{what}"
            );
            assert_eq!(
                got.cache.as_deref(),
                Some("no-store"),
                "{what}: Cache-Control"
            );
        }
        let leaked = leak(got.whole.as_bytes(), &[A, B, C]);
        assert!(
            leaked.is_none(),
            "{what}: the response {}",
            leaked.map(|l| l.to_string()).unwrap_or_default()
        );
    }
}

#[test]
fn the_layer_answers_the_protocol_rows() {
    let base = serve(layered(&Guard::new(pair(A, B))));
    protocol_rows(&base);
    // Public is the exact path: what is under it needs a key.
    let got = get_with(&format!("{base}/health/x"), &[]);
    assert_eq!((got.status, got.body.as_str()), (401, REFUSED));
}

#[test]
fn the_extractor_answers_the_protocol_rows() {
    // Per route: /health takes no extractor, and is public.
    protocol_rows(&serve(extracting(Guard::new(pair(A, B)))));
}

/// `send_latest`: the latest key on previous-key responses only.
fn send_latest_rows(base: &str) {
    let previous = get_with(&format!("{base}/"), &[("Authorization", &bearer(B))]);
    assert_eq!(previous.status, 200);
    assert_eq!(previous.slot.as_deref(), Some("previous"));
    assert!(
        previous.latest.as_deref() == Some(A),
        "Securekey-Latest is not the latest key"
    );
    assert_eq!(previous.cache.as_deref(), Some("no-store"));
    let latest = get_with(&format!("{base}/"), &[("Authorization", &bearer(A))]);
    assert_eq!(
        (latest.status, latest.slot, latest.latest),
        (200, None, None)
    );
    let refused = get_with(&format!("{base}/"), &[("Authorization", &bearer(C))]);
    assert_eq!((refused.status, refused.latest), (401, None));
}

#[test]
fn send_latest_hands_the_latest_key_to_previous_key_requests_only() {
    let guard = Guard::new(pair(A, B)).send_latest(true);
    send_latest_rows(&serve(layered(&guard)));
    send_latest_rows(&serve(extracting(guard)));
}

/// What one client run did: the final status, its Securekey-Slot, and how
/// many requests it sent.
fn run_client(base: &str, client: &KeyPair) -> (u16, Option<String>, usize) {
    let mut attempts = 0;
    let got = present(client, |key| {
        attempts += 1;
        let got = request(
            &format!("{base}/"),
            &[("Authorization", &authorization(key))],
        )?;
        Ok::<_, ureq::Error>(Answer::by_status(got.status, got))
    })
    .expect("the server answers");
    (got.status, got.slot, attempts)
}

#[test]
fn the_client_retries_once_with_the_previous_key() {
    // The server is at A,B.
    let base = serve(layered(&Guard::new(pair(A, B))));
    // The same pair: one request.
    assert_eq!(run_client(&base, &pair(A, B)), (200, None, 1));
    // One rotation ahead (C,A): C is refused, A goes through.
    assert_eq!(run_client(&base, &pair(C, A)), (200, None, 2));
    // One rotation behind (B,D): B is the server's previous key.
    assert_eq!(
        run_client(&base, &pair(B, D)),
        (200, Some("previous".into()), 1)
    );
    // Neither key: two requests, the final 401.
    assert_eq!(run_client(&base, &pair(D, C)), (401, None, 2));
    // No previous key (the add-on's NEW,): one request, the 401.
    assert_eq!(
        run_client(&base, &KeyPair::latest_only(key(D))),
        (401, None, 1)
    );
}

#[test]
fn the_async_client_retries_once_with_the_previous_key() {
    let base = serve(extracting(Guard::new(pair(A, B))));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let mut sent = Vec::new();
    let got = runtime.block_on(present_async(&pair(C, A), |key| {
        sent.push(key.id());
        let url = format!("{base}/");
        async move {
            // A blocking client inside the future: enough for a test.
            let got = request(&url, &[("Authorization", &authorization(&key))])?;
            Ok::<_, ureq::Error>(Answer::by_status(got.status, got))
        }
    }));
    let got = got.expect("the server answers");
    assert_eq!(
        (got.status, got.body.as_str()),
        (200, "hello, latest key\n")
    );
    assert_eq!(sent, [key(C).id(), key(A).id()]);
}
