//! Property tests. The binary, fed arbitrary bytes as names and values with
//! valid keys hidden among them, never panics, exits 0, 1 or 2, and never
//! prints any 8 chars of those keys. The library: canonical form is
//! idempotent, and a valid pair round-trips through the key file.
//!
//! Case counts are small: each binary case spawns the debug binary, and the
//! suite should stay within seconds.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use proptest::prelude::*;
use proptest::test_runner::Config;

use securekey_cli::env::{Env, Var};
use securekey_cli::{Key, KeyFile, KeyPair};

use crate::common::{Run, TestEnv, assert_no_leak_of};

fn config(cases: u32) -> Config {
    Config {
        cases,
        // Shrinking reruns the binary many times; a failure's first case is
        // printed either way.
        max_shrink_iters: 64,
        failure_persistence: None,
        ..Config::default()
    }
}

/// A valid key, as the add-on writes it.
fn key() -> impl Strategy<Value = String> {
    "[0-9A-F]{64}"
}

/// A key as people mangle it: any case, whitespace around it, sometimes cut.
fn mangled_key() -> impl Strategy<Value = (String, String)> {
    (
        key(),
        any::<bool>(),
        "[ \t]{0,2}",
        "[ \t]{0,2}",
        prop_oneof![Just(64usize), 0usize..64],
    )
        .prop_map(|(k, lower, pre, post, keep)| {
            let shown = if lower {
                k.to_ascii_lowercase()
            } else {
                k.clone()
            };
            (k, format!("{pre}{}{post}", &shown[..keep]))
        })
}

/// A value: arbitrary bytes, or a pair of (mangled) keys with arbitrary
/// bytes around it, quoted or not. Returns the value and the keys in it.
fn value() -> impl Strategy<Value = (Vec<u8>, Vec<String>)> {
    let junk = || prop::collection::vec(any::<u8>(), 0..12);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..80).prop_map(|v| (v, Vec::new())),
        (
            mangled_key(),
            mangled_key(),
            junk(),
            junk(),
            0..4u8,
            "[,;]{1,2}"
        )
            .prop_map(|((l, ls), (p, ps), pre, post, quote, sep)| {
                let mut v = pre;
                let q: &[u8] = match quote {
                    0 => b"'",
                    1 => b"\"",
                    _ => b"",
                };
                v.extend_from_slice(q);
                v.extend_from_slice(format!("{ls}{sep}{ps}").as_bytes());
                v.extend_from_slice(q);
                v.extend_from_slice(&post);
                (v, vec![l, p])
            }),
        (key(), key()).prop_map(|(l, p)| (format!("{l},{p}").into_bytes(), vec![l, p])),
    ]
}

/// A name: one the tool looks for, or arbitrary bytes.
fn name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"SECURE_KEY".to_vec()),
        "[A-Z]{1,6}_SECURE_KEY".prop_map(String::into_bytes),
        "SECUREKEY_[A-Z]{1,6}_KEY".prop_map(String::into_bytes),
        "[A-Za-z_][A-Za-z0-9_.-]{0,10}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 1..16),
    ]
}

/// The exit code is a documented one, nothing panicked, and none of `keys`
/// shows through, 8 chars at a time.
fn assert_clean(run: &Run, keys: &[String]) {
    assert!(
        matches!(run.code, 0..=2),
        "exit code {} (output withheld)",
        run.code
    );
    assert!(
        !run.stderr.contains("panicked"),
        "the binary panicked (output withheld)"
    );
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    assert_no_leak_of(&run.stdout, "stdout", &keys);
    assert_no_leak_of(&run.stderr, "stderr", &keys);
    run.no_leak();
}

/// Options that change what is printed, not what is checked.
fn options() -> impl Strategy<Value = Vec<&'static str>> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(json, strict, verbose)| {
        let mut args = vec!["check"];
        if json {
            args.extend(["--format", "json"]);
        }
        if strict {
            args.push("--strict");
        }
        if verbose {
            args.push("-vv");
        }
        args
    })
}

proptest! {
    #![proptest_config(config(128))]

    /// A dotenv file of arbitrary lines, assignments among them.
    #[test]
    fn check_env_file_never_panics_or_leaks(
        lines in prop::collection::vec((name(), value(), any::<bool>(), 0..3u8), 0..8),
        crlf in any::<bool>(),
        opts in options(),
    ) {
        let mut content = Vec::new();
        let mut keys = Vec::new();
        for (name, (value, in_value), export, raw) in lines {
            // One line in three is raw bytes; the others assign.
            if raw == 0 {
                content.extend_from_slice(&value);
            } else {
                if export {
                    content.extend_from_slice(b"export ");
                }
                content.extend_from_slice(&name);
                content.push(b'=');
                content.extend_from_slice(&value);
            }
            content.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            keys.extend(in_value);
        }
        let env = TestEnv::new();
        env.write("app.env", &content);
        let mut args = opts;
        args.extend(["--env-file", "app.env"]);
        assert_clean(&env.run(&args), &keys);
    }

    /// Heroku's ENV_DIR: arbitrary bytes as file names and contents.
    #[test]
    fn check_env_dir_never_panics_or_leaks(
        vars in prop::collection::vec((name(), value()), 0..6),
        opts in options(),
    ) {
        let env = TestEnv::new();
        let dir = env.path().join("env_dir");
        std::fs::create_dir(&dir).unwrap();
        let mut keys = Vec::new();
        for (name, (value, in_value)) in vars {
            // What a file name can be.
            if name.contains(&b'/') || name.contains(&0) || name == b"." || name == b".." {
                continue;
            }
            std::fs::write(dir.join(OsStr::from_bytes(&name)), &value).unwrap();
            keys.extend(in_value);
        }
        let mut args = opts;
        args.extend(["--env-dir", "env_dir"]);
        assert_clean(&env.run(&args), &keys);
    }

    /// The process env: arbitrary bytes, less what an env string cannot hold.
    #[test]
    fn check_process_env_never_panics_or_leaks(
        vars in prop::collection::vec((name(), value()), 0..6),
        opts in options(),
    ) {
        let env = TestEnv::new();
        let mut cmd = env.cmd(&opts);
        let mut keys = Vec::new();
        for (name, (value, in_value)) in vars {
            if name.contains(&b'=') || name.contains(&0) || value.contains(&0) {
                continue;
            }
            cmd.env(OsStr::from_bytes(&name), OsStr::from_bytes(&value));
            keys.extend(in_value);
        }
        let output = cmd.output().unwrap();
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert_clean(&run, &keys);
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Parsing canonical text gives the same canonical text and id.
    #[test]
    fn canonical_form_is_idempotent((_, shown) in mangled_key(), noise in prop::collection::vec(any::<u8>(), 0..70)) {
        for text in [shown.as_bytes(), &noise] {
            if let Some(key) = Key::parse(text) {
                let again = Key::parse(key.expose().as_bytes()).expect("canonical text parses");
                prop_assert_eq!(again.expose(), key.expose());
                prop_assert_eq!(again.id(), key.id());
                let upper = text.trim_ascii().to_ascii_uppercase();
                prop_assert_eq!(key.expose().as_bytes(), upper.as_slice());
            }
        }
    }

    /// A pair's canonical text parses back to the same pair.
    #[test]
    fn pair_canonical_form_is_idempotent((_, l) in mangled_key(), (_, p) in mangled_key()) {
        if let Some(pair) = KeyPair::parse(format!("{l},{p}").as_bytes()) {
            let (latest, previous) = pair.both().expect("a parsed pair has both keys");
            let canonical = format!("{},{}", latest.expose(), previous.expose());
            let again = KeyPair::parse(canonical.as_bytes()).expect("canonical pair parses");
            prop_assert_eq!(&again, &pair);
            let (latest, previous) = again.both().expect("a parsed pair has both keys");
            prop_assert_eq!(format!("{},{}", latest.expose(), previous.expose()), canonical);
        }
    }

    /// Through the key file's text, and through a file on disk.
    #[test]
    fn a_valid_pair_round_trips_through_the_key_file(
        pairs in prop::collection::btree_map("[A-Z_][A-Z0-9_]{0,20}", ((key(), any::<bool>()), prop::option::of(key())), 1..4),
    ) {
        let mut file = KeyFile::new();
        for (var, ((latest, lower), previous)) in &pairs {
            let latest = if *lower { latest.to_ascii_lowercase() } else { latest.clone() };
            let pair = match previous {
                Some(previous) => KeyPair::parse(format!(" {latest},{previous}\n").as_bytes()).expect("a valid pair"),
                // The add-on's `NEW,`: the latest key alone.
                None => KeyPair::latest_only(Key::parse(latest.as_bytes()).expect("a valid key")),
            };
            file.insert(var.clone(), pair);
        }
        let json = file.to_json();
        let parsed = KeyFile::parse(json.as_bytes()).expect("the key file parses");
        prop_assert_eq!(parsed.len(), pairs.len());
        for (var, ((latest, _), previous)) in &pairs {
            let pair = parsed.get(var).expect("every var is kept");
            prop_assert_eq!(pair.latest().expose(), latest.as_str());
            prop_assert_eq!(pair.previous().map(Key::expose), previous.as_deref());
            prop_assert_eq!(Some(pair), file.get(var));
        }
        prop_assert_eq!(parsed.to_json(), json.clone());

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.json");
        securekey_cli::key_file::write(&file, &path).expect("write");
        let loaded = KeyFile::load(&path).expect("load");
        prop_assert_eq!(loaded.to_json(), json);
    }

    /// The checks' core over an env built in memory: no panic, and no
    /// finding's text holds any of the keys.
    #[test]
    fn check_env_never_panics_or_leaks(vars in prop::collection::vec((name(), value()), 0..6)) {
        let mut keys = Vec::new();
        let vars: Vec<Var> = vars
            .into_iter()
            .map(|(name, (value, in_value))| {
                keys.extend(in_value);
                Var { name, value }
            })
            .collect();
        let env = Env::new("props", vars);
        let required = vec!["SECURE_KEY".to_owned()];
        let selected = securekey_cli::select::select(&env, &required, true);
        let (reports, findings) = securekey_cli::checks::check_env(&selected, &env.source, Some("app"));
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        assert_no_leak_of(&format!("{findings:?}"), "findings", &keys);
        assert_no_leak_of(&format!("{reports:?}"), "reports", &keys);
        assert_no_leak_of(&format!("{env:?}"), "env", &keys);
        assert_no_leak_of(&format!("{selected:?}"), "selected", &keys);
    }
}
