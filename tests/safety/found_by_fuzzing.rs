//! What fuzz/pipeline found: each failed before its fix.

use super::*;

// ------------------------------------- found by fuzz/ (the pipeline target)
//
// Each class the fuzz target found, with the real binary. The target's
// inputs were minimised; these are the same classes with real keys.

/// A key whose first and last 10 chars are digits (an `ESC [` before them
/// made them parameters of a control sequence).
const DIGIT_ENDS: &str = "1234567890ABCDEF1234567890ABCDEF1234567890ABCDEF1234567890123456";

/// A var skipped for its name (spaces: from JSON or the process env) is
/// named in a warning; the name held 12 chars of the checked key, and the
/// warning was printed before the mask knew the checked values.
#[test]
fn a_skipped_name_with_a_piece_of_a_checked_key_is_masked() {
    let t = TestEnv::new();
    let name = format!("x {}_SECURE_KEY", &A[..12]);
    let value = pair(A, B);
    t.write(
        "app.json",
        serde_json::json!({ "SECURE_KEY": value, name.clone(): "1" }).to_string(),
    );
    for mode in [&[][..], &["-vv"], &["--format", "json"]] {
        // Straight from the binary: /bin/sh (the memory limit's) drops a
        // var whose name is no shell name.
        let case = format!("process env {mode:?}");
        let out = t.run_env(
            with_mode(&["check"], mode),
            &[("SECURE_KEY", value.as_str()), (name.as_str(), "1")],
        );
        out.no_leak();
        assert!(
            out.stderr.contains("not a config var name"),
            "{case}: the warning is gone"
        );
        for (what, args) in [
            ("--heroku-json", vec!["check", "--heroku-json", "app.json"]),
            ("lint", vec!["lint", "app.json"]),
        ] {
            let case = format!("{what} {mode:?}");
            let out = run(&t, &with_mode(&args, mode), &[]);
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
            // The warning is still there, with the piece masked.
            stderr_says(&out, &case, &["not a config var name"]);
        }
    }
}

/// A key right after `ESC [` in a name, a label or a path: its leading
/// (or, before its end, trailing) digits were taken for a control
/// sequence's parameters and printed beside the redacted rest.
#[test]
fn a_key_after_an_escape_is_never_printed_in_part() {
    let t = TestEnv::new();
    let keys = [DIGIT_ENDS];
    let lead = format!("\x1b[{DIGIT_ENDS}_SECURE_KEY");
    t.write("k.env", format!("SECURE_KEY={}\n", pair(C, D)));
    t.write(
        "names.json",
        serde_json::json!({ lead.clone(): pair(C, D) }).to_string(),
    );
    let label = format!("{lead}=k.env");
    for args in [
        vec!["check", "--heroku-json", "names.json"],
        vec!["lint", "names.json"],
        vec!["lint", label.as_str()],
    ] {
        for mode in MODES {
            let case = format!("{:?} {mode:?}", args[..2].join(" "));
            let out = run(&t, &with_mode(&args, mode), &[("SECUREKEY_LOG", "trace")]);
            out.clean_exit(&case);
            out.no_window(&case, &keys);
        }
    }
}

/// Found by review of fuzz/pipeline's notes: `lint` logged about one app
/// (`-v`, a var's debug line, a skipped name's warning) before it had read
/// the next, so a name in the first app holding a piece of the second's key
/// went out before the mask knew that key. Logs now wait for every app.
#[test]
fn lint_logs_about_one_app_never_show_a_piece_of_anothers_key() {
    let t = TestEnv::new();
    // A checked name, and one skipped for its space (heroku config JSON).
    t.write(
        "one.json",
        format!(
            "{{\"X_{}_SECURE_KEY\":\"1\",\"Y {}_SECURE_KEY\":\"2\"}}",
            &A[..12],
            &A[20..32]
        ),
    );
    t.write("two.env", format!("SECURE_KEY={}\n", pair(A, B)));
    for mode in [&["-v"][..], &["-vv", "--format", "json"]] {
        let args = with_mode(&["lint", "one.json", "two.env"], mode);
        let case = format!("lint one.json two.env {}", mode.join(" "));
        let out = run(&t, &args, &[]);
        out.assert_code(&case, 1);
        crate::common::assert_no_window(&out.stdout, &case, ALL_KEYS);
        crate::common::assert_no_window(&out.stderr, &case, ALL_KEYS);
    }
}

/// Found in review: with `--no-discover`, `lint` gave the mask only the
/// checked values, so a required name holding a piece of an unchecked key
/// var's key (`OTHER_SECURE_KEY`) was printed; `check` already masked it.
/// Both now give the mask the same values (`select::mask_values`).
#[test]
fn no_discover_still_masks_every_key_var() {
    let t = TestEnv::new();
    t.write(
        "app.json",
        serde_json::json!({
            "SECURE_KEY": pair(A, B),
            "OTHER_SECURE_KEY": pair(C, D),
            "SECUREKEY_REQUIRE": format!("SECURE_KEY Y_{}_KEY", &C[..12]),
        })
        .to_string(),
    );
    for args in [
        &["check", "--heroku-json", "app.json", "--no-discover"][..],
        &["lint", "app.json", "--no-discover"],
    ] {
        let case = args.join(" ");
        let out = run(&t, args, &[]);
        out.assert_code(&case, 1);
        out.no_window(&case, ALL_KEYS);
    }
}

/// Found in review: the library's `pair_from_env` put the caller's var
/// name, as given, in its error; a key pasted there came back in full.
#[test]
fn the_librarys_env_errors_never_echo_a_key_shaped_name() {
    let err = securekey::pair_from_env(&format!("X_{A}"))
        .unwrap_err()
        .to_string();
    crate::common::assert_no_window(err.as_bytes(), "pair_from_env", ALL_KEYS);
    assert!(err.contains("is not set"));
}
