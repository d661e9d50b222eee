//! One run, one document: whatever way a run ends, stdout holds exactly
//! one document in the format asked for (the report or the error object),
//! usage errors and failed writes included (src/commands/print.rs).

use std::process::Command as Process;

use crate::common::{A, B, TestEnv, pair};

/// Every JSON value on stdout, in order: more than one is the bug.
fn json_documents(stdout: &str) -> Vec<serde_json::Value> {
    serde_json::Deserializer::from_str(stdout)
        .into_iter::<serde_json::Value>()
        .map(|v| v.unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {stdout}")))
        .collect()
}

#[test]
fn a_refused_write_prints_the_error_object_alone_of_kind_output() {
    let t = TestEnv::new();
    let env = t.write("app.env", format!("SECURE_KEY={}\n", pair(A, B)));
    let fifo = t.path().join("fifo");
    let made = Process::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let run = t.run([
        "write",
        "--format",
        "json",
        "--env-file",
        env.to_str().unwrap(),
        "-o",
        fifo.to_str().unwrap(),
    ]);
    run.code(2).no_leak();
    let docs = json_documents(&run.stdout);
    assert_eq!(
        docs.len(),
        1,
        "one document, not the report and the error: {}",
        run.stdout
    );
    assert_eq!(docs[0]["ok"], false);
    assert_eq!(docs[0]["error"]["kind"], "output", "{}", run.stdout);
    assert!(docs[0].get("keys").is_none(), "no report: {}", run.stdout);
}

#[test]
fn usage_errors_print_the_error_object_in_the_format_asked_for() {
    let t = TestEnv::new();
    let cases: &[&[&str]] = &[
        &["check", "--nope", "--format", "json"],
        &[
            "check",
            "--format=json",
            "--env-file",
            "a",
            "--heroku-json",
            "b",
        ],
        &["check", "--allow", "nope", "--format", "json"],
        &["lint", "--format", "json"],
        &["write", "--format", "json", "--output"],
    ];
    for args in cases {
        let run = t.run(*args);
        run.code(2).no_leak();
        let docs = json_documents(&run.stdout);
        assert_eq!(docs.len(), 1, "{args:?}: {}", run.stdout);
        assert_eq!(docs[0]["version"], 1, "{args:?}");
        assert_eq!(docs[0]["ok"], false, "{args:?}");
        assert_eq!(docs[0]["error"]["kind"], "usage", "{args:?}");
        let message = docs[0]["error"]["message"].as_str().unwrap();
        assert!(
            !message.is_empty() && !message.contains("Usage:"),
            "{args:?}: {message}"
        );
        assert!(
            run.stderr.contains("securekey: error:"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = t.run(["lint", "--format", "github"]);
    run.code(2);
    assert!(
        run.stdout.starts_with("::error title=securekey usage::"),
        "{}",
        run.stdout
    );
    // The human format keeps stdout for data: the error is on stderr.
    let run = t.run(["check", "--nope"]);
    run.code(2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("'--nope'"),
        "the typo as typed: {}",
        run.stderr
    );
}

#[test]
fn a_usage_error_shows_no_secret_in_its_document() {
    let t = TestEnv::new();
    // A key pasted where an option's value belongs.
    let run = t.run(["check", "--allow", A, "--format", "json"]);
    run.code(2).no_leak();
    assert_eq!(json_documents(&run.stdout).len(), 1);
}

#[test]
fn every_run_that_fails_prints_one_document() {
    let t = TestEnv::new();
    for args in [
        &[
            "check",
            "--format",
            "json",
            "--env-file",
            "/nonexistent/app.env",
        ][..],
        &["lint", "--format", "json", "/nonexistent/app.env"],
        &["check", "--format", "json", "--env-dir", "/nonexistent"],
    ] {
        let run = t.run(args);
        run.code(2);
        let docs = json_documents(&run.stdout);
        assert_eq!(docs.len(), 1, "{args:?}: {}", run.stdout);
        assert_eq!(docs[0]["error"]["kind"], "input", "{args:?}");
    }
}
