//! Hostile and careless input (issue 10, SPEC §9 and §10): no key text in
//! any output, no crash, output, time and memory bounded by the input.
//!
//! One test (or a few) per class of the issue. Every run ends within a
//! generous deadline (a hang fails the test rather than stalling it) and
//! the big ones under an address-space limit (memory past it aborts the
//! binary), so nothing here measures time. Every leak check is the strong
//! oracle: no 8 chars in a row of a key, in any case, with separators
//! removed, anywhere in stdout or stderr; a failure names the case and the
//! window, never the output or the key.

use std::fmt::Write as _;
use std::process::Command;

use crate::common::{A, ALL_KEYS, B, C, D, Outcome, TestEnv, gen_key, pair, run_with_deadline};

// ---------------------------------------------------------------- the caps
//
// The limits these tests assume, in one place so the code can align with
// them (or they with the code). They keep a run well under a standard
// dyno's 512 MiB: 64 MiB of input, plus the parsed vars (about 200 bytes of
// bookkeeping each today: 1,000,000 vars is ~200 MiB), plus a report that
// is linear in the vars. 500 apps at Heroku's 64 KB config cap hold a few
// hundred thousand vars, so the var cap is no real limit on `lint`.

/// One input file, or stdin (today's `env::MAX_INPUT_BYTES`).
const MAX_INPUT_BYTES: u64 = 64 << 20;
/// All the files of one `ENV_DIR` together.
const MAX_ENV_DIR_BYTES: u64 = 64 << 20;
/// Config vars in one run (all of `lint`'s sources together).
const MAX_VARS: usize = 1_000_000;
/// `securekey.json`: a small regular file.
const MAX_CONFIG_BYTES: u64 = 64 << 10;
/// The address space the binary gets here: SPEC §9's 512 MiB.
const MEMORY_LIMIT_KIB: u64 = 512 << 10;

// Input, plus ~200 bytes per var, plus 64 MiB for the rest, fit the limit.
const _: () =
    assert!(MAX_INPUT_BYTES + 200 * (MAX_VARS as u64) + (64 << 20) < MEMORY_LIMIT_KIB << 10);
const _: () = assert!(MAX_ENV_DIR_BYTES <= MAX_INPUT_BYTES && MAX_CONFIG_BYTES < MAX_INPUT_BYTES);

/// Output a var may cost in a report, whatever its name: its line, its
/// findings and their fix commands, each name shown at most a few hundred
/// bytes (`redact::MAX_UNTRUSTED_BYTES` is 512).
const PER_VAR_OUTPUT: u64 = 8 << 10;

/// The extra flags every format and level is tried with.
const MODES: [&[&str]; 5] = [
    &[],
    &["--format", "json"],
    &["-q"],
    &["-vv"],
    &["-vv", "--format", "json", "--strict"],
];

/// Runs the binary with `args`, `vars` set, under the memory limit and the
/// deadline.
fn run(t: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Outcome {
    let mut cmd = t.cmd_limited(args, MEMORY_LIMIT_KIB);
    cmd.envs(vars.iter().copied());
    run_with_deadline(&mut cmd, None)
}

/// `args` + a mode, as owned strings.
fn with_mode(args: &[&str], mode: &[&str]) -> Vec<String> {
    args.iter().chain(mode).map(|s| (*s).to_owned()).collect()
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// `key` in groups of `n` joined by `sep`.
fn grouped(key: &str, n: usize, sep: &str) -> String {
    key.as_bytes()
        .chunks(n)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(sep)
}

fn json_report(out: &Outcome, case: &str) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{case}: stdout is not JSON (withheld)"))
}

/// Asserts every stderr line holds `needle` somewhere, case-insensitively.
fn stderr_says(out: &Outcome, case: &str, needles: &[&str]) {
    let stderr = out.stderr_text().to_lowercase();
    assert!(
        needles.iter().any(|n| stderr.contains(&n.to_lowercase())),
        "{case}: stderr names none of {needles:?}: {}",
        if crate::common::leaked_window(&out.stderr, ALL_KEYS).is_none() {
            out.stderr_text()
        } else {
            "(withheld)".to_owned()
        }
    );
}

// ------------------------------------------------ 1. a key used as a name

/// A dotenv file, a `heroku config --json` file and an `ENV_DIR`, each with
/// key-shaped var names: a key (B starts with a letter, so it is a valid
/// name; its pair-shaped value gets it discovered), a key inside a name, and
/// a lowercase key inside a name.
fn key_named_sources(t: &TestEnv) -> Vec<Vec<String>> {
    let inside = format!("X{A}_SECURE_KEY");
    let lower = format!("K{}_SECURE_KEY", A.to_ascii_lowercase());
    let mut dotenv = String::new();
    for (name, value) in [(B, pair(C, D)), (&inside, pair(D, C)), (&lower, pair(C, A))] {
        writeln!(dotenv, "{name}={value}").unwrap();
    }
    t.write("named.env", &dotenv);
    t.write(
        "named.json",
        serde_json::json!({ B: pair(C, D), inside.clone(): pair(D, C), lower.clone(): pair(C, A) })
            .to_string(),
    );
    for (name, value) in [(B, pair(C, D)), (&inside, pair(D, C)), (&lower, pair(C, A))] {
        t.write(&format!("env_dir/{name}"), value);
    }
    vec![
        vec!["--env-file".into(), "named.env".into()],
        vec!["--heroku-json".into(), "named.json".into()],
        vec!["--env-dir".into(), "env_dir".into()],
    ]
}

#[test]
fn a_key_as_a_var_name_is_never_printed_by_check() {
    let t = TestEnv::new();
    for source in key_named_sources(&t) {
        for mode in MODES {
            let mut args = vec!["check".to_owned()];
            args.extend(source.iter().cloned());
            let args = with_mode(&refs(&args), mode);
            let case = format!("check {} {mode:?}", source[0]);
            let out = run(&t, &refs(&args), &[("SECUREKEY_LOG", "trace")]);
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
            // The vars are reported, not dropped: all three, redacted.
            if mode.contains(&"json") && out.code != Some(2) {
                let keys = json_report(&out, &case)["keys"].as_array().unwrap().len();
                assert_eq!(keys, 3, "{case}: key-named vars reported");
            }
        }
    }
}

#[test]
fn a_key_as_a_var_name_is_never_printed_by_write_or_lint() {
    let t = TestEnv::new();
    for source in key_named_sources(&t) {
        for mode in MODES {
            let mut write = vec!["write".to_owned()];
            write.extend(source.iter().cloned());
            write.extend(["-o".into(), "out/keys.json".into()]);
            let case = format!("write {} {mode:?}", source[0]);
            let out = run(
                &t,
                &refs(&with_mode(&refs(&write), mode)),
                &[("SECUREKEY_LOG", "trace")],
            );
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);

            let lint = ["lint", &source[1]];
            let case = format!("lint {} {mode:?}", source[1]);
            let out = run(
                &t,
                &refs(&with_mode(&lint, mode)),
                &[("SECUREKEY_LOG", "trace")],
            );
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
        }
    }
}

/// `write` names a var left without a pair by `--allow`: "… has no
/// well-formed LATEST,PREVIOUS pair".
#[test]
fn a_key_as_a_var_name_is_not_printed_when_write_refuses_it() {
    let t = TestEnv::new();
    t.write(
        "bad.env",
        format!("X{A}_SECURE_KEY={B}\nSECURE_KEY={}\n", pair(C, D)),
    );
    for mode in MODES {
        let args = with_mode(
            &[
                "write",
                "--env-file",
                "bad.env",
                "--allow",
                "key-count",
                "-o",
                "k.json",
            ],
            mode,
        );
        let case = format!("write --allow key-count {mode:?}");
        let out = run(&t, &refs(&args), &[("SECUREKEY_LOG", "trace")]);
        out.clean_exit(&case);
        out.no_window(&case, ALL_KEYS);
        assert!(!t.path().join("k.json").exists(), "{case}: nothing written");
    }
}

#[test]
fn a_key_as_a_var_name_in_the_process_env_is_never_printed() {
    let t = TestEnv::new();
    let inside = format!("X{A}_SECURE_KEY");
    let lower = format!("K{}_SECURE_KEY", A.to_ascii_lowercase());
    let (p1, p2, p3) = (pair(C, D), pair(D, C), pair(C, A));
    let vars = [
        (B, p1.as_str()),
        (inside.as_str(), p2.as_str()),
        (lower.as_str(), p3.as_str()),
        ("SECURE_KEY", "NEW,"),
        ("SECUREKEY_LOG", "trace"),
    ];
    for mode in MODES {
        for command in [&["check"][..], &["write", "-o", "k.json"]] {
            let args = with_mode(command, mode);
            let case = format!("{command:?} {mode:?} (process env)");
            let out = run(&t, &refs(&args), &vars);
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
        }
    }
    // The boot path.
    let fd3 = t.path().join("fd3");
    let key_file = t.path().join("boot/keys.json");
    let mut boot = vars.to_vec();
    boot.push(("SECUREKEY_FILE", key_file.to_str().unwrap()));
    let out = t.exec_d(&fd3, true, &boot);
    out.clean_exit("exec-d (process env)");
    out.no_window("exec-d (process env)", ALL_KEYS);
}

// ------------------------------------------------ 2. HEROKU_APP_NAME

/// Env vars that make findings (so fix commands are printed) under an app
/// name.
fn broken_env(app: &str) -> Vec<(String, String)> {
    vec![
        ("HEROKU_APP_NAME".into(), app.into()),
        ("SECURE_KEY".into(), format!("{A},")),
        (
            "OTHER_SECURE_KEY".into(),
            format!("{},{}", &B[..40], C.to_ascii_lowercase()),
        ),
        ("SECUREKEY_LOG".into(), "trace".into()),
    ]
}

fn env_refs(vars: &[(String, String)]) -> Vec<(&str, &str)> {
    vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[test]
fn shell_syntax_in_heroku_app_name_never_lands_in_a_fix_command() {
    let t = TestEnv::new();
    let app = "x;touch /tmp/p #";
    let vars = broken_env(app);
    let mut dotenv = String::new();
    for (k, v) in &vars {
        writeln!(dotenv, "{k}='{v}'").unwrap();
    }
    t.write("app.env", &dotenv);
    for mode in MODES {
        for (what, args, vars) in [
            (
                "check",
                vec!["check", "OTHER_SECURE_KEY", "MISSING_SECURE_KEY"],
                env_refs(&vars),
            ),
            ("lint", vec!["lint", "app.env"], vec![]),
        ] {
            let case = format!("{what} {mode:?}");
            let out = run(&t, &refs(&with_mode(&args, mode)), &vars);
            assert_eq!(out.clean_exit(&case), 1, "{case}: findings");
            out.no_window(&case, ALL_KEYS);
            let text = format!("{}{}", out.stdout_text(), out.stderr_text());
            let fixes: Vec<&str> = text.lines().filter(|l| l.contains("heroku ")).collect();
            assert!(!fixes.is_empty(), "{case}: fix commands are printed");
            for line in fixes {
                assert!(
                    !line.contains("touch"),
                    "{case}: the app name's shell syntax is in a fix command"
                );
                assert_eq!(
                    line.matches("-a ").count(),
                    line.matches("-a <app>").count(),
                    "{case}: a fix command names an app other than <app>"
                );
            }
        }
    }
}

#[test]
fn a_key_as_heroku_app_name_is_never_printed() {
    let t = TestEnv::new();
    let lower = A.to_ascii_lowercase();
    // A valid Heroku app name (30 chars, a letter first) that holds 29
    // chars of a key.
    let valid_but_keyish = format!("a{}", &lower[..29]);
    for app in [
        A,
        lower.as_str(),
        valid_but_keyish.as_str(),
        &grouped(&lower, 8, "-"),
    ] {
        let vars = broken_env(app);
        for mode in MODES {
            let case = format!("HEROKU_APP_NAME #{} {mode:?}", app.len());
            let out = run(
                &t,
                &refs(&with_mode(
                    &["check", "OTHER_SECURE_KEY", "MISSING_SECURE_KEY"],
                    mode,
                )),
                &env_refs(&vars),
            );
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
        }
    }
}

// --------------------------------------- 3. split or grouped key-shaped text

/// Arguments with a key split or grouped where a path, a name, a label or
/// an option value belongs (`k.env` is a good env file).
fn split_key_arguments() -> Vec<(&'static str, Vec<String>)> {
    vec![
        (
            "--env-file, folded in 8s over lines",
            vec!["check".into(), "--env-file".into(), grouped(A, 8, "\n")],
        ),
        (
            "--env-file, 8s in a path",
            vec![
                "check".into(),
                "--env-file".into(),
                format!("/tmp/{}/x.env", grouped(A, 8, "/")),
            ],
        ),
        (
            "--env-dir, 4s with dashes",
            vec!["check".into(), "--env-dir".into(), grouped(A, 4, "-")],
        ),
        (
            "--heroku-json, lowercase 8s",
            vec![
                "check".into(),
                "--heroku-json".into(),
                grouped(&A.to_ascii_lowercase(), 8, " "),
            ],
        ),
        (
            "--format, 8s with spaces",
            vec!["check".into(), "--format".into(), grouped(A, 8, " ")],
        ),
        (
            "--format=, 8s with tabs",
            vec!["check".into(), format!("--format={}", grouped(A, 8, "\t"))],
        ),
        (
            "--allow, 8s with dashes",
            vec!["check".into(), "--allow".into(), grouped(B, 8, "-")],
        ),
        (
            "a flag that is not one",
            vec![
                "check".into(),
                format!("--{}", grouped(&B.to_ascii_lowercase(), 8, "-")),
            ],
        ),
        (
            "required name, 8s with dashes",
            vec![
                "check".into(),
                "--env-file".into(),
                "k.env".into(),
                grouped(B, 8, "-"),
            ],
        ),
        (
            "required name, 8s with dots",
            vec![
                "check".into(),
                "--env-file".into(),
                "k.env".into(),
                grouped(B, 8, "."),
            ],
        ),
        (
            "required name, 8s with underscores",
            vec![
                "check".into(),
                "--env-file".into(),
                "k.env".into(),
                grouped(B, 8, "_"),
            ],
        ),
        (
            "lint label, 8s with spaces",
            vec!["lint".into(), format!("{}=k.env", grouped(A, 8, " "))],
        ),
        (
            "lint label, 8s over lines",
            vec!["lint".into(), format!("{}=k.env", grouped(A, 8, "\n"))],
        ),
        (
            "lint path, 8s over lines",
            vec!["lint".into(), grouped(A, 8, "\n")],
        ),
        (
            "write --output, 8s",
            vec![
                "write".into(),
                "--env-file".into(),
                "k.env".into(),
                "-o".into(),
                format!("{}/k.json", grouped(A, 8, "-")),
            ],
        ),
        ("a subcommand that is not one", vec![grouped(A, 8, " ")]),
    ]
}

#[test]
fn a_key_split_or_grouped_in_an_argument_is_never_echoed() {
    let t = TestEnv::new();
    t.write("k.env", format!("SECURE_KEY={}\n", pair(C, D)));
    let cases = split_key_arguments();
    for (what, args) in &cases {
        for mode in [&[][..], &["-vv"], &["--format", "json"], &["-q"]] {
            let case = format!("{what} {mode:?}");
            let out = run(
                &t,
                &refs(&with_mode(&refs(args), mode)),
                &[("SECUREKEY_LOG", "trace")],
            );
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
        }
    }
}

#[test]
fn a_key_split_or_grouped_in_a_setting_is_never_echoed() {
    let t = TestEnv::new();
    let grouped_b = grouped(B, 8, "-");
    for (what, require) in [
        ("SECUREKEY_REQUIRE, 8s with dashes", grouped_b.clone()),
        ("SECUREKEY_REQUIRE, 8s with spaces", grouped(B, 8, " ")),
        (
            "SECUREKEY_REQUIRE, lowercase 4s",
            grouped(&B.to_ascii_lowercase(), 4, "."),
        ),
    ] {
        for mode in [&[][..], &["-vv"], &["--format", "json"]] {
            let case = format!("{what} {mode:?}");
            let out = run(
                &t,
                &refs(&with_mode(&["check"], mode)),
                &[
                    ("SECUREKEY_REQUIRE", &require),
                    ("SECURE_KEY", &pair(C, D)),
                    ("SECUREKEY_LOG", "trace"),
                ],
            );
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
        }
    }
    t.write(
        "securekey.json",
        serde_json::json!({ "require": [grouped_b, grouped(B, 8, ".")] }).to_string(),
    );
    let out = run(
        &t,
        &["check", "-vv"],
        &[("SECURE_KEY", &pair(C, D)), ("SECUREKEY_LOG", "trace")],
    );
    out.clean_exit("securekey.json require");
    out.no_window("securekey.json require", ALL_KEYS);
}

// ------------------------------------------------ 4. a name of 65,536 chars

#[test]
fn a_var_name_of_65536_chars_or_more_ends_in_an_exit_code_not_a_signal() {
    let t = TestEnv::new();
    for len in [65_536, 70_000, 1 << 20] {
        let name = format!("{}_SECURE_KEY", "N".repeat(len));
        t.write(
            "long.env",
            format!("{name}={}\nSECURE_KEY={}\n", pair(A, B), pair(C, D)),
        );
        t.write(
            "long.json",
            serde_json::json!({ name.clone(): pair(A, B) }).to_string(),
        );
        for args in [
            &["check", "--env-file", "long.env"][..],
            &["check", "--heroku-json", "long.json"],
            &["check", "--env-file", "long.env", "--strict", "-q"],
            &["lint", "long.env", "long.json"],
            &["write", "--env-file", "long.env", "-o", "k.json"],
        ] {
            for mode in [&[][..], &["--format", "json"], &["-vv"]] {
                let case = format!("{len}-char name: {args:?} {mode:?}");
                let out = run(
                    &t,
                    &refs(&with_mode(args, mode)),
                    &[("SECUREKEY_LOG", "debug")],
                );
                out.clean_exit(&case);
                out.no_window(&case, ALL_KEYS);
                // A few vars, so a few KiB: the name is shortened, not
                // printed (or padded) in full.
                assert!(
                    out.output_len() < 64 << 10,
                    "{case}: {} bytes of output",
                    out.output_len()
                );
            }
        }
    }
}

// ------------------------------------------------ 5. output blow-up

#[test]
fn one_huge_name_does_not_widen_every_line() {
    const VARS: u64 = 1_000;
    let t = TestEnv::new();
    let mut dotenv = format!("{}_SECURE_KEY={}\n", "N".repeat(60_000), pair(A, B));
    for i in 0..VARS {
        writeln!(
            dotenv,
            "APP{i}_SECURE_KEY={}",
            pair(&gen_key(2 * i), &gen_key(2 * i + 1))
        )
        .unwrap();
    }
    t.write("wide.env", &dotenv);
    for mode in MODES {
        for command in ["check", "lint"] {
            let args = if command == "check" {
                with_mode(&["check", "--env-file", "wide.env"], mode)
            } else {
                with_mode(&["lint", "wide.env"], mode)
            };
            let case = format!("{command} {mode:?}");
            let out = run(&t, &refs(&args), &[]);
            out.clean_exit(&case);
            assert!(
                out.output_len() < (VARS + 2) * PER_VAR_OUTPUT,
                "{case}: {} bytes of output for {VARS} vars",
                out.output_len()
            );
            out.no_window(&case, &[A, B]);
        }
    }
}

#[test]
fn names_of_60_kb_print_a_bounded_line_each() {
    // 300 names of 60 KB: 18 MB in, a few hundred bytes a name out.
    const VARS: u64 = 300;
    let t = TestEnv::new();
    let mut dotenv = String::with_capacity(61_000 * 300);
    for i in 0..VARS {
        let name = format!("{}{i}_SECURE_KEY", "N".repeat(60_000));
        // Half of them broken, so each has a finding and a fix command.
        let value = if i % 2 == 0 {
            pair(A, B)
        } else {
            format!("{A},")
        };
        writeln!(dotenv, "{name}={value}").unwrap();
    }
    t.write("names.env", &dotenv);
    for mode in [&[][..], &["--format", "json"], &["-q"]] {
        let case = format!("{VARS} names of 60 KB {mode:?}");
        let out = run(
            &t,
            &refs(&with_mode(&["check", "--env-file", "names.env"], mode)),
            &[],
        );
        out.clean_exit(&case);
        assert!(
            out.output_len() < (VARS + 2) * PER_VAR_OUTPUT,
            "{case}: {} bytes of output",
            out.output_len()
        );
        out.no_window(&case, ALL_KEYS);
    }
}

#[test]
fn a_huge_heroku_app_name_is_not_printed_in_every_fix_command() {
    const BAD: u64 = 300;
    let t = TestEnv::new();
    // 1 MB: too long for the process env, so it comes with the saved env.
    let mut dotenv = format!("HEROKU_APP_NAME=a{}\n", "b".repeat(1 << 20));
    for i in 0..BAD {
        writeln!(dotenv, "BAD{i}_SECURE_KEY={A},").unwrap();
    }
    t.write("app.env", &dotenv);
    for mode in [&[][..], &["--format", "json"], &["-q"], &["-vv"]] {
        for args in [
            &["check", "--env-file", "app.env"][..],
            &["lint", "app.env"],
        ] {
            let case = format!("{args:?} {mode:?}");
            let out = run(&t, &refs(&with_mode(args, mode)), &[]);
            assert_eq!(out.clean_exit(&case), 1, "{case}");
            assert!(
                out.output_len() < (BAD + 2) * PER_VAR_OUTPUT,
                "{case}: {} bytes of output for {BAD} findings",
                out.output_len()
            );
            out.no_window(&case, ALL_KEYS);
        }
    }
}

// ------------------------------------------------ 6. quadratic time

/// Linear work finishes; quadratic work at these sizes did not within the
/// deadline (16,000 vars: 13.7 s; 80,000 names: 10 s, in release builds).
#[test]
fn lint_of_a_16000_var_copy_chain_finishes() {
    const CHAIN: u64 = 16_000;
    let t = TestEnv::new();
    let mut dotenv = String::new();
    // Each var holds the pair its successor held one rotation earlier.
    for i in 0..CHAIN {
        writeln!(
            dotenv,
            "V{i}_SECURE_KEY={}",
            pair(&gen_key(i + 1), &gen_key(i))
        )
        .unwrap();
    }
    t.write("chain.env", &dotenv);
    // Two apps, each with every other link, and one with all of them.
    let (mut even, mut odd) = (String::new(), String::new());
    for (i, line) in dotenv.lines().enumerate() {
        let half = if i % 2 == 0 { &mut even } else { &mut odd };
        writeln!(half, "{line}").unwrap();
    }
    t.write("even.env", &even);
    t.write("odd.env", &odd);
    // And the shape that was quadratic: 8,000 vars one rotation behind
    // 8,000 others, all on the same two pairs.
    let (mut stale, mut fresh) = (String::new(), String::new());
    for i in 0..CHAIN / 2 {
        writeln!(stale, "S{i}_SECURE_KEY={}", pair(A, C)).unwrap();
        writeln!(fresh, "F{i}_SECURE_KEY={}", pair(B, A)).unwrap();
    }
    t.write("stale.env", &stale);
    t.write("fresh.env", &fresh);
    let out = run(&t, &["lint", "-q", "stale.env", "fresh.env"], &[]);
    out.clean_exit("8,000 stale vars behind 8,000 fresh ones");
    assert!(
        out.output_len() < CHAIN * PER_VAR_OUTPUT,
        "shared pairs: output"
    );
    for args in [
        &["lint", "--format", "json", "chain.env"][..],
        &[
            "lint",
            "--format",
            "json",
            "app-even=even.env",
            "app-odd=odd.env",
        ],
    ] {
        let case = format!("{args:?}");
        let out = run(&t, args, &[]);
        // `copied` is a warning.
        assert_eq!(out.clean_exit(&case), 0, "{case}");
        let report = json_report(&out, &case);
        let copied = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check"] == "copied")
            .count();
        assert_eq!(
            copied as u64,
            CHAIN - 1,
            "{case}: every link but the newest"
        );
        assert!(out.output_len() < CHAIN * PER_VAR_OUTPUT, "{case}: output");
    }
}

/// 80,000 names took 10 s (release) when each was compared with every
/// name before it; a quarter of a million (50,000 names, each five times:
/// a run checks at most 100,000 vars) would take minutes (more than the
/// deadline in a debug build), and takes about a second when linear.
#[test]
fn a_quarter_million_required_names_finish() {
    let t = TestEnv::new();
    let names: Vec<String> = (0..250_000)
        .map(|i| format!("N{}_SECURE_KEY", i % 50_000))
        .collect();
    t.write(
        "require.env",
        format!("SECUREKEY_REQUIRE=\"{}\"\n", names.join(" ")),
    );
    let case = "250,000 names in SECUREKEY_REQUIRE";
    let out = run(
        &t,
        &[
            "check",
            "--env-file",
            "require.env",
            "--format",
            "json",
            "--allow",
            "missing",
        ],
        &[],
    );
    assert_eq!(out.clean_exit(case), 0, "{case}");
    assert_eq!(
        json_report(&out, case)["keys"],
        serde_json::json!([]),
        "{case}"
    );
}

/// A missing name was looked up by a scan of every var: 99,000 missing
/// required names against 300,000 vars took 88 s (release).
#[test]
fn many_missing_required_names_against_many_vars_finish() {
    let t = TestEnv::new();
    let mut content = String::with_capacity(6 << 20);
    let names: Vec<String> = (0..90_000).map(|i| format!("M{i}_SECURE_KEY")).collect();
    writeln!(content, "SECUREKEY_REQUIRE=\"{}\"", names.join(" ")).unwrap();
    for i in 0..300_000 {
        writeln!(content, "VAR_{i}=x").unwrap();
    }
    t.write("big.env", content);
    let case = "90,000 missing names, 300,000 vars";
    let out = run(&t, &["check", "--env-file", "big.env", "-q"], &[]);
    assert_eq!(out.clean_exit(case), 1, "{case}");
}

/// Every log line built its own masking writer, and past a few hundred key
/// vars each writer read all the key material again: `-v` over 20,000 key
/// vars took 128 s (release), `write` of 20,000 `NEW,` vars 50 s.
#[test]
fn logs_and_messages_over_many_key_vars_finish() {
    let t = TestEnv::new();
    let mut ok = String::new();
    let mut new_comma = String::new();
    for i in 0..20_000 {
        let key = gen_key(i);
        writeln!(ok, "K{i}_SECURE_KEY={key},{}", gen_key(i + 1_000_000)).unwrap();
        writeln!(new_comma, "K{i}_SECURE_KEY={key},").unwrap();
    }
    t.write("ok.env", ok);
    t.write("new.env", new_comma);
    let case = "check -v over 20,000 key vars";
    // SECURE_KEY, required by default, is not there: allowed.
    let out = run(
        &t,
        &["check", "--env-file", "ok.env", "-v", "--allow", "missing"],
        &[],
    );
    assert_eq!(out.clean_exit(case), 0, "{case}");
    let case = "write over 20,000 NEW, vars";
    let out = run(
        &t,
        &["write", "--env-file", "new.env", "-q", "--allow", "missing"],
        &[],
    );
    assert_eq!(out.clean_exit(case), 1, "{case}");
}

// ------------------------------------------------ 7. memory caps

#[test]
fn dev_zero_as_an_env_file_stops_at_the_input_cap() {
    let t = TestEnv::new();
    for args in [
        &["check", "--env-file", "/dev/zero"][..],
        &["check", "--heroku-json", "/dev/zero"],
        &["lint", "/dev/zero"],
        &["lint", "zero=/dev/zero"],
    ] {
        let case = format!("{args:?}");
        let out = run(&t, args, &[]);
        out.assert_code(&case, 2);
        stderr_says(&out, &case, &["64 MiB", &MAX_INPUT_BYTES.to_string()]);
    }
}

#[test]
fn stdin_past_the_input_cap_is_refused() {
    let t = TestEnv::new();
    let mut cmd = t.cmd_limited(["check", "--env-file", "-"], MEMORY_LIMIT_KIB);
    let input = vec![b'#'; usize::try_from(MAX_INPUT_BYTES).unwrap() + 4096];
    let out = run_with_deadline(&mut cmd, Some(input));
    out.assert_code("stdin past the cap", 2);
    stderr_says(
        &out,
        "stdin past the cap",
        &["64 MiB", &MAX_INPUT_BYTES.to_string()],
    );
}

#[test]
fn an_env_dir_past_its_total_cap_is_refused() {
    let t = TestEnv::new();
    // 16 sparse files of 60 MB: each under the per-file cap, 960 MB in all.
    let dir = t.path().join("env_dir");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("SECURE_KEY"), pair(A, B)).unwrap();
    for i in 0..16 {
        std::fs::File::create(dir.join(format!("BIG_{i}")))
            .unwrap()
            .set_len(60_000_000)
            .unwrap();
    }
    const { assert!(16 * 60_000_000 > MAX_ENV_DIR_BYTES) };
    for args in [&["check", "--env-dir", "env_dir"][..], &["lint", "env_dir"]] {
        let case = format!("{args:?}");
        let out = run(&t, args, &[]);
        out.assert_code(&case, 2);
        stderr_says(&out, &case, &["64 MiB", &MAX_ENV_DIR_BYTES.to_string()]);
        out.no_window(&case, ALL_KEYS);
    }
}

/// Every checked value is kept (for the mask) to the end of a run, so
/// lint's sources together get one input's cap on their key vars.
#[test]
fn lint_key_vars_past_one_inputs_cap_are_refused() {
    let t = TestEnv::new();
    let big = "A".repeat(33 << 20);
    t.write("a.env", format!("A_SECURE_KEY={big}\n"));
    t.write("b.env", format!("B_SECURE_KEY={big}\n"));
    let case = "two apps with a 33 MiB key var each";
    let out = run(&t, &["lint", "a.env", "b.env"], &[]);
    out.assert_code(case, 2);
    stderr_says(&out, case, &["lint fewer apps"]);
}

#[test]
fn five_million_vars_are_too_many() {
    const VARS: usize = 5 * MAX_VARS;
    let t = TestEnv::new();
    let mut dotenv = String::with_capacity(VARS * 12);
    for i in 0..VARS {
        writeln!(dotenv, "V{i}=1").unwrap();
    }
    assert!(
        (dotenv.len() as u64) < MAX_INPUT_BYTES,
        "under the byte cap"
    );
    t.write("many.env", &dotenv);
    drop(dotenv);
    for args in [
        &["check", "--env-file", "many.env"][..],
        &["lint", "many.env"],
    ] {
        let case = format!("{args:?}");
        let out = run(&t, args, &[]);
        out.assert_code(&case, 2);
        stderr_says(&out, &case, &["too many"]);
    }
}

#[test]
fn a_60_mb_json_value_is_refused_within_memory() {
    let t = TestEnv::new();
    let mut json = String::with_capacity(61 << 20);
    json.push_str("{\"SECURE_KEY\":[");
    while json.len() < 60 << 20 {
        json.push_str("[0,0,0,0,0,0,0,0,0,0],");
    }
    json.push_str("0]}");
    t.write("array.json", &json);
    drop(json);
    for args in [
        &["check", "--heroku-json", "array.json"][..],
        &["lint", "array.json"],
    ] {
        let case = format!("{args:?}");
        let out = run(&t, args, &[]);
        out.assert_code(&case, 2);
        stderr_says(&out, &case, &["SECURE_KEY"]);
    }
}

// ------------------------------------------------ 8. securekey.json

/// Ways to say that `securekey.json` is not a small regular file.
const NOT_A_CONFIG_FILE: &[&str] = &[
    "regular file",
    "not a file",
    "device",
    "fifo",
    "pipe",
    "larger than",
    "too large",
];

#[test]
fn securekey_json_symlinked_to_dev_zero_is_refused() {
    let t = TestEnv::new();
    std::os::unix::fs::symlink("/dev/zero", t.path().join("securekey.json")).unwrap();
    let out = run(&t, &["check"], &[("SECURE_KEY", &pair(A, B))]);
    out.assert_code("securekey.json -> /dev/zero", 2);
    stderr_says(&out, "securekey.json -> /dev/zero", &["securekey.json"]);
    stderr_says(&out, "securekey.json -> /dev/zero", NOT_A_CONFIG_FILE);
}

#[test]
fn securekey_json_as_a_fifo_is_refused_without_waiting() {
    let t = TestEnv::new();
    let status = Command::new("mkfifo")
        .arg(t.path().join("securekey.json"))
        .status()
        .unwrap();
    assert!(status.success());
    let out = run(&t, &["check"], &[("SECURE_KEY", &pair(A, B))]);
    out.assert_code("securekey.json a FIFO", 2);
    stderr_says(&out, "securekey.json a FIFO", &["securekey.json"]);
    stderr_says(&out, "securekey.json a FIFO", NOT_A_CONFIG_FILE);
}

#[test]
fn a_huge_securekey_json_is_refused() {
    let t = TestEnv::new();
    // Sparse: a gigabyte of NULs without writing them.
    std::fs::File::create(t.path().join("securekey.json"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let out = run(&t, &["check"], &[("SECURE_KEY", &pair(A, B))]);
    out.assert_code("securekey.json of 1 GiB", 2);
    stderr_says(&out, "securekey.json of 1 GiB", &["securekey.json"]);
    stderr_says(
        &out,
        "securekey.json of 1 GiB",
        &[
            "64 KiB",
            &MAX_CONFIG_BYTES.to_string(),
            "larger than",
            "too large",
        ],
    );
}

// ------------------------------------------------ 9. exec-d and config errors

/// Configuration errors exec-d meets at boot: a typo in `SECUREKEY_REQUIRE`
/// (a name that is not one), and `securekey.json` malformed two ways.
fn boot_config_errors(t: &TestEnv) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    vec![
        (
            "SECUREKEY_REQUIRE typo",
            vec![("SECUREKEY_REQUIRE", "SECURE_KEY OTHER!KEY".to_owned())],
        ),
        (
            "SECUREKEY_REQUIRE a digit first",
            vec![("SECUREKEY_REQUIRE", "SECURE_KEY,9KEY".to_owned())],
        ),
        ("securekey.json not JSON", {
            t.write("bad-json/securekey.json", "{\"require\": [\"SECURE_KEY\"");
            vec![("CWD", "bad-json".to_owned())]
        }),
        ("securekey.json require not a list", {
            t.write("bad-list/securekey.json", "{\"require\": \"SECURE_KEY\"}");
            vec![("CWD", "bad-list".to_owned())]
        }),
    ]
}

/// exec-d in `cwd` (under the test dir), fd 3 on a fresh file; returns the
/// outcome, fd 3's content and whether a key file was written.
fn boot(
    t: &TestEnv,
    name: &str,
    cwd: Option<&str>,
    vars: &[(&str, &str)],
) -> (Outcome, Vec<u8>, bool) {
    let fd3 = t.path().join(format!("{name}.fd3"));
    let key_file = t.path().join(format!("{name}/keys.json"));
    let mut all: Vec<(&str, &str)> = vars.to_vec();
    all.push(("SECUREKEY_FILE", key_file.to_str().unwrap()));
    let out = match cwd {
        None => t.exec_d(&fd3, true, &all),
        Some(dir) => {
            // exec-d reads securekey.json from its working directory.
            let sub = TestEnv {
                dir: tempfile::tempdir_in(t.path()).unwrap(),
            };
            std::fs::copy(
                t.path().join(dir).join("securekey.json"),
                sub.path().join("securekey.json"),
            )
            .unwrap();
            sub.exec_d(&fd3, true, &all)
        }
    };
    let written = std::fs::read(&fd3).unwrap_or_default();
    (out, written, key_file.exists())
}

#[test]
fn exec_d_starts_the_process_despite_a_configuration_error() {
    let t = TestEnv::new();
    let good = pair(A, B);
    for (what, settings) in boot_config_errors(&t) {
        let cwd = settings
            .iter()
            .find(|(k, _)| *k == "CWD")
            .map(|(_, v)| v.as_str());
        let mut vars: Vec<(&str, &str)> = settings
            .iter()
            .filter(|(k, _)| *k != "CWD")
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        vars.push(("SECURE_KEY", &good));
        let (out, fd3, written) = boot(&t, "unset", cwd, &vars);
        out.assert_code(what, 0);
        out.no_window(what, ALL_KEYS);
        assert!(!out.stderr.is_empty(), "{what}: the error is logged");
        assert!(fd3.is_empty(), "{what}: nothing on fd 3");
        assert!(!written, "{what}: no key file");

        vars.push(("SECUREKEY_BOOT", "strict"));
        let (out, fd3, written) = boot(&t, "strict", cwd, &vars);
        let code = out.clean_exit(what);
        assert_ne!(code, 0, "{what}: SECUREKEY_BOOT=strict stops the launch");
        out.no_window(what, ALL_KEYS);
        assert!(
            fd3.is_empty() && !written,
            "{what}: nothing on fd 3, no key file"
        );
    }
}

// ------------------------------------------------ 10. exec-d, fd 3 read-only

#[test]
fn exec_d_refuses_a_read_only_fd_3_and_leaves_its_file_alone() {
    let t = TestEnv::new();
    let fd3 = t.path().join("fd3");
    std::fs::write(&fd3, "UNTOUCHED\n").unwrap();
    let key_file = t.path().join("boot/keys.json");
    let good = pair(A, B);
    let out = t.exec_d(
        &fd3,
        false,
        &[
            ("SECURE_KEY", &good),
            ("SECUREKEY_FILE", key_file.to_str().unwrap()),
        ],
    );
    out.assert_code("fd 3 read-only", 2);
    out.no_window("fd 3 read-only", ALL_KEYS);
    stderr_says(&out, "fd 3 read-only", &["file descriptor 3", "fd 3"]);
    stderr_says(&out, "fd 3 read-only", &["writ"]);
    assert_eq!(
        std::fs::read(&fd3).unwrap(),
        b"UNTOUCHED\n",
        "the file behind fd 3"
    );
}

// ------------------------------------------------ 11. control characters

/// No ESC, no bidi override, and no line that starts with text a name or a
/// label smuggled in after a newline.
fn assert_no_forgery(out: &Outcome, case: &str) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(!bytes.contains(&0x1b), "{case}: {stream} holds a raw ESC");
        assert!(!bytes.contains(&b'\r'), "{case}: {stream} holds a raw CR");
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains('\u{202e}') && !text.contains('\u{2066}'),
            "{case}: {stream} holds a bidi control"
        );
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("FORGED")),
            "{case}: {stream} holds a line forged by a name"
        );
    }
}

#[test]
fn control_characters_in_names_are_escaped() {
    let t = TestEnv::new();
    let evil = [
        "EVIL\nFORGED  ok       latest 00000000  previous 00000000\nX_SECURE_KEY",
        "EVIL\r\nFORGED_CR_SECURE_KEY",
        "EVIL\x1b[2J\x1b[31m_SECURE_KEY",
        "EVIL\u{202e}YEK_ERUCES\u{2066}_SECURE_KEY",
    ];
    let json = serde_json::Value::Object(
        evil.iter()
            .map(|n| ((*n).to_owned(), serde_json::Value::from(pair(A, B))))
            .collect(),
    );
    t.write("evil.json", json.to_string());
    let vars: Vec<(&str, &str)> = evil.iter().map(|n| (*n, "NEW,")).collect();
    for mode in MODES {
        for (what, args, vars) in [
            ("json", vec!["check", "--heroku-json", "evil.json"], vec![]),
            ("lint json", vec!["lint", "evil.json"], vec![]),
            ("process env", vec!["check"], vars.clone()),
        ] {
            let case = format!("{what} {mode:?}");
            let mut all = vars.clone();
            all.push(("SECUREKEY_LOG", "trace"));
            let out = run(&t, &refs(&with_mode(&args, mode)), &all);
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
            assert_no_forgery(&out, &case);
        }
    }
}

#[test]
fn control_characters_in_lint_labels_and_paths_are_escaped() {
    let t = TestEnv::new();
    t.write("k.env", format!("SECURE_KEY={}\n", pair(A, B)));
    t.write(
        "dir/evil\nFORGED\x1b[31m.env",
        format!("SECURE_KEY={}\n", pair(C, D)),
    );
    for mode in MODES {
        for args in [
            vec![
                "lint".to_owned(),
                "app\x1b[31m\nFORGED_LABEL=k.env".to_owned(),
            ],
            vec![
                "lint".to_owned(),
                "app\u{202e}=k.env".to_owned(),
                "x\r\nFORGED=k.env".to_owned(),
            ],
            vec!["lint".to_owned(), "dir/evil\nFORGED\x1b[31m.env".to_owned()],
            vec![
                "check".to_owned(),
                "--env-file".to_owned(),
                "no\nFORGED\x1b[2J.env".to_owned(),
            ],
            vec![
                "check".to_owned(),
                "--format".to_owned(),
                "human\nFORGED\x1b[2J".to_owned(),
            ],
        ] {
            let case = format!("{:?} {mode:?}", args[1]);
            let out = run(
                &t,
                &refs(&with_mode(&refs(&args), mode)),
                &[("SECUREKEY_LOG", "trace")],
            );
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
            assert_no_forgery(&out, &case);
        }
    }
}

// ------------------------------------- found by fuzz/ (the pipeline target)
//
// Each class the fuzz target found, with the real binary. The target's
// inputs were minimised; these are the same classes with real keys.

/// A key every 8-char piece of which starts with a letter: each piece is a
/// valid var name by itself, and too short to look like a key.
const LETTER_PIECES: &str = "ABCDEF01BCDEF012CDEF0123DEF01234EF012345F0123456A1234567B2345678";

/// A key whose first and last 10 chars are digits (an `ESC [` before them
/// made them parameters of a control sequence).
const DIGIT_ENDS: &str = "1234567890ABCDEF1234567890ABCDEF1234567890ABCDEF1234567890123456";

fn pieces(key: &str) -> Vec<String> {
    key.as_bytes()
        .chunks(8)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect()
}

#[test]
fn a_key_cut_into_valid_names_is_never_echoed_as_required_names() {
    let t = TestEnv::new();
    t.write("k.env", format!("SECURE_KEY={}\n", pair(C, D)));
    let keys = [LETTER_PIECES];
    let names = pieces(LETTER_PIECES);
    // As a shell splits `securekey check $KEY_IN_8S`.
    let mut args = vec!["check".to_owned(), "--env-file".into(), "k.env".into()];
    args.extend(names.iter().cloned());
    for mode in MODES {
        let case = format!("arguments {mode:?}");
        let out = run(&t, &refs(&with_mode(&refs(&args), mode)), &[]);
        out.assert_code(&case, 2);
        out.no_window(&case, &keys);
    }
    for sep in [" ", ",", "\n"] {
        let require = names.join(sep);
        for mode in MODES {
            let case = format!("SECUREKEY_REQUIRE joined by {sep:?} {mode:?}");
            let out = run(
                &t,
                &refs(&with_mode(&["check"], mode)),
                &[("SECUREKEY_REQUIRE", &require), ("SECURE_KEY", &pair(C, D))],
            );
            out.assert_code(&case, 2);
            out.no_window(&case, &keys);
        }
    }
    // A saved env's own setting, in lint.
    t.write(
        "app.env",
        format!(
            "SECUREKEY_REQUIRE=\"{}\"\nSECURE_KEY={}\n",
            names.join(" "),
            pair(C, D)
        ),
    );
    for mode in MODES {
        let case = format!("lint SECUREKEY_REQUIRE {mode:?}");
        let out = run(&t, &refs(&with_mode(&["lint", "app.env"], mode)), &[]);
        out.assert_code(&case, 2);
        out.no_window(&case, &keys);
    }
    t.write(
        "securekey.json",
        serde_json::json!({ "require": names }).to_string(),
    );
    let out = run(&t, &["check", "--env-file", "k.env"], &[]);
    out.assert_code("securekey.json", 2);
    out.no_window("securekey.json", &keys);
}

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
            let out = run(&t, &refs(&with_mode(&args, mode)), &[]);
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
            // The warning is still there, with the piece masked.
            stderr_says(&out, &case, &["not a config var name"]);
        }
    }
}

/// A lint argument that is a key cut by the `=` of `APP=PATH`, or by the
/// last `/` of a path: the label (in every header and finding) or the path
/// (in errors) was printed alone, too short to look like a key.
#[test]
fn a_key_cut_into_a_lint_label_and_path_is_never_printed() {
    let t = TestEnv::new();
    let keys = [LETTER_PIECES];
    let good = format!("SECURE_KEY={}\n", pair(C, D));
    // `ABCDEF01=BCDEF012`, with and without a file by that path.
    let at_eq = format!("{}={}", &LETTER_PIECES[..8], &LETTER_PIECES[8..16]);
    let at_slash = format!("{}/{}", &LETTER_PIECES[..24], &LETTER_PIECES[24..32]);
    t.write(&at_slash, &good);
    for args in [
        vec!["lint", at_eq.as_str()],
        vec!["lint", at_slash.as_str()],
        vec!["lint", "k.env", at_eq.as_str()],
    ] {
        for mode in MODES {
            let case = format!("{args:?} {mode:?}");
            let out = run(&t, &refs(&with_mode(&args, mode)), &[]);
            out.clean_exit(&case);
            out.no_window(&case, &keys);
        }
    }
    t.write(&LETTER_PIECES[8..16], &good);
    for mode in MODES {
        let case = format!("{at_eq} with a file at its path {mode:?}");
        let out = run(&t, &refs(&with_mode(&["lint", &at_eq], mode)), &[]);
        out.clean_exit(&case);
        out.no_window(&case, &keys);
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
    let tail = format!("x{}\x1b[{}", &DIGIT_ENDS[..54], &DIGIT_ENDS[54..]);
    t.write("k.env", format!("SECURE_KEY={}\n", pair(C, D)));
    t.write(
        "names.json",
        serde_json::json!({ lead.clone(): pair(C, D), tail.clone(): pair(D, C) }).to_string(),
    );
    let label = format!("{lead}=k.env");
    for args in [
        vec!["check", "--heroku-json", "names.json"],
        vec!["lint", "names.json"],
        vec!["lint", label.as_str()],
        vec!["check", "--env-file", tail.as_str()],
    ] {
        for mode in MODES {
            let case = format!("{:?} {mode:?}", args[..2].join(" "));
            let out = run(
                &t,
                &refs(&with_mode(&args, mode)),
                &[("SECUREKEY_LOG", "trace")],
            );
            out.clean_exit(&case);
            out.no_window(&case, &keys);
        }
    }
}
