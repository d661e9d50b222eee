//! No key material in any output: for every check, at the most verbose
//! logging, in both formats and quiet mode, for check, write and lint, no
//! 8-char window of any key appears on stdout or stderr (`Run::code` and
//! `Run::no_leak` assert it; failure messages withhold the output).

use std::fmt::Write as _;

use crate::common::{A, B, C, D, TestEnv, pair};

/// A value that triggers each check, keyed by check id. Every value holds
/// (parts of) real keys, so a leak would show.
fn triggers() -> Vec<(&'static str, String)> {
    let mut not_hex = A.to_owned();
    not_hex.replace_range(20..21, "x");
    vec![
        ("empty", " ".to_owned()),
        ("key-count", format!("{A},{B},{C}")),
        ("previous-empty", format!("{A},")),
        ("not-hex", format!("{not_hex},{B}")),
        ("length", format!("{},{}", &A[1..], &B[..40])),
        (
            "legacy-base36",
            format!("{},{B}", A[..50].to_ascii_lowercase().replace('a', "z")),
        ),
        ("quoted", format!("'{A},{B}'")),
        ("whitespace", format!(" {A} , {B}\t")),
        (
            "case",
            format!(
                "{},{}",
                A.to_ascii_lowercase(),
                &B[..32].to_ascii_lowercase()
            ),
        ),
        ("same-keys", format!("{D},{D}")),
    ]
}

const VERBOSE: [&[&str]; 4] = [
    &["-vv"],
    &["-vv", "--format", "json"],
    &["-q"],
    &["--strict"],
];

#[test]
fn check_never_prints_keys_for_any_check() {
    let t = TestEnv::new();
    for (check, value) in triggers() {
        for extra in VERBOSE {
            let mut args = vec!["check"];
            args.extend_from_slice(extra);
            let run = t.run_env(&args, &[("SECURE_KEY", &value), ("SECUREKEY_LOG", "trace")]);
            run.no_leak();
            assert!(matches!(run.code, 0 | 1), "{check}: exit {}", run.code);
            if extra.contains(&"json") {
                assert!(
                    run.finding_ids().iter().any(|id| id == check),
                    "{check} not found"
                );
            }
        }
    }
}

#[test]
fn duplicate_pair_and_missing_do_not_leak() {
    let t = TestEnv::new();
    for extra in VERBOSE {
        let mut args = vec!["check", "SECURE_KEY", "OTHER_SECURE_KEY", "NOT_SET_KEY"];
        args.extend_from_slice(extra);
        let run = t.run_env(
            &args,
            &[
                ("SECURE_KEY", &pair(A, B)),
                ("OTHER_SECURE_KEY", &pair(A, B)),
                ("SECUREKEY_LOG", "trace"),
            ],
        );
        run.code(1);
    }
}

#[test]
fn every_source_and_write_do_not_leak() {
    let t = TestEnv::new();
    let values: Vec<String> = triggers().into_iter().map(|(_, v)| v).collect();
    let mut dotenv = String::new();
    for (i, v) in values.iter().enumerate() {
        writeln!(dotenv, "V{i}_SECURE_KEY='{}'", v.replace('\'', "")).unwrap();
    }
    let file = t.write("all.env", &dotenv);
    let json = t.write(
        "all.json",
        serde_json::Value::Object(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    (
                        format!("V{i}_SECURE_KEY"),
                        serde_json::Value::from(v.as_str()),
                    )
                })
                .collect(),
        )
        .to_string(),
    );
    for extra in VERBOSE {
        for source in [
            vec!["check", "--env-file", file.to_str().unwrap()],
            vec!["check", "--heroku-json", json.to_str().unwrap()],
            vec![
                "write",
                "--env-file",
                file.to_str().unwrap(),
                "-o",
                "k.json",
            ],
            vec!["lint", file.to_str().unwrap(), json.to_str().unwrap()],
        ] {
            let mut args = source;
            args.extend_from_slice(extra);
            t.run_env(&args, &[("SECUREKEY_LOG", "trace")]).code(1);
        }
    }
    assert!(!t.path().join("k.json").exists());
}

#[test]
fn parse_errors_do_not_leak() {
    let t = TestEnv::new();
    for content in [
        format!("{A}\n"),
        format!("SECURE_KEY='{A},{B}\n"),
        format!("SECURE_KEY=\"{A},{B}\n"),
        format!("SECURE_KEY='{A}' {B}\n"),
        format!("{{\"SECURE_KEY\": \"{A},{B}"),
        format!("{{\"SECURE_KEY\": [\"{A}\"]}}"),
        format!("{{\"SECURE_KEY\": {{\"{A}\": 1}}}}"),
        format!("{{\"{A}\": 1}}"),
        // A piece of a key in the file's other var's name: too short to
        // look like a key, and nothing of the file is known to the mask.
        format!("{{\"SECURE_KEY\": \"{A},{B}\", \"{}\": 1}}", &A[..12]),
        format!(
            "{{\"SECURE_KEY\": \"{A},{B}\", \"X_{}_{}\": 1}}",
            &A[..6],
            &A[6..12]
        ),
    ] {
        let f = t.write("bad.env", &content);
        for extra in VERBOSE {
            let mut args = vec!["check", "--env-file", f.to_str().unwrap()];
            args.extend_from_slice(extra);
            t.run_env(&args, &[("SECUREKEY_LOG", "trace")]).code(2);
            let mut args = vec!["lint", f.to_str().unwrap()];
            args.extend_from_slice(extra);
            t.run_env(&args, &[("SECUREKEY_LOG", "trace")]).code(2);
        }
    }
}

#[test]
fn cross_app_checks_do_not_leak() {
    let t = TestEnv::new();
    let s1 = t.write(
        "s1.json",
        serde_json::json!({"SECURE_KEY": pair(C, A)}).to_string(),
    );
    let s2 = t.write("s2.env", format!("SERVICE_ONE_SECURE_KEY={}\n", pair(A, B)));
    let s3 = t.write("s3.env", format!("SERVICE_ONE_SECURE_KEY={}\n", pair(A, C)));
    for extra in VERBOSE {
        let mut args = vec![
            "lint".to_owned(),
            format!("service-1={}", s1.display()),
            format!("service-2={}", s2.display()),
            format!("service-3={}", s3.display()),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let run = t.run_env(&args, &[("SECUREKEY_LOG", "trace")]);
        run.code(1);
        if extra.contains(&"json") {
            let ids = run.finding_ids();
            assert!(
                ids.contains(&"copied".to_owned()) && ids.contains(&"swapped".to_owned()),
                "{ids:?}"
            );
        }
    }
}

/// A key pasted where a name, a path, a label or an option value belongs is
/// never repeated back, whoever reports the mistake (clap, the sources, the
/// name check).
#[test]
fn pasted_keys_in_arguments_are_never_echoed() {
    let t = TestEnv::new();
    let keys = pair(A, B);
    let base36 = "fi9ugflsiscwcdv3g2aq2v2c2nwam2elripnkjbn1s6n5m6c4";
    let cases: Vec<Vec<String>> = vec![
        vec!["lint".into(), format!("SECURE_KEY={keys}")],
        vec!["lint".into(), format!("{A}=x.env")],
        vec!["check".into(), "--env-file".into(), keys.clone()],
        vec!["check".into(), "--heroku-json".into(), C.into()],
        vec!["check".into(), "--env-dir".into(), D.into()],
        vec![keys.clone()],
        vec!["check".into(), "--format".into(), A.into()],
        vec!["check".into(), "--allow".into(), B.into()],
        vec!["check".into(), format!("--strict={C}")],
        vec!["check".into(), base36.into()],
        vec!["check".into(), format!("1{base36}")],
    ];
    for args in cases {
        for extra in ["-vv", "--format=json"] {
            let mut args = args.clone();
            args.push(extra.into());
            let run = t.run_env(&args, &[("SECUREKEY_LOG", "trace")]);
            run.code(2);
            crate::common::assert_no_leak_of(&run.stderr, "stderr", &[base36]);
        }
    }
}

#[test]
fn a_key_file_path_that_looks_like_a_key_is_not_logged() {
    let t = TestEnv::new();
    let run = t.run_env(["write", "-vv", "-o", C], &[("SECURE_KEY", &pair(A, B))]);
    run.code(0);
    assert!(run.stderr.contains("securekey: wrote "), "{}", run.stderr);
}
