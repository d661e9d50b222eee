//! Classes 1, 2, 3 and 11 of issue 10: keys used as names, app names, split or grouped key-shaped text, control characters.

use super::*;

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
            let out = run(&t, &args, &[("SECUREKEY_LOG", "trace")]);
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
                &with_mode(&refs(&write), mode),
                &[("SECUREKEY_LOG", "trace")],
            );
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);

            let lint = ["lint", &source[1]];
            let case = format!("lint {} {mode:?}", source[1]);
            let out = run(&t, &with_mode(&lint, mode), &[("SECUREKEY_LOG", "trace")]);
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
        let out = run(&t, &args, &[("SECUREKEY_LOG", "trace")]);
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
            let out = run(&t, &args, &vars);
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
        ("QUOTED_SECURE_KEY".into(), format!("\"{A},{B}\"")),
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
            let out = run(&t, &with_mode(&args, mode), &vars);
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
                &with_mode(&["check", "OTHER_SECURE_KEY", "MISSING_SECURE_KEY"], mode),
                &env_refs(&vars),
            );
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
        }
    }
}

// --------------------------------------- 3. split or grouped key-shaped text

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
            let out = run(&t, &with_mode(&args, mode), &all);
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
                &with_mode(&refs(&args), mode),
                &[("SECUREKEY_LOG", "trace")],
            );
            out.clean_exit(&case);
            out.no_window(&case, ALL_KEYS);
            assert_no_forgery(&out, &case);
        }
    }
}

/// A key var's value cut by control characters where a name or a path
/// belongs: printed escaped (`\n`, `\t`, `\x01`, their backslashes doubled
/// in the JSON report), the escapes' letters broke the mask's run of the
/// value's letters and digits, and 15 chars of the checked key got out at
/// the default log level.
#[test]
fn a_keys_pieces_cut_by_control_characters_are_masked() {
    let t = TestEnv::new();
    t.write("afile", "x");
    let key_pair = pair(A, B);
    for sep in ["\n", "\t", "\x01", "\u{202e}"] {
        let name = format!(
            "X{}{sep}{}{sep}{}_SECURE_KEY",
            &A[..5],
            &A[5..10],
            &A[10..15]
        );
        let path = format!(
            "afile/{}{sep}{}{sep}{}/keys.json",
            &A[..5],
            &A[5..10],
            &A[10..15]
        );
        // The env file's own path, the report's `source`: JSON doubles the
        // escapes' backslashes (`\\n`).
        // `.txt`, not `.env`: its `e` would make 16 hex digits, which guard 1
        // redacts by itself.
        let env_file = format!("k{}{sep}{}{sep}{}.txt", &A[..5], &A[5..10], &A[10..15]);
        t.write(&env_file, format!("SECURE_KEY={key_pair}\n"));
        for mode in MODES {
            for (what, args, vars) in [
                (
                    "a skipped name",
                    vec!["check"],
                    vec![("SECURE_KEY", key_pair.as_str()), (name.as_str(), "x")],
                ),
                (
                    "a write path",
                    vec!["write", "--output", path.as_str()],
                    vec![("SECURE_KEY", key_pair.as_str())],
                ),
                (
                    "an env file's path",
                    vec!["check", "--env-file", env_file.as_str()],
                    vec![],
                ),
            ] {
                let case = format!("{what}, cut by {sep:?}, {mode:?}");
                // Not under `sh` (`run`): a shell drops env names like these.
                let mut cmd = t.cmd(with_mode(&args, mode));
                cmd.envs(vars.iter().copied());
                let out = run_with_deadline(&mut cmd, None);
                out.clean_exit(&case);
                out.no_window(&case, ALL_KEYS);
            }
        }
    }
}

/// `check --env-dir` logged a file it skipped for its name while it read
/// the directory, before the mask knew the directory's key values: a name
/// holding 12 chars of the checked key got out at debug level.
#[test]
fn an_env_dir_file_skipped_for_its_name_is_logged_through_the_mask() {
    let t = TestEnv::new();
    t.write("env_dir/SECURE_KEY", pair(A, B));
    t.write(&format!("env_dir/9{}", &A[..12]), "x");
    for mode in MODES {
        let case = format!("{mode:?}");
        let out = run(
            &t,
            &with_mode(&["check", "--env-dir", "env_dir"], mode),
            &[("SECUREKEY_LOG", "trace")],
        );
        out.clean_exit(&case);
        out.no_window(&case, ALL_KEYS);
    }
    // What holds no secret is shown as typed, with clap's tip.
    let out = run(&t, &["chek"], &[]);
    assert_eq!(out.clean_exit("chek"), 2);
    let err = out.stderr_text();
    assert!(
        err.contains("'chek'") && err.contains("similar subcommand exists: 'check'"),
        "{err}"
    );
    let out = run(&t, &["check", "--envfile", "x"], &[]);
    let err = out.stderr_text();
    assert!(
        err.contains("'--envfile'") && err.contains("'--env-file'"),
        "{err}"
    );
}

/// Usage errors repeated the bad argument, and only key-shaped ones were
/// withheld: a 12-char piece of a key var's value passed as an option value
/// got out whenever the mask had not learnt that var (a var required by
/// `SECUREKEY_REQUIRE`, or one in the `--env-file` the run would read).
#[test]
fn usage_errors_show_the_typo_but_never_a_known_secret() {
    let t = TestEnv::new();
    t.write("app.env", format!("SECURE_KEY={}\n", pair(A, B)));
    let piece = &A[..12];
    let typo = format!("chek{piece}");
    let flag = format!("--{piece}");
    let mine = format!("{} ", pair(A, B));
    let required: &[(&str, &str)] = &[("SECUREKEY_REQUIRE", "MINE"), ("MINE", &mine)];
    for (i, (args, vars)) in [
        (vec!["check", "--allow", piece], required),
        (vec!["check", "--format", piece], required),
        (vec!["check", flag.as_str()], required),
        (vec![typo.as_str()], required),
        (vec!["write", "--strict", piece, "--bogus"], required),
    ]
    .into_iter()
    .enumerate()
    {
        let case = format!("usage error #{i}");
        let out = run(&t, &args, vars);
        assert_eq!(out.clean_exit(&case), 2, "{case}: a usage error");
        out.no_window(&case, ALL_KEYS);
    }
}
