//! Inputs that are broken the way real ones break (issue 21): a closed or
//! unreadable stdin, a saved environment in UTF-16, a single-quoted value
//! over several lines.

use std::process::Command;

use crate::common::{A, ALL_KEYS, B, Outcome, TestEnv, pair, run_with_deadline};

/// The binary run through bash with `redirect` applied to it (`<&-` closes
/// fd 0, which `std::process::Command` cannot), in the temp dir, with only
/// PATH and HOME set.
fn redirected(t: &TestEnv, redirect: &str, args: &[&str]) -> Outcome {
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(format!("exec \"$0\" \"$@\" {redirect}"))
        .arg(TestEnv::bin())
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", t.path())
        .current_dir(t.path());
    run_with_deadline(&mut cmd, None)
}

/// Every way of reading a saved environment from stdin, with `--allow
/// missing` where it would turn an empty environment into a pass.
const STDIN_READERS: &[&[&str]] = &[
    &["check", "--env-file", "-"],
    &["check", "--env-file", "-", "--allow", "missing"],
    &["check", "--heroku-json", "-", "--allow", "missing"],
    &[
        "check",
        "--format",
        "json",
        "--env-file",
        "-",
        "--allow",
        "missing",
    ],
    &["lint", "-"],
    &["lint", "--allow", "missing", "app=-"],
];

#[test]
fn a_closed_stdin_is_an_io_error_not_an_empty_environment() {
    let t = TestEnv::new();
    for args in STDIN_READERS {
        for redirect in ["<&-", "</dev/null"] {
            let case = format!("{args:?} {redirect}");
            let out = redirected(&t, redirect, args);
            out.assert_code(&case, 2).no_window(&case, ALL_KEYS);
            let stderr = out.stderr_text();
            assert!(
                stderr.contains("stdin (-): stdin is closed (or /dev/null)")
                    && stderr.contains("pass the file's path instead of -"),
                "{case}: {stderr}"
            );
            assert!(!stderr.contains("missing"), "{case}: {stderr}");
        }
    }
}

#[test]
fn a_stdin_open_only_for_writing_is_an_io_error() {
    let t = TestEnv::new();
    for args in STDIN_READERS {
        let case = format!("{args:?} 0>written");
        let out = redirected(&t, "0>written", args);
        out.assert_code(&case, 2).no_window(&case, ALL_KEYS);
        let stderr = out.stderr_text();
        assert!(
            stderr.contains("stdin (-): stdin is not open for reading"),
            "{case}: {stderr}"
        );
    }
}

/// What stdin is meant for still works: a pipe (an empty one is an empty
/// environment: it was read) and a redirected file.
#[test]
fn a_piped_or_redirected_stdin_is_read() {
    let t = TestEnv::new();
    let env = format!("SECURE_KEY={}\n", pair(A, B));
    t.run_stdin(["check", "--env-file", "-"], env.as_bytes())
        .code(0);
    let run = t.run_stdin(["check", "--env-file", "-"], b"");
    run.code(1);
    assert!(
        run.stderr.contains("SECURE_KEY is required but not set")
            || run.stdout.contains("SECURE_KEY is required but not set")
    );
    t.write("saved.env", &env);
    let case = "<saved.env";
    redirected(&t, "<saved.env", &["check", "--env-file", "-"])
        .assert_code(case, 0)
        .no_window(case, ALL_KEYS);
    redirected(&t, "<saved.env", &["lint", "-"])
        .assert_code(case, 0)
        .no_window(case, ALL_KEYS);
}
