//! Classes 9 and 10 of issue 10: exec-d at launch; and the boot policy it
//! shares with `securekey boot` (issue 21: only `SECUREKEY_BOOT=strict` stops
//! a boot or a launch).

use super::*;

// ------------------------------------------------ 9. exec-d and config errors

/// A configuration error exec-d meets at boot: its name, the working
/// directory it runs in (one holding a bad `securekey.json`), and settings.
type BootError = (
    &'static str,
    Option<&'static str>,
    Vec<(&'static str, &'static str)>,
);

/// Configuration errors exec-d meets at boot: a typo in `SECUREKEY_REQUIRE`
/// (a name that is not one), and `securekey.json` malformed two ways.
fn boot_config_errors(t: &TestEnv) -> Vec<BootError> {
    t.write("bad-json/securekey.json", "{\"require\": [\"SECURE_KEY\"");
    t.write("bad-list/securekey.json", "{\"require\": \"SECURE_KEY\"}");
    vec![
        (
            "SECUREKEY_REQUIRE typo",
            None,
            vec![("SECUREKEY_REQUIRE", "SECURE_KEY OTHER!KEY")],
        ),
        (
            "SECUREKEY_REQUIRE a digit first",
            None,
            vec![("SECUREKEY_REQUIRE", "SECURE_KEY,9KEY")],
        ),
        ("securekey.json not JSON", Some("bad-json"), vec![]),
        (
            "securekey.json require not a list",
            Some("bad-list"),
            vec![],
        ),
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
    for (what, cwd, mut vars) in boot_config_errors(&t) {
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

/// A read-only fd 3 is no CNB launcher's: nothing is written, the file
/// behind it is untouched, and (the boot policy, issue 21) only
/// `SECUREKEY_BOOT=strict` stops the launch.
#[test]
fn exec_d_refuses_a_read_only_fd_3_and_leaves_its_file_alone() {
    let t = TestEnv::new();
    let fd3 = t.path().join("fd3");
    std::fs::write(&fd3, "UNTOUCHED\n").unwrap();
    let key_file = t.path().join("boot/keys.json");
    let good = pair(A, B);
    for (boot, code) in [("", 0), ("strict", 2)] {
        let case = format!("fd 3 read-only, SECUREKEY_BOOT={boot:?}");
        let out = t.exec_d(
            &fd3,
            false,
            &[
                ("SECURE_KEY", &good),
                ("SECUREKEY_FILE", key_file.to_str().unwrap()),
                ("SECUREKEY_BOOT", boot),
            ],
        );
        out.assert_code(&case, code);
        out.no_window(&case, ALL_KEYS);
        stderr_says(&out, &case, &["file descriptor 3", "fd 3"]);
        stderr_says(&out, &case, &["writ"]);
        assert_eq!(
            std::fs::read(&fd3).unwrap(),
            b"UNTOUCHED\n",
            "{case}: the file behind fd 3"
        );
        assert!(!key_file.exists(), "{case}: no key file");
    }
}

/// exec-d whose fd 3 cannot take the line (`/dev/full`): the error is
/// logged, and only `SECUREKEY_BOOT=strict` stops the launch (issue 21).
/// The key file is written before fd 3 is: the process that starts finds
/// it where the env already says, or at the default path.
#[test]
fn exec_d_with_a_full_fd_3_logs_and_starts_unless_strict() {
    let t = TestEnv::new();
    let good = pair(A, B);
    for (boot, code) in [("", 0), ("anything", 0), ("strict", 2)] {
        let case = format!("fd 3 on /dev/full, SECUREKEY_BOOT={boot:?}");
        let key_file = t.path().join(format!("full-{boot}/keys.json"));
        let out = t.exec_d(
            std::path::Path::new("/dev/full"),
            true,
            &[
                ("SECURE_KEY", &good),
                ("SECUREKEY_FILE", key_file.to_str().unwrap()),
                ("SECUREKEY_BOOT", boot),
            ],
        );
        out.assert_code(&case, code);
        out.no_window(&case, ALL_KEYS);
        stderr_says(&out, &case, &["file descriptor 3"]);
        let says = if code == 0 {
            "the process starts anyway"
        } else {
            "SECUREKEY_BOOT=strict stops the launch"
        };
        stderr_says(&out, &case, &[says]);
        assert_eq!(
            out.stderr_text()
                .lines()
                .filter(|l| l.contains("error"))
                .count(),
            1,
            "{case}: one error line"
        );
    }
}

/// `securekey boot` (what `.profile.d/securekey.sh` runs) follows the same
/// policy as exec-d: a broken key or a configuration error is logged and
/// the boot goes on (exit 0), `strict` stops it (1 for the keys, 2 for
/// the rest), `off` does nothing at all.
#[test]
fn boot_logs_and_goes_on_unless_strict() {
    let t = TestEnv::new();
    t.write("bad-json/securekey.json", "{\"require\": [");
    let good = pair(A, B);
    let cases: [(&str, &str, Option<&str>, &str, i32); 7] = [
        ("good key", &good, None, "", 0),
        ("good key, strict", &good, None, "strict", 0),
        ("broken key", "nope", None, "", 0),
        ("broken key, unknown setting", "nope", None, "yes", 0),
        ("broken key, strict", "nope", None, "strict", 1),
        ("bad securekey.json", &good, Some("bad-json"), "", 0),
        (
            "bad securekey.json, strict",
            &good,
            Some("bad-json"),
            "strict",
            2,
        ),
    ];
    for (what, value, cwd, boot, code) in cases {
        let key_file = t.path().join(format!("boot-{code}-{boot}/keys.json"));
        let _ = std::fs::remove_file(&key_file);
        let mut cmd = Command::new(TestEnv::bin());
        cmd.arg("boot")
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("SECURE_KEY", value)
            .env("SECUREKEY_BOOT", boot)
            .env("SECUREKEY_FILE", &key_file)
            .current_dir(t.path().join(cwd.unwrap_or(".")));
        let out = run_with_deadline(&mut cmd, None);
        out.assert_code(what, code);
        out.no_window(what, ALL_KEYS);
        assert_eq!(
            key_file.exists(),
            value == good && cwd.is_none(),
            "{what}: key file"
        );
        if code == 0 && (value != good || cwd.is_some()) {
            stderr_says(&out, what, &["the dyno boots anyway"]);
        }
    }
    let key_file = t.path().join("off/keys.json");
    let mut cmd = Command::new(TestEnv::bin());
    cmd.arg("boot")
        .env_clear()
        .env("SECURE_KEY", "nope")
        .env("SECUREKEY_BOOT", "off")
        .env("SECUREKEY_FILE", &key_file)
        .current_dir(t.path());
    let out = run_with_deadline(&mut cmd, None);
    out.assert_code("off", 0);
    assert!(
        out.stderr.is_empty() && out.stdout.is_empty(),
        "off: silent"
    );
    assert!(!key_file.exists(), "off: no key file");
}

/// exec-d named a non-UTF-8 key file path in its error before the check had
/// told the mask the env's key values: a piece of the checked key in that
/// path got out. Every mode of the boot says the same now.
#[test]
fn exec_d_names_a_bad_key_file_path_only_through_the_mask() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let t = TestEnv::new();
    let mut path = b"/tmp/x\xff/".to_vec();
    path.extend_from_slice(&A.as_bytes()[..12]);
    path.extend_from_slice(b"/keys.json");
    for boot in ["", "strict"] {
        let case = format!("SECUREKEY_BOOT={boot:?}");
        let fd3 = t.path().join("fd3");
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg("f=$1; shift; exec \"$@\" 3>\"$f\"")
            .arg("sh")
            .arg(&fd3)
            .arg(TestEnv::bin())
            .arg("exec-d")
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("SECURE_KEY", pair(A, B))
            .env("SECUREKEY_BOOT", boot)
            .env("SECUREKEY_FILE", OsStr::from_bytes(&path))
            .current_dir(t.path());
        let out = run_with_deadline(&mut cmd, None);
        out.clean_exit(&case);
        out.no_window(&case, ALL_KEYS);
    }
}

/// `boot --print-file` prints the path the boot used, whatever it did (the
/// boot script exports it as `SECUREKEY_FILE`, so bash holds no path rule):
/// `$HOME/.securekey/keys.json` by default, `SECUREKEY_FILE` when set,
/// under `off` and after a failed check too; without the flag, nothing.
#[test]
fn boot_print_file_is_the_one_path_rule() {
    let t = TestEnv::new();
    let good = crate::common::pair(crate::common::A, crate::common::B);
    let custom = t.path().join("custom/keys.json");
    let home_file = t.path().join(".securekey/keys.json");
    let cases: [(&str, &str, Option<&std::path::Path>, &str, &std::path::Path); 4] = [
        ("default", good.as_str(), None, "", &home_file),
        ("SECUREKEY_FILE", good.as_str(), Some(&custom), "", &custom),
        ("off", "nope", None, "off", &home_file),
        ("a failed check", "nope", Some(&custom), "", &custom),
    ];
    for (what, value, file, boot, expected) in cases {
        let mut cmd = Command::new(TestEnv::bin());
        cmd.args(["boot", "--print-file"])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", t.path())
            .env("SECURE_KEY", value)
            .env("SECUREKEY_BOOT", boot)
            .current_dir(t.path());
        if let Some(file) = file {
            cmd.env("SECUREKEY_FILE", file);
        }
        let out = run_with_deadline(&mut cmd, None);
        out.assert_code(what, 0);
        out.no_window(what, ALL_KEYS);
        assert_eq!(
            out.stdout_text(),
            format!("{}\n", expected.display()),
            "{what}: the path on stdout"
        );
    }
    let mut cmd = Command::new(TestEnv::bin());
    cmd.arg("boot")
        .env_clear()
        .env("HOME", t.path())
        .env("SECURE_KEY", &good)
        .current_dir(t.path());
    let out = run_with_deadline(&mut cmd, None);
    out.assert_code("no flag", 0);
    assert!(out.stdout.is_empty(), "no flag: nothing on stdout");
}
