//! `securekey check`: every check and every source, on the real binary.

use std::os::unix::ffi::OsStrExt;

use crate::common::{A, B, C, TestEnv, id, pair};

fn json_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args
}

#[test]
fn good_pair_in_the_process_env_passes() {
    let t = TestEnv::new();
    let run = t.run_env(json_args(&[]), &[("SECURE_KEY", &pair(A, B))]);
    run.code(0);
    let json = run.json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["ok"], true);
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
    let key = &json["keys"][0];
    assert_eq!(key["var"], "SECURE_KEY");
    assert_eq!(key["source"], "env");
    assert_eq!(key["latest_id"], id(A));
    assert_eq!(key["previous_id"], id(B));
    assert_eq!(
        key.as_object().unwrap().len(),
        4,
        "exactly the documented fields"
    );
}

#[test]
fn human_report_lists_vars_findings_and_a_summary() {
    let t = TestEnv::new();
    let run = t.run_env(
        ["check"],
        &[
            ("SECURE_KEY", &pair(A, B)),
            ("SERVICE_ONE_SECURE_KEY", &format!("{A},{}", &B[2..])),
            ("HEROKU_APP_NAME", "service-2"),
        ],
    );
    run.code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("SECURE_KEY ") && lines[0].contains("ok"));
    assert!(lines[0].contains(&format!("latest {}", id(A))));
    assert!(lines[0].contains(&format!("previous {}", id(B))));
    assert!(lines[1].starts_with("SERVICE_ONE_SECURE_KEY ") && lines[1].contains("error"));
    assert!(lines[2].contains("error[length] SERVICE_ONE_SECURE_KEY (previous)"));
    assert!(lines[2].contains("62 hex chars"));
    assert!(
        lines[3].contains("fix: ") && lines[3].contains("the add-on's next rotation replaces it")
    );
    assert_eq!(
        *lines.last().unwrap(),
        "2 vars checked: 1 ok; 1 error, 0 warnings — failing"
    );
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when not a terminal"
    );
}

/// Each check, triggered through the process env, with its exit code.
#[test]
fn every_single_env_check_through_the_binary() {
    let lower = A.to_ascii_lowercase();
    let base36 = "2fi9ugflsiscwcdv3g2aq2v2c2nwam2elripnkjbn1s6n5m6c4";
    let cases: Vec<(&str, String, &[&str], i32)> = vec![
        ("empty", String::new(), &["empty"], 1),
        ("key-count", A.to_owned(), &["key-count"], 1),
        ("previous-empty", format!("{A},"), &["previous-empty"], 1),
        ("not-hex", format!("{A},{}Z", &B[1..]), &["not-hex"], 1),
        ("length", format!("{},{B}", &A[1..]), &["length"], 1),
        (
            "legacy-base36",
            format!("{base36},{base36}"),
            &["legacy-base36", "legacy-base36"],
            1,
        ),
        ("quoted", format!("\"{A},{B}\""), &["quoted"], 1),
        (
            "whitespace",
            format!("{A},{B} "),
            &["whitespace", "whitespace"],
            0,
        ),
        ("case", format!("{lower},{B}"), &["case"], 0),
        ("same-keys", format!("{A},{A}"), &["same-keys"], 0),
    ];
    let t = TestEnv::new();
    for (name, value, expected, code) in cases {
        let run = t.run_env(json_args(&[]), &[("SECURE_KEY", &value)]);
        run.code(code);
        assert_eq!(run.finding_ids(), expected, "{name}");
        let json = run.json();
        assert_eq!(json["ok"], code == 0, "{name}");
        for f in json["findings"].as_array().unwrap() {
            assert_eq!(f["var"], "SECURE_KEY");
            let sev = f["severity"].as_str().unwrap();
            assert_eq!(sev == "error", code == 1, "{name}");
            assert!(!f["fix"].as_str().unwrap().is_empty(), "{name}");
            assert_eq!(
                f.as_object().unwrap().len(),
                6,
                "exactly the documented fields"
            );
        }
    }
}

#[test]
fn missing_and_duplicate_pair() {
    let t = TestEnv::new();
    let run = t.run_env(
        json_args(&["SECURE_KEY", "SERVICE_ONE_SECURE_KEY"]),
        &[
            ("SECURE_KEY", &pair(A, B)),
            ("SECUREKEY_CHARCOAL_KEY", &pair(A, B)),
        ],
    );
    run.code(1);
    assert_eq!(run.finding_ids(), ["missing", "duplicate-pair"]);
    let json = run.json();
    assert_eq!(json["findings"][0]["var"], "SERVICE_ONE_SECURE_KEY");
    assert_eq!(json["findings"][0]["slot"], serde_json::Value::Null);
    assert_eq!(json["findings"][1]["var"], "SECUREKEY_CHARCOAL_KEY");
    // A missing var has no entry in "keys": it has no value.
    assert_eq!(json["keys"].as_array().unwrap().len(), 2);
}

#[test]
fn strict_and_allow() {
    let t = TestEnv::new();
    let env = [("SECURE_KEY", format!("{},{B}", A.to_ascii_lowercase()))];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    t.run_env(["check"], &env).code(0);
    let run = t.run_env(json_args(&["--strict"]), &env);
    run.code(1);
    assert_eq!(run.json()["findings"][0]["severity"], "error");
    let run = t.run_env(json_args(&["--strict", "--allow", "case"]), &env);
    run.code(0);
    assert!(run.finding_ids().is_empty());
    // --allow takes several ids and can waive an error.
    let run = t.run_env(
        json_args(&["--allow", "previous-empty,whitespace"]),
        &[("SECURE_KEY", &format!("{A}, "))],
    );
    run.code(0);
    t.run_env(["check", "--allow", "no-such-check"], &[])
        .code(2);
}

#[test]
fn required_from_setting_and_config_file_and_discovery() {
    let t = TestEnv::new();
    let keys = pair(A, B);
    // SECUREKEY_REQUIRE, comma or space separated.
    let run = t.run_env(
        json_args(&[]),
        &[
            ("SECUREKEY_REQUIRE", "SECURE_KEY, OTHER_KEY"),
            ("SECURE_KEY", &keys),
        ],
    );
    run.code(1);
    assert_eq!(run.json()["findings"][0]["var"], "OTHER_KEY");
    // securekey.json at the app root (the working directory).
    t.write(
        "securekey.json",
        r#"{"require": ["SERVICE_ONE_SECURE_KEY"]}"#,
    );
    let run = t.run_env(json_args(&[]), &[("SERVICE_ONE_SECURE_KEY", &keys)]);
    run.code(0);
    // Arguments win over both.
    t.run_env(
        json_args(&["TOKEN"]),
        &[("SECUREKEY_REQUIRE", "NOPE"), ("TOKEN", &keys)],
    )
    .code(0);
    t.write("securekey.json", "{ not json");
    let run = t.run_env(["check"], &[]);
    run.code(2);
    assert!(run.stderr.contains("securekey.json"));
    std::fs::remove_file(t.path().join("securekey.json")).unwrap();

    // Discovery by name and by a pair-shaped value; --no-discover stops it.
    let env = [
        ("SECURE_KEY", keys.clone()),
        ("SECUREKEY_CHARCOAL_KEY", format!("{C},")),
        ("API_TOKEN", pair(C, A)),
        ("DATABASE_URL", "postgres://x".to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = t.run_env(json_args(&[]), &env);
    run.code(1);
    let vars: Vec<String> = run.json()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["var"].as_str().unwrap().to_owned())
        .collect();
    assert!(vars.contains(&"SECUREKEY_CHARCOAL_KEY".to_owned()));
    assert!(vars.contains(&"API_TOKEN".to_owned()));
    assert!(!vars.contains(&"DATABASE_URL".to_owned()));
    // --no-discover: the SecureKey vars by name (the default asks for
    // one), not values that look like pairs; with a name, that one only.
    let run = t.run_env(json_args(&["--no-discover"]), &env);
    run.code(1);
    let mut vars: Vec<String> = run.json()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["var"].as_str().unwrap().to_owned())
        .collect();
    vars.sort();
    assert_eq!(vars, ["SECUREKEY_CHARCOAL_KEY", "SECURE_KEY"]);
    t.run_env(json_args(&["--no-discover", "SECURE_KEY"]), &env)
        .code(0);
}

#[test]
fn each_source() {
    let t = TestEnv::new();
    let bad = format!("{A},{}", &B[1..]);
    let dotenv = t.write(
        "app.env",
        format!(
            "# saved\r\nexport SECURE_KEY='{}'\r\nX_SECURE_KEY=\"{bad}\" # broken\r\n",
            pair(A, B)
        ),
    );
    let json = t.write(
        "config.json",
        serde_json::json!({"SECURE_KEY": pair(A, B), "X_SECURE_KEY": bad}).to_string(),
    );
    let dir = t.path().join("env_dir");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("SECURE_KEY"), pair(A, B)).unwrap();
    std::fs::write(dir.join("X_SECURE_KEY"), &bad).unwrap();

    let runs = [
        (
            t.run(json_args(&["--env-file", dotenv.to_str().unwrap()])),
            dotenv.to_str().unwrap().to_owned(),
        ),
        (
            t.run(json_args(&["--heroku-json", json.to_str().unwrap()])),
            json.to_str().unwrap().to_owned(),
        ),
        (
            t.run(json_args(&["--env-dir", dir.to_str().unwrap()])),
            dir.to_str().unwrap().to_owned(),
        ),
        // JSON content via --env-file is detected.
        (
            t.run(json_args(&["--env-file", json.to_str().unwrap()])),
            json.to_str().unwrap().to_owned(),
        ),
        (
            t.run_stdin(
                json_args(&["--env-file", "-"]),
                &std::fs::read(&dotenv).unwrap(),
            ),
            "-".to_owned(),
        ),
        (
            t.run_stdin(
                json_args(&["--env-file", "-"]),
                &std::fs::read(&json).unwrap(),
            ),
            "-".to_owned(),
        ),
        (
            t.run_stdin(
                json_args(&["--heroku-json", "-"]),
                &std::fs::read(&json).unwrap(),
            ),
            "-".to_owned(),
        ),
    ];
    for (run, source) in runs {
        run.code(1);
        let json = run.json();
        let keys = json["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 2, "{source}");
        let good = keys.iter().find(|k| k["var"] == "SECURE_KEY").unwrap();
        assert_eq!(good["latest_id"], id(A), "{source}");
        assert_eq!(good["previous_id"], id(B), "{source}");
        assert_eq!(good["source"], source.as_str());
        assert_eq!(run.finding_ids(), ["length"], "{source}");
        assert_eq!(json["findings"][0]["var"], "X_SECURE_KEY");
        assert_eq!(json["findings"][0]["slot"], "previous");
    }
}

#[test]
fn input_failures_exit_2_naming_the_path() {
    let t = TestEnv::new();
    let run = t.run(["check", "--env-file", "nope.env"]);
    run.code(2);
    assert!(
        run.stderr
            .starts_with("securekey: error: cannot read nope.env")
    );
    let bad = t.write("bad.env", format!("A=1\n{A}\n"));
    let run = t.run(["check", "--env-file", bad.to_str().unwrap()]);
    run.code(2);
    assert!(run.stderr.contains("bad.env:2: expected NAME=value"));
    let run = t.run(["check", "--heroku-json", bad.to_str().unwrap()]);
    run.code(2);
    assert!(run.stderr.contains("not valid JSON"));
    let run = t.run(["check", "--env-file", t.path().to_str().unwrap()]);
    run.code(2);
    assert!(run.stderr.contains("is a directory"));
    t.run(["check", "--env-dir", "no-such-dir"]).code(2);
    t.run(["check", "--env-file", "a", "--env-dir", "b"])
        .code(2);
    t.run(["frobnicate"]).code(2);
}

#[test]
fn a_key_pasted_as_a_name_is_refused_without_echo() {
    let t = TestEnv::new();
    for arg in [pair(A, B), B.to_owned()] {
        let run = t.run(["check", arg.as_str()]);
        run.code(2);
        assert!(run.stderr.contains("looks like a key"));
    }
}

#[test]
fn help_and_version() {
    let t = TestEnv::new();
    let run = t.run(["--help"]);
    run.code(0);
    assert!(run.stdout.contains("Exit codes: 0"));
    let run = t.run(["--version"]);
    run.code(0);
    assert!(run.stdout.starts_with("securekey "));
    t.run::<[&str; 0], &str>([]).code(2);
}

#[test]
fn non_utf8_names_and_values_are_reported_not_panics() {
    use std::ffi::OsStr;
    let t = TestEnv::new();
    let mut value = pair(A, B).into_bytes();
    value[70] = 0xff;
    let out = t
        .cmd(["check", "--format", "json", "-v"])
        .env("SECURE_KEY", OsStr::from_bytes(&value))
        .env(OsStr::from_bytes(b"X\xffX_SECURE_KEY"), pair(A, B))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    crate::common::assert_no_leak(&stdout, "stdout");
    crate::common::assert_no_leak(&stderr, "stderr");
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr.contains("panicked"));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["findings"][0]["check"], "not-hex");
    assert!(
        json["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not UTF-8")
    );
    assert!(
        stderr.contains("not a config var name") && stderr.contains("X\u{fffd}X_SECURE_KEY"),
        "the skipped name is logged, its bytes that are not UTF-8 as U+FFFD"
    );
}

/// An env's source is kept in its printed form (escaped once): the warning
/// about a skipped name escaped it a second time (`\\\\` for one `\`).
#[test]
fn a_skipped_names_source_is_escaped_once() {
    let t = TestEnv::new();
    t.write(r"saved\apps.json", r#"{"BAD NAME_SECURE_KEY": "x"}"#);
    let run = t.run_env(["check", "--heroku-json", r"saved\apps.json"], &[]);
    assert!(
        run.stderr.contains("not a config var name") && run.stderr.contains(r"saved\\apps.json"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains(r"saved\\\\apps.json"),
        "{}",
        run.stderr
    );
}

#[test]
fn quiet_prints_only_problems_on_stderr() {
    let t = TestEnv::new();
    let run = t.run_env(["check", "-q"], &[("SECURE_KEY", &pair(A, B))]);
    run.code(0);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
    let run = t.run_env(["check", "-q"], &[("SECURE_KEY", &format!("{A},"))]);
    run.code(1);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1);
    assert!(
        run.stderr
            .starts_with("securekey: error[previous-empty] SECURE_KEY (previous): ")
    );
}

#[test]
fn logs_go_to_stderr_and_follow_securekey_log() {
    let t = TestEnv::new();
    let env = [("SECURE_KEY", pair(A, B))];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = t.run_env(["check", "--format", "json"], &env);
    assert_eq!(run.stderr, "");
    run.json();
    let mut with_log = env.clone();
    with_log.push(("SECUREKEY_LOG", "debug"));
    let run = t.run_env(["check", "--format", "json"], &with_log);
    run.code(0);
    assert!(run.stderr.contains("checking config vars"));
    assert!(run.stderr.contains(&id(A)));
    run.json();
}

/// Each var's findings under its own line, for many vars at once (the
/// human report pairs findings with vars in one pass).
#[test]
fn human_report_pairs_many_vars_with_their_findings() {
    use std::fmt::Write as _;
    let t = TestEnv::new();
    let mut env = String::new();
    for i in 0..2000 {
        // Distinct pairs; even vars warn (lowercase latest key).
        let key = format!("{:064X}", 0xABC_0000 + i);
        let latest = if i % 2 == 0 {
            key.to_ascii_lowercase()
        } else {
            key
        };
        writeln!(env, "APP{i}_SECURE_KEY={latest},{B}").unwrap();
    }
    let file = t.write("many.env", env);
    // Required by name, so SECURE_KEY (the default) is not.
    let names: Vec<String> = (0..2000).map(|i| format!("APP{i}_SECURE_KEY")).collect();
    let run = t.run(
        ["check", "--env-file", file.to_str().unwrap()]
            .into_iter()
            .map(str::to_owned)
            .chain(names),
    );
    run.code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        *lines.last().unwrap(),
        "2000 vars checked: 1000 ok; 0 errors, 1000 warnings"
    );
    // A warning var: its line, its finding, its fix; an ok var: one line.
    assert!(lines[0].starts_with("APP0_SECURE_KEY ") && lines[0].contains("warning"));
    assert!(lines[1].contains("warning[case] APP0_SECURE_KEY (latest)"));
    assert!(lines[2].trim_start().starts_with("fix: "));
    assert!(lines[3].starts_with("APP1_SECURE_KEY ") && lines[3].contains("ok"));
    assert!(lines[4].starts_with("APP2_SECURE_KEY "));
}
