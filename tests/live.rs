//! `securekey lint --app/--addon`: the real binary against the Platform API
//! stand-in (tests/platform-api/standin.py, a real HTTP server on
//! 127.0.0.1 serving the fixtures of tests/platform-api/fixtures/world.json).

pub(crate) mod standin;

use std::ffi::OsStr;
use std::path::Path;

use crate::common::{Run, TestEnv, assert_no_leak_of, id};
use standin::StandIn;

const WORLD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/platform-api/fixtures/world.json"
);
const STANDIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/platform-api/standin.py");

/// The seed's keys (examples/service-*.env): C,A is the add-on's pair now,
/// A,B the one before.
const A: &str = crate::common::A;
const B: &str = crate::common::B;
const C: &str = crate::common::C;

pub(crate) fn world() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(WORLD).unwrap()).unwrap()
}

/// Every secret of the world: each key in any app's config, in any release,
/// and the token.
fn secrets() -> Vec<String> {
    let w = world();
    let mut out = vec![w["token"].as_str().unwrap().to_owned()];
    for app in w["apps"].as_object().unwrap().values() {
        for release in app["releases"].as_array().unwrap() {
            for value in release["set"].as_object().unwrap().values() {
                for key in value.as_str().unwrap().split(',') {
                    let hex = key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit());
                    if hex && !out.iter().any(|k| k == key) {
                        out.push(key.to_owned());
                    }
                }
            }
        }
    }
    out
}

/// Asserts that nothing printed holds 8 chars of any secret of the world
/// (before any assertion could print the output).
pub(crate) fn checked(run: Run) -> Run {
    let secrets = secrets();
    let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    assert_no_leak_of(&run.stdout, "stdout", &refs);
    assert_no_leak_of(&run.stderr, "stderr", &refs);
    run
}

/// `(app, check)` of each finding.
fn findings(run: &Run) -> Vec<(String, String)> {
    run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["app"].as_str().unwrap().to_owned(),
                f["check"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, c)| ((*a).to_owned(), (*c).to_owned()))
        .collect()
}

/// The seed: service-1 owns the add-on (rotated 20 days ago on a
/// fortnightly plan), service-2 has it attached, service-3 holds a copy
/// made by hand.
#[test]
fn the_seeds_three_apps() {
    let api = StandIn::start();
    let t = TestEnv::new();
    let run = api.lint(
        &t,
        &[
            "lint",
            "--format",
            "json",
            "--app",
            "service-1",
            "--app",
            "service-2",
            "--app",
            "service-3",
        ],
    );
    // Warnings only.
    run.code(0);
    let out = run.json();
    let keys = out["keys"].as_array().unwrap();
    let got: Vec<(&str, &str, &str)> = keys
        .iter()
        .map(|k| {
            (
                k["app"].as_str().unwrap(),
                k["source"].as_str().unwrap(),
                k["var"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("service-1", "heroku:service-1", "SECURE_KEY"),
            ("service-2", "heroku:service-2", "SERVICE_ONE_SECURE_KEY"),
            ("service-3", "heroku:service-3", "SERVICE_ONE_SECURE_KEY"),
        ]
    );
    assert_eq!(keys[0]["latest_id"], id(C));
    assert_eq!(keys[0]["previous_id"], id(A));
    assert_eq!(keys[2]["latest_id"], id(A));
    assert_eq!(keys[2]["previous_id"], id(B));
    assert_eq!(
        findings(&run),
        pairs(&[
            ("service-3", "copied"),
            ("service-3", "not-attached"),
            ("service-1", "stale-rotation"),
        ])
    );
    let all = out["findings"].as_array().unwrap();
    let not_attached = &all[1]["fix"].as_str().unwrap();
    assert!(
        not_attached.contains(
            "heroku config:unset SERVICE_ONE_SECURE_KEY -a service-3 && heroku addons:attach securekey-solid-14332 --as SERVICE_ONE_SECURE -a service-3"
        ),
        "{not_attached}"
    );
    let stale = all[2]["message"].as_str().unwrap();
    assert!(stale.contains("20 days ago"), "{stale}");
    assert!(stale.contains("securekey:fortnightly"), "{stale}");
    assert_eq!(out["groups"][0]["members"].as_array().unwrap().len(), 2);
    assert!(out.get("notes").is_none());
}

/// Every request carries the API's version, the token as a Bearer
/// credential, and a User-Agent naming securekey and its version; lists
/// are read with a Range.
#[test]
fn the_headers_the_api_receives() {
    let api = StandIn::start();
    let t = TestEnv::new();
    api.lint(&t, &["lint", "--app", "service-1", "--app", "service-2"])
        .code(0);
    let requests = api.requests();
    assert!(requests.len() > 5);
    let agent = format!("securekey/{} ", env!("CARGO_PKG_VERSION"));
    for r in &requests {
        assert_eq!(r["accept"], "application/vnd.heroku+json; version=3");
        assert_eq!(r["authorization"], "Bearer <token>");
        assert!(
            r["user_agent"].as_str().unwrap().starts_with(&agent),
            "{}",
            r["user_agent"]
        );
        let path = r["path"].as_str().unwrap();
        if path.ends_with("/addon-attachments") {
            assert_eq!(r["range"], "id ..; max=1000;");
        }
    }
}

/// An add-on attached to three apps: `--addon` reads its owner and every
/// app it is attached to, its attachment list over two pages (206 +
/// Next-Range), and one app whose attached var was changed by hand.
#[test]
fn an_addon_with_several_attachments() {
    let api = StandIn::start();
    let t = TestEnv::new();
    let run = api.lint(
        &t,
        &[
            "lint",
            "--format",
            "json",
            "--addon",
            "securekey-shiny-2024",
        ],
    );
    run.code(1);
    let apps: Vec<String> = run.json()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["app"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(apps, ["billing-api", "billing-worker", "billing-cron"]);
    assert_eq!(
        findings(&run),
        pairs(&[("billing-cron", "attached-differs")])
    );
    let f = &run.json()["findings"][0];
    assert_eq!(f["severity"], "error");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("billing-api SECURE_KEY")
    );
    // The second page was asked for with the first's Next-Range.
    let pages: Vec<String> = api
        .requests()
        .iter()
        .filter(|r| r["path"] == "/addons/aaaaaaaa-0000-4000-8000-000000002024/addon-attachments")
        .map(|r| r["range"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        pages,
        [
            "id ..; max=1000;",
            "id ]cccccccc-0000-4000-8000-000000000005..; max=2, order=asc;"
        ]
    );
}

/// An add-on whose details are forbidden (another team's): taken for
/// `SecureKey` by its name, and the report says so.
#[test]
fn a_forbidden_addon_falls_back_to_its_name() {
    let api = StandIn::start();
    let t = TestEnv::new();
    let run = api.lint(&t, &["lint", "--format", "json", "--app", "partner-client"]);
    run.code(0);
    let out = run.json();
    assert_eq!(findings(&run), []);
    let notes = out["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    let note = notes[0].as_str().unwrap();
    assert!(note.contains("securekey-other-team-7"), "{note}");
    assert!(note.contains("forbidden"), "{note}");
    assert!(note.contains("by its name (securekey-"), "{note}");
    assert!(
        api.paths()
            .iter()
            .any(|p| p == "/addons/aaaaaaaa-0000-4000-8000-000000000007")
    );
    // The human report says it too.
    let human = api.lint(&t, &["lint", "--app", "partner-client"]);
    human.code(0);
    assert!(human.stdout.contains("note: add-on securekey-other-team-7"));
}

/// A 429 is waited out (Retry-After) and retried; the run goes on.
#[test]
fn rate_limited_requests_are_retried() {
    let api = StandIn::start();
    let t = TestEnv::new();
    api.lint(&t, &["lint", "--app", "service-2"]).code(0);
    let tries = api
        .paths()
        .iter()
        .filter(|p| *p == "/apps/service-2/config-vars")
        .count();
    assert_eq!(tries, 2, "one 429, then the answer");
}

/// When the pair last changed is found by a binary search over the
/// releases, not by reading every one.
#[test]
fn rotation_age_reads_few_releases() {
    let api = StandIn::start();
    let t = TestEnv::new();
    api.lint(&t, &["lint", "--app", "service-1"]).code(0);
    let releases: Vec<String> = api
        .paths()
        .into_iter()
        .filter(|p| p.starts_with("/apps/service-1/releases"))
        .collect();
    // The newest, then log2(8) = 3 configs plus the newest's, then the one
    // release's created_at: 6 of the 8 releases' 17 paths.
    assert_eq!(releases.len(), 6, "{releases:?}");
    assert_eq!(releases[0], "/apps/service-1/releases");
    assert_eq!(releases[5], "/apps/service-1/releases/5");
}

/// Live and saved sources mixed: the live checks are for live apps only.
#[test]
fn live_and_saved_sources_mixed() {
    let api = StandIn::start();
    let t = TestEnv::new();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/service-3.env");
    let saved = format!("service-3={}", seed.display());
    let run = api.lint(
        &t,
        &["lint", "--format", "json", "--app", "service-1", &saved],
    );
    run.code(0);
    let sources: Vec<String> = run.json()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["source"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sources[0], "heroku:service-1");
    assert!(sources[1].ends_with("service-3.env"));
    assert_eq!(
        findings(&run),
        pairs(&[("service-3", "copied"), ("service-1", "stale-rotation")])
    );
}

/// The API's errors are clear one-line messages with exit 2, and never
/// show the token.
#[test]
fn api_errors_exit_2() {
    let api = StandIn::start();
    let t = TestEnv::new();
    let wrong = api.run(
        &t,
        &["lint", "--app", "service-1"],
        &[(
            "HEROKU_API_KEY",
            "HRKU-AAnot0the0token0of0this0world0at0all0zzzzzzzzzzzzzzzz",
        )],
    );
    wrong.code(2);
    assert!(wrong.stderr.contains("unauthorized"), "{}", wrong.stderr);
    assert!(!wrong.stderr.contains("not0the0token"));
    let missing = api.lint(&t, &["lint", "--app", "no-such-app"]);
    missing.code(2);
    assert!(
        missing.stderr.contains("app no-such-app: not found"),
        "{}",
        missing.stderr
    );
    let two_factor = api.lint(&t, &["lint", "--app", "two-factor-app"]);
    two_factor.code(2);
    assert!(
        two_factor
            .stderr
            .contains("two-factor authentication (two_factor)"),
        "{}",
        two_factor.stderr
    );
    let forbidden = api.lint(&t, &["lint", "--app", "partner-app"]);
    forbidden.code(2);
    assert!(
        forbidden.stderr.contains("forbidden"),
        "{}",
        forbidden.stderr
    );
    let not_securekey = api.lint(&t, &["lint", "--addon", "heroku-postgresql-rigid-1234"]);
    not_securekey.code(2);
    assert!(
        not_securekey.stderr.contains("not a SecureKey add-on"),
        "{}",
        not_securekey.stderr
    );
    // No server at all.
    let t2 = TestEnv::new();
    let offline = checked(t2.run_env(
        ["lint", "--app", "service-1"],
        &[
            ("HEROKU_HOST", "http://127.0.0.1:9"),
            ("HEROKU_API_KEY", &api.token),
        ],
    ));
    offline.code(2);
    assert!(
        offline.stderr.contains("cannot reach"),
        "{}",
        offline.stderr
    );
}

/// No token: the error names each source tried. Then ~/.netrc's machine
/// for the custom host.
#[test]
fn the_token_sources() {
    let api = StandIn::start();
    let t = TestEnv::new();
    let none = api.run(&t, &["lint", "--app", "service-1"], &[]);
    none.code(2);
    for tried in [
        "HEROKU_API_KEY (not set)",
        "heroku is not on PATH",
        "~/.netrc (none)",
    ] {
        assert!(none.stderr.contains(tried), "{tried}: {}", none.stderr);
    }
    let machine = api.url.trim_start_matches("http://");
    t.write(
        ".netrc",
        format!("machine api.heroku.com\n  password other\nmachine {machine}\n  login me@example.com\n  password {}\n", api.token),
    );
    let netrc = api.run(&t, &["lint", "-v", "--app", "service-3"], &[]);
    netrc.code(0);
    assert!(
        netrc.stderr.contains("token_from=\"~/.netrc\""),
        "{}",
        netrc.stderr
    );
}

/// At the highest log level, nothing printed holds a key or the token
/// (`checked` asserts it on every run; here with every log line on).
#[test]
fn nothing_leaks_at_trace() {
    let api = StandIn::start();
    let t = TestEnv::new();
    let apps = [
        "service-1",
        "service-2",
        "service-3",
        "billing-api",
        "billing-cron",
        "partner-client",
    ];
    let mut args = vec!["lint", "-vv"];
    for app in &apps {
        args.extend(["--app", app]);
    }
    for format in ["human", "json"] {
        let mut with = args.clone();
        with.extend(["--format", format]);
        let run = api.run(
            &t,
            &with,
            &[("HEROKU_API_KEY", &api.token), ("SECUREKEY_LOG", "trace")],
        );
        run.code(1);
        assert!(run.stderr.contains("TRACE"), "trace logging is on");
        assert!(run.stderr.contains("platform api"));
    }
}

/// Over TLS (rustls): a server whose CA is not among Mozilla's is refused;
/// trusted through `SSL_CERT_FILE`, it is read like any other.
#[test]
fn https_with_rustls() {
    let (api, ca) = StandIn::start_tls();
    let t = TestEnv::new();
    let untrusted = api.lint(&t, &["lint", "--app", "service-3"]);
    untrusted.code(2);
    assert!(
        untrusted.stderr.contains("cannot reach https://127.0.0.1:"),
        "{}",
        untrusted.stderr
    );
    assert!(api.requests().is_empty(), "no request got through");
    let ca = ca.to_str().unwrap();
    let trusted = api.run(
        &t,
        &["lint", "--format", "json", "--app", "service-3"],
        &[("HEROKU_API_KEY", &api.token), ("SSL_CERT_FILE", ca)],
    );
    trusted.code(0);
    assert_eq!(findings(&trusted), pairs(&[("service-3", "not-attached")]));
    let not_pem = t.write("not.pem", "hello");
    let bad = api.run(
        &t,
        &["lint", "--app", "service-3"],
        &[
            ("HEROKU_API_KEY", &api.token),
            ("SSL_CERT_FILE", not_pem.to_str().unwrap()),
        ],
    );
    bad.code(2);
    assert!(bad.stderr.contains("no PEM certificate"), "{}", bad.stderr);
}

/// A server that lists releases oldest first whatever the Range asks: the
/// newest is found from the whole list, and the pair's age is the same.
#[test]
fn a_release_list_not_newest_first() {
    let api = StandIn::start_with(&[OsStr::new("--ignore-order")], "http");
    let t = TestEnv::new();
    let run = api.lint(&t, &["lint", "--format", "json", "--app", "service-1"]);
    run.code(0);
    assert_eq!(findings(&run), pairs(&[("service-1", "stale-rotation")]));
    let stale = run.json()["findings"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(stale.contains("20 days ago (release v5)"), "{stale}");
    let ranges: Vec<String> = api
        .requests()
        .iter()
        .filter(|r| r["path"] == "/apps/service-1/releases")
        .map(|r| r["range"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ranges[..2],
        ["version ..; max=1, order=desc;", "version ..; max=1000;"]
    );
}
