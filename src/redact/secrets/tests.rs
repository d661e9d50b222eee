//! The secrets rule against the naive oracle (securekey-testkit).

use proptest::prelude::*;
use securekey_testkit::{A, B, BASE36, leak};

use super::*;

fn of(secrets: &[&str]) -> Secrets {
    let mut s = Secrets::new();
    for secret in secrets {
        s.add(secret.as_bytes());
    }
    s
}

#[test]
fn what_holds_no_secret_is_untouched() {
    let s = of(&[&format!("{A},{B}")]);
    for text in [
        "SECURE_KEY",
        "SERVICE_ONE_SECURE_KEY",
        "sleepy-reef-39125",
        "/home/runner/work/_temp/3f2a9c1e-77b0-4d2e-9a1c-0e5f8d7b6a4c/s1.env",
        "/nix/store/0c0f5aq2bdlmnw5sbzjnggg0fd7qmylb-env/s1.json",
        "/root/.cargo/git/checkouts/securekey-1a2b3c4d5e6f7a8b/env",
        "cache/da39a3ee5e6b4b0d3255bfef95601890afd80709/app.env",
        "/tmp/tmp.Xk3PqZ9a1B/app.env",
        "my saved envs/ünïcode 日本.env",
    ] {
        assert!(matches!(s.redact(text), Cow::Borrowed(_)), "{text}");
        assert!(s.mask(text.as_bytes()).is_none(), "{text}");
    }
}

#[test]
fn a_window_of_a_secret_is_redacted_in_any_case() {
    let s = of(&[&format!("{A},{B}")]);
    for text in [
        format!("X_{}_KEY", &A[20..28]),
        format!("path/{}/x", B[3..40].to_ascii_lowercase()),
        // Across the comma: 8 bytes of the value, as written.
        format!("n{}", &format!("{A},{B}")[60..69]),
    ] {
        let out = s.redact(&text);
        assert!(out.contains(REDACTED), "{}", out.len());
        assert_eq!(leak(out.as_bytes(), &[A, B]), None);
    }
}

#[test]
fn a_key_shaped_word_is_redacted_without_being_known() {
    let s = Secrets::new();
    let text = format!("--env-file /tmp/{}/x.env {BASE36}", A.to_ascii_lowercase());
    let out = s.redact(&text);
    assert_eq!(leak(out.as_bytes(), &[A, BASE36]), None);
    assert!(out.starts_with("--env-file /tmp/") && out.ends_with("/x.env [redacted]"));
}

#[test]
fn words_learnt_are_secrets_everywhere() {
    let mut s = Secrets::new();
    s.add_words(format!("/srv/{A}/x.env").as_bytes());
    assert_eq!(s.len(), 1);
    let piece = format!("label-{}", &A[30..40]);
    assert_eq!(leak(s.redact(&piece).as_bytes(), &[A]), None);
}

#[test]
fn the_last_guard_masks_bytes_one_for_one() {
    let s = of(&[A]);
    let out = format!("{{\"var\":\"x{}\"}}", &A[5..30]);
    let masked = s.mask(out.as_bytes()).expect("a window");
    assert_eq!(masked.len(), out.len());
    assert_eq!(leak(&masked, &[A]), None);
    assert!(serde_json::from_slice::<serde_json::Value>(&masked).is_ok());
}

#[test]
fn the_last_guard_keeps_the_reports_colour_codes_and_json_syntax() {
    let secret = "\x1b[1m\x1b[31merror\x1b[0m";
    let s = of(&[secret]);
    let out = "\x1b[1m\x1b[31merror\x1b[0m[key-count] x";
    let masked = s.mask(out.as_bytes()).expect("a window");
    let text = String::from_utf8(masked).unwrap();
    assert!(text.starts_with("\x1b[1m\x1b[31m*****\x1b[0m["), "{text:?}");
    let s = of(&["\",\"var\":\"X_"]);
    let masked = s
        .mask(br#"{"a":"b","var":"X_SECURE_KEY"}"#)
        .expect("a window");
    assert!(serde_json::from_slice::<serde_json::Value>(&masked).is_ok());
    // Found by fuzz/pipeline: a secret holding the report's own literals,
    // and windows across a string's escapes.
    let s = of(&["\"ok\":true,\"keys", "a\\u001bb\\ncd"]);
    let out = br#"{"version":1,"ok":true,"keys":[],"x":"a\u001bb\ncd"}"#;
    let masked = s.mask(out).expect("a window");
    let text = String::from_utf8_lossy(&masked).into_owned();
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_ok(),
        "{text}"
    );
    assert!(text.contains(r#"":true,""#), "{text}");
}

#[test]
fn secrets_with_utf8_stay_utf8() {
    let secret = "ünïcödé-välüé-ünïcödé";
    let s = of(&[secret]);
    let text = format!("a{secret}b");
    let out = s.redact(&text);
    assert_eq!(leak(out.as_bytes(), &[secret]), None);
    let masked = s.mask(format!("x{secret}").as_bytes()).expect("a window");
    assert!(std::str::from_utf8(&masked).is_ok());
}

proptest! {
    /// Whatever the text and the secret, nothing the rule lets through
    /// holds a window of the secret (the oracle's verdict).
    #[test]
    fn redacted_and_masked_text_never_leaks(
        secret in "[0-9A-Fa-f,_ ]{8,80}",
        before in "[ -~]{0,20}",
        cut in 0usize..80,
        after in "[ -~]{0,20}",
    ) {
        let s = of(&[&secret]);
        let cut = cut.min(secret.len());
        let text = format!("{before}{}{after}", &secret[cut..]);
        let redacted = s.redact(&text);
        prop_assert_eq!(leak(redacted.as_bytes(), &[&secret]), None);
        let masked = s.mask(text.as_bytes()).unwrap_or_else(|| text.clone().into_bytes());
        // The last guard leaves punctuation (the output's own syntax): no
        // window that holds a letter or a digit gets through.
        let with_alnum: Vec<&[u8]> = secret
            .as_bytes()
            .windows(8)
            .filter(|w| w.iter().any(u8::is_ascii_alphanumeric))
            .collect();
        prop_assert_eq!(leak(&masked, &with_alnum), None);
    }
}
