//! `securekey lint`: several apps' saved environments side by side.

use std::fmt::Write as _;

use crate::common::{A, B, C, D, TestEnv, id, pair};

fn lint_json(t: &TestEnv, sources: &[String]) -> crate::common::Run {
    let mut args = vec!["lint".to_owned(), "--format".to_owned(), "json".to_owned()];
    args.extend_from_slice(sources);
    t.run(&args)
}

/// `heroku config --json -a service-1`, `--shell -a service-2`, a dotenv
/// file and an `ENV_DIR`: every format, each detected from its content.
#[test]
fn every_format_is_detected_and_parsed() {
    let t = TestEnv::new();
    let keys = pair(C, A);
    let json = t.write(
        "s1.json",
        serde_json::json!({"SECURE_KEY": keys, "DATABASE_URL": "postgres://x"}).to_string(),
    );
    // As `heroku config --shell` prints it, quote idiom included.
    let shell = t.write(
        "s2.txt",
        format!("GREETING='it'\\''s'\nSERVICE_ONE_SECURE_KEY='{keys}'\nWEB_CONCURRENCY='2'\n"),
    );
    let dotenv = t.write(
        "s3.env",
        format!("\u{feff}# comment\r\nexport SERVICE_ONE_SECURE_KEY=\"{keys}\" # attached\r\n\r\nPORT=5000\r\n"),
    );
    let dir = t.path().join("s4");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("SERVICE_ONE_SECURE_KEY"), &keys).unwrap();
    std::fs::write(dir.join("PORT"), "5000").unwrap();

    let run = lint_json(
        &t,
        &[
            format!("service-1={}", json.display()),
            format!("service-2={}", shell.display()),
            dotenv.display().to_string(),
            dir.display().to_string(),
        ],
    );
    run.code(0);
    let out = run.json();
    let apps: Vec<&str> = out["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["app"].as_str().unwrap())
        .collect();
    assert_eq!(apps, ["service-1", "service-2", "s3.env", "s4"]);
    for k in out["keys"].as_array().unwrap() {
        assert_eq!(k["latest_id"], id(C));
        assert_eq!(k["previous_id"], id(A));
    }
    let groups = out["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "one add-on, seen from four apps");
    assert_eq!(groups[0]["members"].as_array().unwrap().len(), 4);
    assert_eq!(groups[0]["members"][1]["app"], "service-2");
    assert_eq!(groups[0]["members"][1]["var"], "SERVICE_ONE_SECURE_KEY");
    // stdin too.
    let stdin = t.run_stdin(
        ["lint", "--format", "json", "-"],
        &std::fs::read(&json).unwrap(),
    );
    stdin.code(0);
    assert_eq!(stdin.json()["keys"][0]["app"], "stdin");
}

#[test]
fn in_sync_apps_are_one_group_in_the_human_report() {
    let t = TestEnv::new();
    let s1 = t.write(
        "s1.json",
        serde_json::json!({"SECURE_KEY": pair(A, B)}).to_string(),
    );
    let s2 = t.write(
        "s2.json",
        serde_json::json!({"SERVICE_ONE_SECURE_KEY": pair(A, B)}).to_string(),
    );
    let run = t.run([
        "lint",
        &format!("service-1={}", s1.display()),
        &format!("service-2={}", s2.display()),
    ]);
    run.code(0);
    let out = &run.stdout;
    let s1_at = out.find("== service-1").unwrap();
    let s2_at = out.find("== service-2").unwrap();
    let groups_at = out.find("== add-on groups").unwrap();
    assert!(s1_at < s2_at && s2_at < groups_at);
    assert!(out.contains(&format!(
        "latest {} previous {}: service-1 SECURE_KEY, service-2 SERVICE_ONE_SECURE_KEY — in sync",
        id(A),
        id(B)
    )));
}

#[test]
fn copied_is_a_warning_on_the_stale_app() {
    let t = TestEnv::new();
    // service-1 has rotated (C,A); service-2 still holds the pasted (A,B).
    let s1 = t.write(
        "s1.json",
        serde_json::json!({"SECURE_KEY": pair(C, A)}).to_string(),
    );
    let s2 = t.write("s2.env", format!("SERVICE_ONE_SECURE_KEY={}\n", pair(A, B)));
    let sources = [
        format!("service-1={}", s1.display()),
        format!("service-2={}", s2.display()),
    ];
    let run = lint_json(&t, &sources);
    run.code(0);
    let out = run.json();
    assert_eq!(run.finding_ids(), ["copied"]);
    let f = &out["findings"][0];
    assert_eq!(f["app"], "service-2");
    assert_eq!(f["var"], "SERVICE_ONE_SECURE_KEY");
    assert_eq!(f["severity"], "warning");
    let msg = f["message"].as_str().unwrap();
    assert!(
        msg.contains("service-1 SECURE_KEY") && msg.contains(&id(A)),
        "{msg}"
    );
    assert!(msg.contains("heroku addons:attach <addon> --as SERVICE_ONE_SECURE -a service-2"));
    assert_eq!(
        f["fix"],
        "heroku config:unset SERVICE_ONE_SECURE_KEY -a service-2"
    );
    assert_eq!(out["groups"].as_array().unwrap().len(), 2);
    let mut strict = vec!["--strict".to_owned()];
    strict.extend(sources);
    lint_json(&t, &strict).code(1);
}

#[test]
fn swapped_is_an_error() {
    let t = TestEnv::new();
    let s1 = t.write("s1.env", format!("SECURE_KEY={}\n", pair(A, B)));
    let s2 = t.write("s2.env", format!("SERVICE_ONE_SECURE_KEY={}\n", pair(B, A)));
    let run = lint_json(
        &t,
        &[
            format!("service-1={}", s1.display()),
            format!("service-2={}", s2.display()),
        ],
    );
    run.code(1);
    assert_eq!(run.finding_ids(), ["swapped"]);
    let f = &run.json()["findings"][0];
    assert_eq!(
        (f["app"].as_str(), f["severity"].as_str()),
        (Some("service-2"), Some("error"))
    );
}

#[test]
fn duplicate_pair_within_an_app_but_not_across() {
    let t = TestEnv::new();
    let s1 = t.write(
        "s1.env",
        format!(
            "SECURE_KEY={}\nSECUREKEY_CHARCOAL_KEY={}\n",
            pair(A, B),
            pair(A, B)
        ),
    );
    let s2 = t.write("s2.env", format!("SERVICE_ONE_SECURE_KEY={}\n", pair(A, B)));
    let run = lint_json(
        &t,
        &[
            format!("service-1={}", s1.display()),
            format!("service-2={}", s2.display()),
        ],
    );
    run.code(0);
    assert_eq!(run.finding_ids(), ["duplicate-pair"]);
    assert_eq!(run.json()["findings"][0]["app"], "service-1");
    // Within-app copies and swaps are found too.
    let s3 = t.write(
        "s3.env",
        format!(
            "SECURE_KEY={}\nOLD_SECURE_KEY={}\nX_SECURE_KEY={}\n",
            pair(C, A),
            pair(A, B),
            pair(A, C)
        ),
    );
    let run = lint_json(&t, &[s3.display().to_string()]);
    run.code(1);
    assert_eq!(run.finding_ids(), ["copied", "swapped"]);
}

#[test]
fn single_env_checks_run_per_app() {
    let t = TestEnv::new();
    let s1 = t.write("s1.env", format!("SECURE_KEY={A},\n"));
    let s2 = t.write("s2.env", "PORT=5000\n");
    let s3 = t.write(
        "s3.env",
        format!("SECUREKEY_REQUIRE=A_KEY\nSECURE_KEY={}\n", pair(C, D)),
    );
    let run = lint_json(
        &t,
        &[
            s1.display().to_string(),
            s2.display().to_string(),
            s3.display().to_string(),
        ],
    );
    run.code(1);
    let out = run.json();
    let found: Vec<(String, String, String)> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["app"].as_str().unwrap().to_owned(),
                f["check"].as_str().unwrap().to_owned(),
                f["var"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "s1.env".into(),
                "previous-empty".into(),
                "SECURE_KEY".into()
            ),
            // An app with no key var at all: the default is missing.
            ("s2.env".into(), "missing".into(), "SECURE_KEY".into()),
            // The app's own SECUREKEY_REQUIRE counts.
            ("s3.env".into(), "missing".into(), "A_KEY".into()),
        ]
    );
}

#[test]
fn unknown_format_and_missing_files_exit_2() {
    let t = TestEnv::new();
    let good = t.write("good.env", format!("SECURE_KEY={}\n", pair(A, B)));
    let junk = t.write("notes.txt", "remember to rotate the keys\n");
    let run = t.run(["lint", good.to_str().unwrap(), junk.to_str().unwrap()]);
    run.code(2);
    assert!(
        run.stderr.contains("notes.txt: unknown format"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    let run = t.run(["lint", "service-1=nope.json"]);
    run.code(2);
    assert!(run.stderr.contains("cannot read nope.json"));
    let bin = t.write("binary", b"\x7fELF\x02\x01\x01\x00\x00");
    t.run(["lint", bin.to_str().unwrap()]).code(2);
}

/// Hundreds of vars on one add-on and one stale copy: one finding per
/// stale var, naming a few counterparts, so the report stays linear.
#[test]
fn many_counterparts_are_summarised() {
    let t = TestEnv::new();
    let mut env = String::new();
    for i in 0..300 {
        writeln!(env, "APP{i}_SECURE_KEY={}", pair(C, A)).unwrap();
    }
    writeln!(env, "STALE_SECURE_KEY={}", pair(A, B)).unwrap();
    writeln!(env, "WRONG_WAY_SECURE_KEY={}", pair(A, C)).unwrap();
    let file = t.write("many.env", env);
    let run = lint_json(&t, &[format!("big={}", file.display())]);
    run.code(1);
    let out = run.json();
    let findings = out["findings"].as_array().unwrap();
    let copied: Vec<_> = findings.iter().filter(|f| f["check"] == "copied").collect();
    let swapped: Vec<_> = findings
        .iter()
        .filter(|f| f["check"] == "swapped")
        .collect();
    assert_eq!((copied.len(), swapped.len()), (1, 1));
    assert!(
        copied[0]["message"]
            .as_str()
            .unwrap()
            .contains("and 297 more")
    );
    assert!(
        swapped[0]["message"]
            .as_str()
            .unwrap()
            .contains("and 297 more")
    );
    assert!(
        run.stdout.len() < 300 * 1024,
        "the report grows with the input, not its square"
    );
}

/// A lint label is kept raw and escaped once, where it is printed: the
/// debug log of each checked var printed it through `Debug` again,
/// doubling the escapes.
#[test]
fn a_lint_label_is_logged_escaped_once() {
    let t = TestEnv::new();
    t.write("k.env", format!("SECURE_KEY={}\n", pair(A, B)));
    let run = t.run(["lint", "-v", "app\x01=k.env"]);
    run.code(0);
    assert!(
        run.stderr.contains(r"checked app\x01 SECURE_KEY"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(r"\\x01"), "{}", run.stderr);
}

/// Found by fuzz/pipeline: `--format github` escaped only what the runner
/// needs (`%`, CR, LF), so an ESC or a bidi control in a label reached the
/// runner's log raw.
#[test]
fn github_format_escapes_control_and_bidi_characters() {
    let t = TestEnv::new();
    t.write("k.env", format!("SECURE_KEY={A},\n"));
    let run = t.run(["lint", "--format", "github", "app\x1b[2J\u{202e}=k.env"]);
    run.code(1);
    assert!(
        !run.stdout.contains('\x1b') && !run.stdout.contains('\u{202e}'),
        "{:?}",
        run.stdout
    );
    assert!(
        run.stdout.contains(r"app\x1b[2J\u{202e} SECURE_KEY"),
        "{}",
        run.stdout
    );
}

/// Found by fuzz/pipeline: a key in an app's `HEROKU_APP_NAME` (a setting
/// whose key-shaped words are secrets) got into the report in part, beside
/// a lint label holding a piece of it.
#[test]
fn a_key_in_heroku_app_name_is_a_secret() {
    let t = TestEnv::new();
    t.write("k.env", format!("HEROKU_APP_NAME=x,{A}\n"));
    let label = format!("{}x", &A[8..23]);
    let run = t.run(["lint", &format!("{label}=k.env")]);
    run.code(1);
    assert!(
        run.stdout.contains("== [redacted]x"),
        "{}",
        run.stdout.len()
    );
}
