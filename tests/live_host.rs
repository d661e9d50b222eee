//! Where `lint --app` sends the token: `HEROKU_HOST` parsed by a URL parser
//! and held to Heroku's domains and this machine (hostile values refused
//! before any request), never a redirect followed, `heroku auth:token`
//! bounded in time and output, and `HRKU-` tokens secret wherever they
//! appear. Against the Platform API stand-in, which also answers as an
//! HTTP proxy would be asked: with `HTTP_PROXY`/`HTTPS_PROXY` pointing at
//! it, its log shows every host the binary tried to reach.

use std::os::unix::fs::PermissionsExt;

use crate::common::{TestEnv, assert_no_leak_of, run_with_deadline};
use crate::live::standin::StandIn;
use crate::live::{checked, world};

/// `lint --app service-1` with `HEROKU_HOST=host`, every request going
/// through the stand-in as a proxy.
fn through_proxy(api: &StandIn, t: &TestEnv, host: &str, args: &[&str]) -> crate::common::Run {
    let mut all = vec!["lint", "--app", "service-1"];
    all.extend_from_slice(args);
    checked(t.run_env(
        &all,
        &[
            ("HEROKU_HOST", host),
            ("HEROKU_API_KEY", &api.token),
            ("HTTP_PROXY", &api.url),
            ("HTTPS_PROXY", &api.url),
        ],
    ))
}

/// Each hostile value of issue 27: exit 2 with a message naming
/// `HEROKU_HOST`, its password never shown (at `-v` neither, nor in JSON),
/// and no request anywhere: the old hand-made cut sent the token to
/// `evil.example`, or in clear text to api.heroku.com.
#[test]
fn hostile_heroku_hosts_send_nothing() {
    let api = StandIn::start();
    let t = TestEnv::new();
    for host in [
        "http://evil.example?.heroku.com",
        "http://evil.example#.heroku.com",
        "#.heroku.com",
        "https://evil.example?@api.heroku.com",
        "http://api.heroku.com",
        "https://deploy:Pa55w0rdQz@api.heroku.com",
        "evil.example",
    ] {
        for args in [&["-v"][..], &["--format", "json"][..]] {
            let run = through_proxy(&api, &t, host, args);
            assert_no_leak_of(&run.stdout, "stdout", &["Pa55w0rdQz"]);
            assert_no_leak_of(&run.stderr, "stderr", &["Pa55w0rdQz"]);
            run.code(2);
            let said = if args[0] == "-v" {
                run.stderr.clone()
            } else {
                let error = &run.json()["error"];
                assert_eq!(error["kind"], "config", "{host}");
                error["message"].as_str().unwrap().to_owned()
            };
            assert!(said.contains("HEROKU_HOST="), "{host}: {said}");
            assert!(api.requests().is_empty(), "{host}: {:?}", api.requests());
        }
    }
    let run = through_proxy(&api, &t, "https://deploy:Pa55w0rdQz@api.heroku.com", &[]);
    assert!(
        run.stderr
            .contains("HEROKU_HOST=https://***@api.heroku.com: "),
        "{}",
        run.stderr
    );
}

/// Heroku's own hosts are accepted, by the CLI's rule (a bare host gets
/// `https://api.` in front): the only request is the proxy's tunnel to
/// that host on 443, which the stand-in refuses (so, exit 2).
#[test]
fn heroku_hosts_go_to_heroku_over_tls() {
    let api = StandIn::start();
    let t = TestEnv::new();
    for (host, target) in [
        ("https://api.heroku.com", "api.heroku.com:443"),
        ("heroku.com", "api.heroku.com:443"),
        ("api.heroku.com", "api.api.heroku.com:443"),
        (
            "https://api.staging.herokudev.com/",
            "api.staging.herokudev.com:443",
        ),
    ] {
        let before = api.requests().len();
        through_proxy(&api, &t, host, &[]).code(2);
        let tried: Vec<(String, String)> = api.requests()[before..]
            .iter()
            .map(|r| {
                (
                    r["method"].as_str().unwrap().to_owned(),
                    r["path"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(tried, [("CONNECT".to_owned(), target.to_owned())], "{host}");
    }
}

/// This machine, over http, by each of its names the stand-in answers on.
#[test]
fn loopback_hosts_are_read() {
    let api = StandIn::start();
    let t = TestEnv::new();
    let port = api.url.rsplit(':').next().unwrap();
    for host in [
        format!("http://127.0.0.1:{port}"),
        format!("http://127.0.0.1:{port}/"),
        format!("http://localhost:{port}"),
        format!("HTTP://LOCALHOST:{port}"),
    ] {
        let run = api.run(
            &t,
            &["lint", "--app", "service-3"],
            &[("HEROKU_HOST", &host), ("HEROKU_API_KEY", &api.token)],
        );
        if host.starts_with("HTTP:") {
            // Not `http…` by the CLI's rule: a bare host, so
            // `https://api.HTTP://…`, which is no URL.
            run.code(2);
        } else {
            run.code(0);
        }
    }
}

/// A redirect is never followed: the server it points to receives nothing
/// (ureq would drop the token on the way, but asking there at all is not
/// ours to do).
#[test]
fn a_redirect_is_not_followed() {
    let elsewhere = StandIn::start();
    let api = StandIn::start_mode(&format!("redirect:{}", elsewhere.url));
    let t = TestEnv::new();
    let run = api.lint(&t, &["lint", "--app", "service-1"]);
    run.code(2);
    assert!(run.stderr.contains("307"), "{}", run.stderr);
    assert_eq!(api.requests().len(), 1);
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );
}

/// A fake `heroku` on PATH whose `auth:token` runs `script`.
fn fake_heroku(t: &TestEnv, script: &str) -> String {
    let bin = t.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let heroku = bin.join("heroku");
    std::fs::write(&heroku, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&heroku, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!("{}:/usr/bin:/bin", bin.display())
}

/// `heroku auth:token` that prints without end: stopped at 64 KiB, exit 2
/// naming the command, within 256 MiB of address space (the old read had
/// no end, and aborted at the limit).
#[test]
fn an_endless_heroku_auth_token_is_stopped() {
    let api = StandIn::start();
    let t = TestEnv::new();
    let path = fake_heroku(&t, "exec yes HRKU-AAendless0token0text0000000000");
    let mut cmd = t.cmd_limited(["lint", "--app", "service-1"], 256 * 1024);
    cmd.env("PATH", &path).env("HEROKU_HOST", &api.url);
    let out = run_with_deadline(&mut cmd, None);
    assert_eq!(
        (out.code, out.signal),
        (Some(2), None),
        "{}",
        out.stderr_text()
    );
    let err = out.stderr_text();
    assert!(
        err.contains("`heroku auth:token` printed more than 64 KiB"),
        "{err}"
    );
    assert!(api.requests().is_empty());
}

/// `heroku auth:token` that never answers: stopped after 10 s, exit 2
/// naming the command (the old lookup waited forever). The limit is not a
/// setting: a test waits it out once, rather than the product growing a
/// knob only tests would turn.
#[test]
fn a_silent_heroku_auth_token_is_stopped() {
    let api = StandIn::start();
    let t = TestEnv::new();
    let path = fake_heroku(&t, "exec sleep 1000");
    let mut cmd = t.cmd(["lint", "--app", "service-1"]);
    cmd.env("PATH", &path).env("HEROKU_HOST", &api.url);
    let out = run_with_deadline(&mut cmd, None);
    assert!(!out.timed_out, "still waiting after a minute");
    assert_eq!(out.code, Some(2), "{}", out.stderr_text());
    let err = out.stderr_text();
    assert!(
        err.contains("`heroku auth:token` did not finish within 10 s"),
        "{err}"
    );
    assert!(api.requests().is_empty());
}

/// A working fake `heroku auth:token` (a warning line, then the token)
/// still gives the token.
#[test]
fn heroku_auth_token_still_works() {
    let api = StandIn::start();
    let t = TestEnv::new();
    let path = fake_heroku(
        &t,
        &format!("echo 'Warning: a newer CLI'; echo '{}'", api.token),
    );
    let run = api.run(
        &t,
        &["lint", "-v", "--app", "service-3"],
        &[("PATH", &path)],
    );
    run.code(0);
    assert!(
        run.stderr.contains("token_from=\"heroku auth:token\""),
        "{}",
        run.stderr
    );
}

/// An `HRKU-` token that is not the run's own is still a secret: in an
/// argument, in a setting, and in an API error's body.
#[test]
fn hrku_tokens_are_secret_anywhere() {
    // Not key-shaped in any run of letters and digits: only the HRKU rule
    // knows it.
    let other = "HRKU-01234567-89ab-cdef-0123-456789abcdef";
    let t = TestEnv::new();
    let arg = t.run(["check", "--env-file", other]);
    arg.code(2);
    let setting = t.run_env(["check"], &[("SECUREKEY_REQUIRE", other)]);
    let api = StandIn::start_mode(&format!("attachments-error:{other}"));
    let body = api.lint(&t, &["lint", "--app", "service-1"]);
    body.code(2);
    assert!(body.stderr.contains("backend failure"), "{}", body.stderr);
    for run in [&arg, &setting, &body] {
        assert_no_leak_of(&run.stdout, "stdout", &[other]);
        assert_no_leak_of(&run.stderr, "stderr", &[other]);
    }
    assert!(world()["token"].as_str().unwrap().starts_with("HRKU-"));
}
