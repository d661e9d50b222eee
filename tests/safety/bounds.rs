//! Classes 4 to 8 of issue 10: huge names, output blow-up, quadratic time, memory caps, securekey.json.

use super::*;

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
                let out = run(&t, &with_mode(args, mode), &[("SECUREKEY_LOG", "debug")]);
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
            let out = run(&t, &args, &[]);
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
            &with_mode(&["check", "--env-file", "names.env"], mode),
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
            let out = run(&t, &with_mode(args, mode), &[]);
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
    t.write("env_dir/SECURE_KEY", pair(A, B));
    let dir = t.path().join("env_dir");
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
        stderr_says(&out, &case, &["is not a string"]);
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
