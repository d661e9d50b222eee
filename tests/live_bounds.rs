//! The live read bounded like a saved one, whatever the API sends: one
//! byte cap and one var cap ([`input::MAX_INPUT_BYTES`], `MAX_VARS`) for
//! what it keeps, across all pages; a partial list without its
//! `Next-Range` refused; a failure midway still keeping what it received
//! secret; and the saved parser's value rule for a live config. Each run
//! of the binary against a hostile stand-in mode is measured by GNU time:
//! peak RSS under 512 MiB, and no signal.

use std::process::Command;

use crate::common::{Run, TestEnv};
use crate::live::checked;
use crate::live::standin::StandIn;

/// A standard dyno's memory.
const DYNO_KIB: u64 = 512 * 1024;

/// `securekey ARGS` against `api`, under GNU time: the run and its peak
/// RSS in KiB. Asserts it ended on no signal.
fn measured(api: &StandIn, t: &TestEnv, args: &[&str]) -> (Run, u64) {
    let rss = t.path().join("rss");
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss)
        .arg(TestEnv::bin())
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", t.path())
        .env("HEROKU_HOST", &api.url)
        .env("HEROKU_API_KEY", &api.token)
        .current_dir(t.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("GNU time (scripts/setup installs it)");
    let run = checked(Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    });
    let text = std::fs::read_to_string(&rss).unwrap();
    // GNU time says so when its command was killed by a signal.
    assert!(!text.contains("signal"), "{text}");
    let kib = text.trim().lines().last().unwrap().parse().unwrap();
    eprintln!("{args:?}: exit {}, peak RSS {kib} KiB", run.code);
    (run, kib)
}

/// Endless `206` + `Next-Range` pages of 2 MB: stopped at the cap, exit 2
/// (the old read piled them up to an abort at about 1 GB).
#[test]
fn endless_pages_stop_at_the_cap() {
    let api = StandIn::start_mode("endless-pages");
    let t = TestEnv::new();
    let (run, kib) = measured(&api, &t, &["lint", "--app", "service-1"]);
    run.code(2);
    assert!(run.stderr.contains("more than 64 MiB"), "{}", run.stderr);
    assert!(kib < DYNO_KIB, "peak RSS {kib} KiB");
    let pages = api.paths().len();
    assert!((30..40).contains(&pages), "{pages} requests");
}

/// Four apps of 1.1 million config vars each (14.7 MiB apiece, under the
/// body cap): past the million-var cap of one environment, exit 2 (the old
/// read took 1.2 GB and reported).
#[test]
fn a_million_vars_is_the_cap() {
    let api = StandIn::start_mode("huge-config");
    let t = TestEnv::new();
    let apps = ["service-1", "service-2", "service-3", "billing-api"];
    let mut args = vec!["lint"];
    for app in &apps {
        args.extend(["--app", app]);
    }
    let (run, kib) = measured(&api, &t, &args);
    run.code(2);
    assert!(
        run.stderr.contains("more than 1000000 vars"),
        "{}",
        run.stderr
    );
    assert!(kib < DYNO_KIB, "peak RSS {kib} KiB");
}

/// Under the cap for each app, but not for all four together: the read
/// keeps at most one saved environment's worth, so memory stays bounded
/// however many apps are named.
#[test]
fn the_cap_is_for_the_whole_read() {
    let api = StandIn::start_mode("huge-config:600000");
    let t = TestEnv::new();
    let (run, kib) = measured(
        &api,
        &t,
        &[
            "lint",
            "--app",
            "service-1",
            "--app",
            "service-2",
            "--app",
            "service-3",
        ],
    );
    run.code(2);
    assert!(
        run.stderr.contains("lint fewer apps at a time"),
        "{}",
        run.stderr
    );
    assert!(kib < DYNO_KIB, "peak RSS {kib} KiB");
    // One app of 600,000 vars is read and linted.
    let (one, kib) = measured(&api, &t, &["lint", "--app", "service-1"]);
    assert!(one.code == 1, "{}", one.stderr);
    assert!(kib < DYNO_KIB, "peak RSS {kib} KiB");
}

/// A `206` without `Next-Range`: a list the server marked partial, with
/// no way to the rest, is exit 2 (it was taken for the whole list).
#[test]
fn a_partial_list_without_next_range() {
    let api = StandIn::start_mode("partial-no-next");
    let t = TestEnv::new();
    let (run, kib) = measured(&api, &t, &["lint", "--app", "service-1"]);
    run.code(2);
    assert!(
        run.stderr
            .contains("a partial list (206) without a Next-Range"),
        "{}",
        run.stderr
    );
    assert!(kib < DYNO_KIB, "peak RSS {kib} KiB");
}

/// The attachments request fails with a body quoting 20 chars of the
/// `SECURE_KEY` the config read just gave: the read failed, but what it
/// received is still secret (human and JSON). `checked` holds every key of
/// the world; the old read forgot them and printed the quote.
#[test]
fn a_failed_read_keeps_its_secrets() {
    let api = StandIn::start_mode("attachments-error");
    let t = TestEnv::new();
    for format in ["human", "json"] {
        let (run, _) = measured(
            &api,
            &t,
            &["lint", "--format", format, "--app", "service-1"],
        );
        run.code(2);
        let said = if format == "json" {
            run.json()["error"]["message"].as_str().unwrap().to_owned()
        } else {
            run.stderr.clone()
        };
        assert!(
            said.contains("backend failure while reading service-1: SECURE_KEY="),
            "{said}"
        );
    }
}

/// A release read fails in the middle of the rotation search, quoting 20
/// chars of an older value the search had read: the pair's age is a note,
/// and the note never shows the value.
#[test]
fn a_failed_release_read_keeps_its_secrets() {
    for format in ["human", "json"] {
        let api = StandIn::start_mode("release-error");
        let t = TestEnv::new();
        let (run, _) = measured(
            &api,
            &t,
            &["lint", "--format", format, "--app", "service-1"],
        );
        run.code(0);
        let out = format!("{}{}", run.stdout, run.stderr);
        assert!(out.contains("last changed is unknown"), "{out}");
        assert!(
            out.contains("backend failure while reading service-1: SECURE_KEY="),
            "{out}"
        );
    }
}

/// A config var the API gives as a number or an object is the saved
/// `heroku config --json`'s exit 2 ("not a string"), not a var dropped
/// without a word; null is a var set to nothing, as saved.
#[test]
fn a_non_string_value_is_refused_as_saved() {
    let t = TestEnv::new();
    for value in ["5000", "{\"a\":1}", "true"] {
        let api = StandIn::start_mode(&format!("non-string:{value}"));
        let run = api.lint(&t, &["lint", "--app", "service-1"]);
        run.code(2);
        assert!(
            run.stderr.contains("not a string"),
            "{value}: {}",
            run.stderr
        );
        let saved = t.write("saved.json", format!("{{\"PORT\":{value}}}"));
        let saved = t.run(["check", "--heroku-json", saved.to_str().unwrap()]);
        saved.code(2);
        assert!(saved.stderr.contains("not a string"), "{}", saved.stderr);
    }
    let api = StandIn::start_mode("non-string:null");
    api.lint(&t, &["lint", "--app", "service-1"]).code(0);
}
