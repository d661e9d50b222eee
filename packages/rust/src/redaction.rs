//! Every type that holds or names a key shows key ids only, however it is
//! printed: `Debug` (plain and `{:#?}`), `Display`, and the messages of
//! the panics a careless app can cause (`unwrap`, `assert_eq!`). The
//! crate implements no serde traits, so nothing serialises a key but
//! [`KeyFile::to_json`](crate::KeyFile::to_json), on purpose. Judged by
//! the naive oracle (tests/testkit).

use std::hint::black_box;
use std::panic::{UnwindSafe, catch_unwind};

use securekey_testkit::{A, B, C, leak};

use crate::{Error, Key, KeyFile, KeyPair, Slot};

fn key(text: &str) -> Key {
    Key::parse(text.as_bytes()).expect("a fixture key")
}

fn pair() -> KeyPair {
    KeyPair::new(key(A), key(B))
}

fn assert_no_key(what: &str, shown: &str) {
    let leaked = leak(shown.as_bytes(), &[A, B, C]);
    assert!(
        leaked.is_none(),
        "{what}: {}",
        leaked.map(|l| l.to_string()).unwrap_or_default()
    );
}

/// The message of the panic `f` raises.
fn panic_message(f: impl FnOnce() + UnwindSafe) -> String {
    let payload = catch_unwind(f).expect_err("it panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn debug_and_display_of_every_key_type_show_ids_only() {
    let pair = pair();
    let mut file = KeyFile::new();
    file.insert("SECURE_KEY", pair.clone());
    let latest_only = KeyPair::latest_only(key(C));
    let shown = [
        ("Key {:?}", format!("{:?}", pair.latest())),
        ("Key {:#?}", format!("{:#?}", pair.latest())),
        ("Key {}", format!("{}", pair.latest())),
        ("KeyId {:?}", format!("{:?}", pair.latest().id())),
        ("KeyId {}", format!("{}", pair.latest().id())),
        ("KeyPair {:?}", format!("{pair:?}")),
        ("KeyPair {:#?}", format!("{pair:#?}")),
        ("KeyPair {}", format!("{pair}")),
        ("a latest-only KeyPair {:?}", format!("{latest_only:?}")),
        ("KeyFile {:?}", format!("{file:?}")),
        ("KeyFile {:#?}", format!("{file:#?}")),
        ("Slot {:?}", format!("{:?}", pair.verify(B))),
        ("(Key, Key) {:?}", format!("{:?}", pair.both())),
        (
            "Answer {:?}",
            format!("{:?}", crate::client::Answer::Refused(key(A))),
        ),
    ];
    for (what, text) in &shown {
        assert_no_key(what, text);
    }
    assert!(shown[0].1.contains(&pair.latest().id().to_string()));
}

#[test]
fn errors_name_vars_never_keys() {
    let file = KeyFile::new();
    // A key pasted where a var name belongs.
    for err in [
        file.pair(A).err(),
        file.default_pair().err(),
        KeyFile::parse(format!("{{\"version\":1,\"keys\":{{\"{A}\":{{}}}}}}").as_bytes()).err(),
        Some(Error::VarNotSet(B.to_owned())),
        Some(Error::NoDefaultVar(vec![A.to_owned(), B.to_owned()])),
    ] {
        let err = err.expect("an error");
        assert_no_key("Error {}", &err.to_string());
        assert_no_key("Error {:?}", &format!("{err:?}"));
    }
}

#[test]
fn panics_on_key_types_show_ids_only() {
    let messages = [
        (
            "expect_err on Ok(Key)",
            panic_message(|| {
                let found: Result<Key, ()> = black_box(Ok(key(A)));
                found.expect_err("no key");
            }),
        ),
        (
            "expect on Err(KeyPair)",
            panic_message(|| {
                let found: Result<(), KeyPair> = black_box(Err(pair()));
                found.expect("no pair");
            }),
        ),
        (
            "assert_eq! of two keys",
            panic_message(|| assert_eq!(key(A), key(B))),
        ),
        (
            "assert_eq! of two pairs",
            panic_message(|| assert_eq!(pair(), KeyPair::latest_only(key(C)))),
        ),
        (
            "assert_ne! of a key file",
            panic_message(|| {
                let mut file = KeyFile::new();
                file.insert("SECURE_KEY", pair());
                assert_ne!(file.clone(), file);
            }),
        ),
        (
            "expect on a KeyFile error",
            panic_message(|| {
                black_box(KeyFile::new().pair(A).map(|_| ())).expect("a pair");
            }),
        ),
        (
            "assert_eq! of slots",
            panic_message(|| assert_eq!(pair().verify(A), Some(Slot::Previous))),
        ),
    ];
    for (what, message) in &messages {
        assert!(!message.is_empty(), "{what}: no message");
        assert_no_key(what, message);
    }
    assert!(messages[2].1.contains(&key(A).id().to_string()));
}

#[cfg(any(feature = "tower", feature = "axum"))]
#[test]
fn the_middleware_types_show_ids_only() {
    let guard = crate::Guard::new(pair()).send_latest(true);
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::AUTHORIZATION,
        http::HeaderValue::from_str(&format!("Bearer {B}")).expect("a header value"),
    );
    let verified = guard.verify(&headers).expect("the previous key");
    let mut marked = http::HeaderMap::new();
    verified.mark(&mut marked);
    assert!(marked.contains_key(crate::LATEST_HEADER));
    for (what, text) in [
        ("Guard {:?}", format!("{guard:?}")),
        ("Guard {:#?}", format!("{guard:#?}")),
        ("Verified {:?}", format!("{verified:?}")),
        // http prints a sensitive value as "Sensitive".
        ("the response's headers {:?}", format!("{marked:?}")),
    ] {
        assert_no_key(what, &text);
    }
    #[cfg(feature = "tower")]
    assert_no_key("RequireKeyLayer {:?}", &format!("{:?}", guard.layer()));
}
