//! Hostile inputs: huge values and files, many vars, NUL bytes, invalid
//! UTF-8, a BOM, CRLF, a directory or a FIFO where a file belongs, a 10 MB
//! `heroku config --json`, JSON nested 100,000 deep. Each gets a clear error
//! or a correct result, and no panic or leak (`Run::code` checks the leak).
//! Time and memory are bounded by the test finishing; durations are
//! measured by `scripts/bench`, never asserted here.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{A, B, C, D, Run, TestEnv, pair};

/// A dotenv line setting `name` to the pair.
fn line(name: &str, latest: &str, previous: &str) -> String {
    format!("{name}={}\n", pair(latest, previous))
}

fn no_panic(run: &Run) {
    assert!(!run.stderr.contains("panicked"), "the binary panicked");
}

fn check_file(env: &TestEnv, path: &Path) -> Run {
    let path = path.to_str().unwrap();
    let run = env.run(["check", "--format", "json", "--env-file", path]);
    no_panic(&run);
    run
}

#[test]
fn a_1_mib_value_is_checked_not_echoed() {
    let env = TestEnv::new();
    // One key repeated without commas: `key-count`, and no piece of it printed.
    let blob = A.repeat(1024 * 1024 / A.len());
    let path = env.write("big.env", format!("SECURE_KEY={blob}\n"));
    let run = check_file(&env, &path);
    run.code(1);
    assert_eq!(run.finding_ids(), ["key-count"]);

    // Two 512 KiB hex "keys": `length`, twice, with the length said.
    let half = B.repeat(512 * 1024 / B.len());
    let path = env.write("long.env", format!("SECURE_KEY={half},{half}\n"));
    let run = check_file(&env, &path);
    run.code(1);
    assert_eq!(run.finding_ids(), ["length", "length"]);
    assert!(run.stdout.contains("524288"), "the length is named");

    // The same value as an ENV_DIR file (Heroku's build-time layout).
    let dir = env.path().join("env_dir");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("SECURE_KEY"), format!("{half},{half}")).unwrap();
    let run = env.run(["check", "--format", "json", "--env-dir", "env_dir"]);
    no_panic(&run);
    run.code(1);
    assert_eq!(run.finding_ids(), ["length", "length"]);
}

#[test]
fn a_1_mib_value_of_many_keys_is_a_key_count() {
    let env = TestEnv::new();
    let many = [A, B, C, D].join(",").repeat(4096);
    let path = env.write("many.env", format!("SECURE_KEY={many}\n"));
    let run = check_file(&env, &path);
    run.code(1);
    assert_eq!(run.finding_ids(), ["key-count"]);
}

#[test]
fn one_hundred_thousand_vars() {
    let env = TestEnv::new();
    let mut content = String::with_capacity(3_000_000);
    for i in 0..100_000 {
        writeln!(content, "VAR_{i}=value-{i}").unwrap();
    }
    content.push_str(&line("SECURE_KEY", A, B));
    let path = env.write("vars.env", &content);
    let started = Instant::now();
    let run = check_file(&env, &path);
    run.code(0);
    assert_eq!(run.json()["keys"].as_array().unwrap().len(), 1);
    eprintln!(
        "100,000 plain vars: {:?} (debug build; measured, not asserted)",
        started.elapsed()
    );
}

#[test]
fn ten_thousand_key_vars_are_all_checked() {
    // Every one is discovered and looked up by name: this was quadratic
    // before Env kept an index (minutes at 100,000).
    let env = TestEnv::new();
    let mut content = String::new();
    for i in 0..10_000 {
        let (l, p) = if i % 2 == 0 { (A, B) } else { (C, D) };
        content.push_str(&line(&format!("APP{i}_SECURE_KEY"), l, p));
    }
    content.push_str(&line("SECURE_KEY", B, C));
    let path = env.write("keys.env", &content);
    let started = Instant::now();
    let run = check_file(&env, &path);
    // Pairs held by many vars are `duplicate-pair` warnings, not errors.
    run.code(0);
    assert_eq!(run.json()["keys"].as_array().unwrap().len(), 10_001);
    eprintln!(
        "10,000 key vars: {:?} (debug build; measured, not asserted)",
        started.elapsed()
    );
}

#[test]
fn nul_bytes_in_a_value_are_not_hex() {
    let env = TestEnv::new();
    let path = env.write("nul.env", format!("SECURE_KEY={A}\0,{B}\n"));
    let run = check_file(&env, &path);
    run.code(1);
    assert_eq!(run.finding_ids(), ["not-hex"]);
    assert!(run.stdout.contains("control character"));
}

#[test]
fn nul_bytes_in_a_name_are_a_parse_error_naming_the_line() {
    let env = TestEnv::new();
    let path = env.write("nul.env", format!("{}X\0Y=1\n", line("SECURE_KEY", A, B)));
    let run = check_file(&env, &path);
    run.code(2);
    assert!(run.stderr.contains("nul.env:2:"), "names the line");
    assert!(run.stderr.contains("not a config var name"));
}

#[test]
fn a_file_of_nul_bytes_is_refused() {
    let env = TestEnv::new();
    let path = env.write("zeros", vec![0u8; 4096]);
    let run = check_file(&env, &path);
    run.code(2);
    assert!(run.stderr.contains("zeros:1:"), "{}", run.stderr);
    let run = env.run(["lint", "zeros"]);
    no_panic(&run);
    run.code(2);
}

#[test]
fn invalid_utf8_in_a_value_is_not_hex() {
    let env = TestEnv::new();
    let mut content = b"SECURE_KEY=\xff\xfe".to_vec();
    content.extend_from_slice(pair(&A[2..], B).as_bytes());
    content.push(b'\n');
    let path = env.write("bad.env", content);
    let run = check_file(&env, &path);
    run.code(1);
    assert_eq!(run.finding_ids(), ["not-hex"]);
    assert!(run.stdout.contains("not UTF-8"));
}

#[test]
fn invalid_utf8_in_a_name_is_a_parse_error() {
    let env = TestEnv::new();
    let mut content = line("SECURE_KEY", A, B).into_bytes();
    content.extend_from_slice(b"N\xffME=1\n");
    let path = env.write("bad.env", content);
    let run = check_file(&env, &path);
    run.code(2);
    assert!(run.stderr.contains("bad.env:2:"));
}

#[test]
fn invalid_utf8_names_in_an_env_dir_are_skipped() {
    use std::os::unix::ffi::OsStrExt;
    let env = TestEnv::new();
    let dir = env.path().join("env_dir");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("SECURE_KEY"), pair(A, B)).unwrap();
    std::fs::write(
        dir.join(std::ffi::OsStr::from_bytes(b"X\xff_SECURE_KEY")),
        pair(C, D),
    )
    .unwrap();
    let run = env.run(["check", "--format", "json", "--env-dir", "env_dir"]);
    no_panic(&run);
    run.code(0);
    assert_eq!(run.json()["keys"].as_array().unwrap().len(), 1);
}

#[test]
fn a_bom_is_ignored() {
    let env = TestEnv::new();
    let path = env.write("bom.env", format!("\u{feff}{}", line("SECURE_KEY", A, B)));
    check_file(&env, &path).code(0);
    env.write(
        "bom.json",
        format!("\u{feff}{{\"SECURE_KEY\":\"{}\"}}", pair(A, B)),
    );
    let run = env.run(["check", "--heroku-json", "bom.json"]);
    no_panic(&run);
    run.code(0);
    let run = env.run(["lint", "bom.env", "bom.json"]);
    no_panic(&run);
    // Same pair in two "apps": whatever lint says, it says it cleanly.
    assert!(matches!(run.code, 0 | 1));
    run.no_leak();
}

#[test]
fn crlf_line_ends_are_not_whitespace() {
    let env = TestEnv::new();
    let content = format!(
        "# saved on Windows\r\nSECURE_KEY={}\r\nOTHER=\"a\r\nb\"\r\n",
        pair(A, B)
    );
    let path = env.write("crlf.env", content);
    let run = check_file(&env, &path);
    run.code(0);
    assert!(
        run.finding_ids().is_empty(),
        "CR is part of the line end, not of the key"
    );
}

#[test]
fn a_directory_is_refused_clearly() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path().join("adir")).unwrap();
    for flag in ["--env-file", "--heroku-json"] {
        let run = env.run(["check", flag, "adir"]);
        no_panic(&run);
        run.code(2);
        assert!(run.stderr.contains("adir is a directory"), "{flag}");
    }
    // (`lint` takes a directory as an ENV_DIR, by design.)
}

#[test]
fn a_fifo_is_read_like_a_pipe() {
    const O_NONBLOCK: i32 = 0o4000;
    // `--env-file <(heroku config --shell)` hands over a FIFO or a pipe: it
    // is read to its end, like stdin.
    let env = TestEnv::new();
    let fifo = env.path().join("fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let mut child = env
        .cmd(["check", "--format", "json", "--env-file", "fifo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Opening a FIFO for writing blocks until a reader has it open; open it
    // non-blocking and retry, so a binary that never opens it fails the
    // test instead of hanging it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut writer = loop {
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new().write(true).custom_flags(O_NONBLOCK).open(&fifo) {
            Ok(file) => break file,
            Err(e) if e.raw_os_error() == Some(6) /* ENXIO: no reader yet */ => {
                assert!(child.try_wait().unwrap().is_none(), "exited without opening the FIFO");
                assert!(Instant::now() < deadline, "never opened the FIFO");
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("open fifo: {e}"),
        }
    };
    // Small enough for the pipe buffer, so a non-blocking write is whole.
    writer
        .write_all(line("SECURE_KEY", A, B).as_bytes())
        .unwrap();
    drop(writer);
    let output = child.wait_with_output().unwrap();
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    no_panic(&run);
    run.code(0);
    assert_eq!(run.json()["keys"][0]["var"], "SECURE_KEY");
}

#[test]
fn a_fifo_in_an_env_dir_is_skipped_not_waited_on() {
    let env = TestEnv::new();
    let dir = env.path().join("env_dir");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("SECURE_KEY"), pair(A, B)).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.join("X_SECURE_KEY"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::create_dir(dir.join("Y_SECURE_KEY")).unwrap();
    let run = env.run(["check", "--format", "json", "--env-dir", "env_dir"]);
    no_panic(&run);
    run.code(0);
    assert_eq!(run.json()["keys"].as_array().unwrap().len(), 1);
}

/// About `bytes` of `heroku config --json`, with `SECURE_KEY` among the vars.
fn big_heroku_json(bytes: usize) -> String {
    let filler = "x".repeat(1000);
    let mut json = String::with_capacity(bytes + 2000);
    json.push('{');
    let mut i = 0;
    while json.len() < bytes {
        write!(json, "\"VAR_{i}\":\"{filler}\",").unwrap();
        i += 1;
        if i == 5000 {
            write!(json, "\"SECURE_KEY\":\"{}\",", pair(A, B)).unwrap();
        }
    }
    json.push_str("\"LAST\":null}");
    json
}

#[test]
fn a_10_mb_heroku_config_json() {
    let env = TestEnv::new();
    env.write("config.json", big_heroku_json(10_000_000));
    let started = Instant::now();
    let run = env.run(["check", "--format", "json", "--heroku-json", "config.json"]);
    no_panic(&run);
    run.code(0);
    assert_eq!(run.json()["keys"][0]["var"], "SECURE_KEY");
    // Detected by content, too, in both commands.
    let run = env.run(["check", "--env-file", "config.json"]);
    no_panic(&run);
    run.code(0);
    let run = env.run(["lint", "web=config.json"]);
    no_panic(&run);
    run.code(0);
    eprintln!(
        "10 MB JSON, three runs: {:?} (debug build; measured, not asserted)",
        started.elapsed()
    );
}

#[test]
fn a_10_mb_json_on_stdin() {
    let env = TestEnv::new();
    let run = env.run_stdin(
        ["check", "--heroku-json", "-"],
        big_heroku_json(10_000_000).as_bytes(),
    );
    no_panic(&run);
    run.code(0);
}

#[test]
fn json_nested_100000_deep_is_refused_without_overflow() {
    let env = TestEnv::new();
    let deep = "[".repeat(100_000);
    env.write("deep.json", &deep);
    env.write("deep-value.json", format!("{{\"SECURE_KEY\":{deep}"));
    for (flag, file) in [
        ("--heroku-json", "deep.json"),
        ("--heroku-json", "deep-value.json"),
        ("--env-file", "deep-value.json"),
    ] {
        let run = env.run(["check", flag, file]);
        no_panic(&run);
        run.code(2);
        assert!(
            run.stderr.contains("not valid JSON") || run.stderr.contains("expected a JSON object"),
            "{flag} {file}: {}",
            run.stderr
        );
    }
    // A top-level array is not `heroku config --json`, nor dotenv.
    let run = env.run(["lint", "deep.json"]);
    no_panic(&run);
    run.code(2);
    assert!(run.stderr.contains("unknown format"));
}

#[test]
fn deep_json_that_fits_the_limit_but_is_not_a_string_is_refused() {
    let env = TestEnv::new();
    let value = format!("{}\"{A}\"{}", "[".repeat(100), "]".repeat(100));
    env.write("deep.json", format!("{{\"SECURE_KEY\":{value}}}"));
    let run = env.run(["check", "--heroku-json", "deep.json"]);
    no_panic(&run);
    run.code(2);
    assert!(
        run.stderr
            .contains("var #1 (by name order) is not a string")
    );
}

#[test]
fn an_input_over_64_mib_is_refused() {
    let env = TestEnv::new();
    let path = env.path().join("huge.env");
    // Sparse: 65 MiB of NULs without writing them.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let run = check_file(&env, &path);
    run.code(2);
    assert!(
        run.stderr
            .contains("the most securekey reads from one input"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_5_mb_env_file_checks_and_lints() {
    let env = TestEnv::new();
    let mut content = String::new();
    let mut i = 0;
    while content.len() < 5_000_000 {
        writeln!(content, "export VAR_{i}='{}' # comment", "v".repeat(80)).unwrap();
        i += 1;
    }
    content.push_str(&line("SECURE_KEY", A, B));
    let path = env.write("big.env", content);
    check_file(&env, &path).code(0);
    let run = env.run(["lint", "big.env"]);
    no_panic(&run);
    run.code(0);
}

#[test]
fn an_unterminated_quote_in_a_big_file_is_one_clear_error() {
    // A double quote that never closes swallows the rest of the file: the
    // error names the line it opened on, and the scan stays linear.
    let env = TestEnv::new();
    let mut content = String::from("OPEN=\"never closed\n");
    for i in 0..200_000 {
        writeln!(content, "SECURE_KEY_{i}={}", pair(A, B)).unwrap();
    }
    let path = env.write("open.env", content);
    let run = check_file(&env, &path);
    run.code(2);
    assert!(run.stderr.contains("open.env:1:"));
    assert!(run.stderr.contains("never closed"));
}

#[test]
fn garbage_on_stdin() {
    let env = TestEnv::new();
    let mut garbage: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
    garbage.extend_from_slice(A.as_bytes());
    let run = env.run_stdin(["check", "--env-file", "-"], &garbage);
    no_panic(&run);
    run.code(2);
}
