//! Inputs that are broken the way real ones break (issue 21): a closed or
//! unreadable stdin, a saved environment in UTF-16, a single-quoted value
//! over several lines.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::{A, ALL_KEYS, B, Outcome, TestEnv, pair, run_with_deadline};

/// The binary run through bash with `redirect` applied to it (`<&-` closes
/// fd 0, which `std::process::Command` cannot), in the temp dir, with only
/// PATH and HOME set.
fn redirected(t: &TestEnv, redirect: &str, args: &[&str]) -> Outcome {
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(format!("exec \"$0\" \"$@\" {redirect}"))
        .arg(TestEnv::bin())
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", t.path())
        .current_dir(t.path());
    run_with_deadline(&mut cmd, None)
}

/// Every way of reading a saved environment from stdin, with `--allow
/// missing` where it would turn an empty environment into a pass.
const STDIN_READERS: &[&[&str]] = &[
    &["check", "--env-file", "-"],
    &["check", "--env-file", "-", "--allow", "missing"],
    &["check", "--heroku-json", "-", "--allow", "missing"],
    &[
        "check",
        "--format",
        "json",
        "--env-file",
        "-",
        "--allow",
        "missing",
    ],
    &["lint", "-"],
    &["lint", "--allow", "missing", "app=-"],
];

#[test]
fn a_closed_stdin_is_an_io_error_not_an_empty_environment() {
    let t = TestEnv::new();
    for args in STDIN_READERS {
        for redirect in ["<&-", "</dev/null"] {
            let case = format!("{args:?} {redirect}");
            let out = redirected(&t, redirect, args);
            out.assert_code(&case, 2).no_window(&case, ALL_KEYS);
            let stderr = out.stderr_text();
            assert!(
                stderr.contains("stdin (-): stdin is closed (or /dev/null)")
                    && stderr.contains("pass the file's path instead of -"),
                "{case}: {stderr}"
            );
            assert!(!stderr.contains("missing"), "{case}: {stderr}");
        }
    }
}

#[test]
fn a_stdin_open_only_for_writing_is_an_io_error() {
    let t = TestEnv::new();
    for args in STDIN_READERS {
        let case = format!("{args:?} 0>written");
        let out = redirected(&t, "0>written", args);
        out.assert_code(&case, 2).no_window(&case, ALL_KEYS);
        let stderr = out.stderr_text();
        assert!(
            stderr.contains("stdin (-): stdin is not open for reading"),
            "{case}: {stderr}"
        );
    }
}

/// What stdin is meant for still works: a pipe (an empty one is an empty
/// environment: it was read) and a redirected file.
#[test]
fn a_piped_or_redirected_stdin_is_read() {
    let t = TestEnv::new();
    let env = format!("SECURE_KEY={}\n", pair(A, B));
    t.run_stdin(["check", "--env-file", "-"], env.as_bytes())
        .code(0);
    let run = t.run_stdin(["check", "--env-file", "-"], b"");
    run.code(1);
    assert!(
        run.stdout.contains("no SecureKey config var"),
        "{}",
        run.stdout
    );
    t.write("saved.env", &env);
    let case = "<saved.env";
    redirected(&t, "<saved.env", &["check", "--env-file", "-"])
        .assert_code(case, 0)
        .no_window(case, ALL_KEYS);
    redirected(&t, "<saved.env", &["lint", "-"])
        .assert_code(case, 0)
        .no_window(case, ALL_KEYS);
}

/// `text` in UTF-16 with a byte order mark, as Windows PowerShell's `>`
/// writes it (little-endian), or big-endian.
fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut bytes = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

/// The var and key ids of a JSON report's first key.
fn first_key(run: &crate::common::Run) -> (String, String, String) {
    let json = run.json();
    let key = &json["keys"][0];
    (
        key["var"].as_str().unwrap().to_owned(),
        key["latest_id"].as_str().unwrap().to_owned(),
        key["previous_id"].as_str().unwrap().to_owned(),
    )
}

/// A saved environment in UTF-16 is read as the text the Heroku CLI
/// printed: the same vars, keys and findings as its UTF-8 twin, from a
/// file or stdin, by every reader.
#[test]
fn a_utf16_saved_environment_is_read_as_the_text_it_holds() {
    use crate::common::id;
    let t = TestEnv::new();
    // PowerShell's `>` also turns line ends into CRLF.
    let json = format!(
        "{{\r\n  \"PORT\": \"5000\",\r\n  \"SECURE_KEY\": \"{}\"\r\n}}\r\n",
        pair(A, B)
    );
    let dotenv = format!("# saved on Windows\r\nSECURE_KEY='{}'\r\n", pair(A, B));
    let want = ("SECURE_KEY".to_owned(), id(A), id(B));
    for little_endian in [true, false] {
        let json_file = t.write("env.json", utf16(&json, little_endian));
        let dotenv_file = t.write("env.env", utf16(&dotenv, little_endian));
        for args in [
            vec!["--env-file", json_file.to_str().unwrap()],
            vec!["--heroku-json", json_file.to_str().unwrap()],
            vec!["--env-file", dotenv_file.to_str().unwrap()],
        ] {
            let mut full = vec!["check", "--format", "json"];
            full.extend(&args);
            let run = t.run(&full);
            run.code(0);
            assert_eq!(first_key(&run), want, "{args:?}");
        }
        let run = t.run_stdin(
            ["check", "--format", "json", "--heroku-json", "-"],
            &utf16(&json, little_endian),
        );
        run.code(0);
        assert_eq!(first_key(&run), want);
        // lint tells both formats apart in UTF-16 too: one add-on, two apps.
        let run = t.run(["lint", "--format", "json", "app=env.json", "other=env.env"]);
        run.code(0);
        let groups = &run.json()["groups"];
        assert_eq!(groups.as_array().unwrap().len(), 1);
        assert_eq!(groups[0]["members"].as_array().unwrap().len(), 2);
        // A finding in the decoded value is the UTF-8 file's finding.
        let lower = format!("SECURE_KEY={}\n", pair(&A.to_ascii_lowercase(), B));
        t.write("lower.env", utf16(&lower, little_endian));
        let run = t.run(["check", "--format", "json", "--env-file", "lower.env"]);
        run.code(0);
        assert_eq!(run.finding_ids(), ["case"]);
    }
}

/// UTF-16 that cannot be decoded, and UTF-32, are refused with exit 2, a
/// message saying what the file is and how to convert it, and nothing of
/// the keys in it.
#[test]
fn undecodable_utf16_and_utf32_name_the_encoding_and_the_fix() {
    let t = TestEnv::new();
    let keys = format!("SECURE_KEY={}\n", pair(A, B));
    let mut lone_surrogate = utf16(&format!("PORT=5000\n{keys}X="), true);
    lone_surrogate.extend_from_slice(&0xD800u16.to_le_bytes());
    let mut cut_short = utf16(&keys, true);
    cut_short.push(b'X');
    let mut utf32 = vec![0xFF, 0xFE, 0, 0];
    for c in keys.chars() {
        utf32.extend_from_slice(&u32::from(c).to_le_bytes());
    }
    for (name, content, says) in [
        (
            "surrogate.env",
            lone_surrogate,
            "surrogate.env:3: the file is UTF-16LE (it starts with a UTF-16 byte order mark) but holds an unpaired surrogate",
        ),
        (
            "cut.env",
            cut_short,
            "cut.env: the file is UTF-16LE (it starts with a UTF-16 byte order mark) but ends in half a character",
        ),
        (
            "utf32.env",
            utf32,
            "utf32.env: the file is UTF-32 (it starts with a UTF-32 byte order mark); convert it to UTF-8: `iconv -f UTF-32 -t UTF-8 env.json > env-utf8.json`",
        ),
    ] {
        t.write(name, &content);
        for args in [
            vec!["check", "--env-file", name],
            vec!["check", "--heroku-json", name],
            vec!["lint", name],
        ] {
            let run = t.run(&args);
            run.code(2);
            assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
            assert!(
                run.stderr.contains(
                    "or in PowerShell `heroku config --json | Out-File -Encoding utf8 env.json`"
                ),
                "{args:?}: {}",
                run.stderr
            );
        }
    }
}

/// A UTF-8 BOM (Notepad's) is not part of the first var's name: every
/// reader skips it, in dotenv and JSON, from a file or stdin.
#[test]
fn a_utf8_bom_is_skipped_by_every_reader() {
    use crate::common::id;
    let t = TestEnv::new();
    let want = ("SECURE_KEY".to_owned(), id(A), id(B));
    let dotenv = format!("\u{feff}SECURE_KEY={}\n", pair(A, B));
    let json = format!("\u{feff}{{\"SECURE_KEY\":\"{}\"}}", pair(A, B));
    t.write("bom.env", &dotenv);
    t.write("bom.json", &json);
    for args in [
        ["--env-file", "bom.env"],
        ["--env-file", "bom.json"],
        ["--heroku-json", "bom.json"],
    ] {
        let mut full = vec!["check", "--format", "json"];
        full.extend(args);
        let run = t.run(&full);
        run.code(0);
        assert_eq!(first_key(&run), want, "{args:?}");
    }
    for content in [&dotenv, &json] {
        let run = t.run_stdin(
            ["check", "--format", "json", "--env-file", "-"],
            content.as_bytes(),
        );
        run.code(0);
        assert_eq!(first_key(&run), want);
        let run = t.run_stdin(["lint", "--format", "json", "-"], content.as_bytes());
        run.code(0);
        assert_eq!(first_key(&run), want);
    }
}

/// A single-quoted dotenv value over several lines is read as shells and
/// dotenv loaders read it: the newlines are the value's. In a key var the
/// checks report them (a line break inside a key is `not-hex`, one around
/// a key `whitespace`), never a silently accepted pair, and no key is
/// printed.
#[test]
fn a_multi_line_single_quoted_value_is_read_and_its_newlines_reported() {
    use crate::common::{C, D};
    let t = TestEnv::new();
    let check = |content: String| {
        t.write("ml.env", content);
        t.run(["check", "--format", "json", "--env-file", "ml.env"])
    };
    // A non-key value over lines is no error, and the vars after it count.
    let run = check(format!(
        "MOTD='line one\nline two'\nSECURE_KEY='{}'\n",
        pair(A, B)
    ));
    run.code(0);
    assert!(run.finding_ids().is_empty());

    // The add-on's pair broken after the comma: both keys whole, the
    // previous one with a newline before it.
    let run = check(format!("SECURE_KEY='{A},\n{B}'\nPORT=5000\n"));
    run.code(0);
    assert_eq!(run.finding_ids(), ["whitespace"]);
    assert_eq!(run.json()["findings"][0]["slot"], "previous");
    t.run(["check", "--strict", "--env-file", "ml.env"]).code(1);
    // The key file holds the trimmed pair, as for any whitespace.
    t.run(["write", "-q", "--env-file", "ml.env", "-o", "keys.json"])
        .code(0);
    let file = securekey::KeyFile::load(t.path().join("keys.json")).unwrap();
    assert_eq!(
        file.get("SECURE_KEY").unwrap().previous().unwrap().expose(),
        B
    );

    // A key broken in the middle is no key.
    let run = check(format!(
        "SECURE_KEY='{}\n{},{B}'\nX_SECURE_KEY='{}'\n",
        &A[..32],
        &A[32..],
        pair(C, D)
    ));
    run.code(1);
    assert_eq!(run.finding_ids(), ["not-hex"]);
    let message = run.json()["findings"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("the latest key has a line break at position 33 of 65"),
        "{message}"
    );
    t.run(["write", "--env-file", "ml.env", "-o", "broken.json"])
        .code(1);
    assert!(!t.path().join("broken.json").exists());

    // Lines after the value are numbered from where it ends.
    let run = check(format!("SECURE_KEY='{A},\n{B}'\n\n9LIVES=1\n"));
    run.code(2);
    assert!(
        run.stderr
            .contains("ml.env:4: the name before '=' is not a config var name"),
        "{}",
        run.stderr
    );
    // A quote never closed is named where it opens, with the fix.
    let run = check(format!("PORT=5000\nSECURE_KEY='{A},\n{B}\nOTHER=1\n"));
    run.code(2);
    assert!(
        run.stderr
            .contains("ml.env:2: a single quote opens here and is never closed; close it"),
        "{}",
        run.stderr
    );
    // lint reads it the same way.
    t.write("ml.env", format!("SECURE_KEY='{A},\n{B}'\n"));
    let run = t.run(["lint", "--format", "json", "ml.env"]);
    run.code(0);
    assert_eq!(run.finding_ids(), ["whitespace"]);
}

// ------------------------------------------------ write -o onto what is not a file

/// What `-o PATH` finds that is not a regular file: each is refused with
/// exit 2, a message naming the path, what it is and the fix, and is left
/// as it was (the same inode, the same type); no temp file is left beside
/// it.
#[test]
fn only_a_regular_file_is_ever_replaced() {
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
    use std::process::Command;

    let t = TestEnv::new();
    let made = |what: &str, status: std::process::ExitStatus| {
        assert!(status.success(), "could not make the {what}");
    };
    // One folder per case, so "nothing left beside it" is the folder's
    // listing.
    let case = |name: &str| {
        let dir = t.path().join(name);
        fs::create_dir(&dir).unwrap();
        dir.join("keys.json")
    };
    let fifo = case("fifo");
    made("FIFO", Command::new("mkfifo").arg(&fifo).status().unwrap());
    // A copy of /dev/null (mknod needs root; as another user, /dev/null
    // itself, whose folder such a user cannot write anyway: the message
    // proves the path was refused for what it is).
    let null = fs::metadata("/dev/null").unwrap().rdev();
    let (major, minor) = (
        (null >> 8) & 0xfff | ((null >> 32) & !0xfff),
        (null & 0xff) | ((null >> 12) & !0xff),
    );
    let root = fs::metadata(t.path()).unwrap().uid() == 0;
    let mknod = |name: &str, kind: &str, major: &str, minor: &str| {
        let node = case(name);
        made(
            name,
            Command::new("mknod")
                .arg(&node)
                .args([kind, major, minor])
                .status()
                .unwrap(),
        );
        node
    };
    let device = if root {
        mknod("device", "c", &major.to_string(), &minor.to_string())
    } else {
        "/dev/null".into()
    };
    let socket = case("socket");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let folder = case("folder");
    fs::create_dir(&folder).unwrap();

    let snapshot = |p: &Path| {
        let m = fs::symlink_metadata(p).unwrap();
        (m.ino(), m.file_type(), m.rdev(), m.permissions().mode())
    };
    let mut cases = vec![
        (
            fifo,
            "a FIFO (named pipe)",
            FileTypeExt::is_fifo as fn(&_) -> bool,
        ),
        (device, "a character device", FileTypeExt::is_char_device),
        (socket, "a socket", FileTypeExt::is_socket),
        (folder.clone(), "a directory", |t: &fs::FileType| t.is_dir()),
    ];
    if root {
        // A loop device's numbers: the node need not lead anywhere.
        cases.push((
            mknod("block", "b", "7", "0"),
            "a block device",
            FileTypeExt::is_block_device,
        ));
    }
    for (path, what, is) in &cases {
        let before = snapshot(path);
        let shown = path.to_str().unwrap();
        let run = t.run_env(["write", "-o", shown], &[("SECURE_KEY", &pair(A, B))]);
        run.code(2);
        let message = format!(
            "refusing to write the key file {shown}: it is {what}, and securekey replaces only a regular file; write the key file elsewhere (--output PATH, or SECUREKEY_FILE)"
        );
        assert!(run.stderr.contains(&message), "{}", run.stderr);
        assert_eq!(snapshot(path), before, "{what} changed");
        assert!(is(&before.1), "the {what} case made something else");
        if path.starts_with(t.path()) {
            assert_eq!(
                crate::write::entries(path.parent().unwrap()),
                ["keys.json"],
                "{what}"
            );
        }
        // Under --strict, and with JSON output, the same refusal.
        t.run_env(
            ["write", "--strict", "--format", "json", "-o", shown],
            &[("SECURE_KEY", &pair(A, B))],
        )
        .code(2);
        assert_eq!(snapshot(path), before, "{what} changed");
    }
    assert_eq!(
        crate::write::entries(&folder),
        Vec::<String>::new(),
        "inside the folder"
    );
    // A regular file is replaced, as ever.
    let file = case("file");
    fs::write(&file, "old").unwrap();
    t.run_env(
        ["write", "-q", "-o", file.to_str().unwrap()],
        &[("SECURE_KEY", &pair(A, B))],
    )
    .code(0);
    assert!(securekey_cli::KeyFile::load(&file).is_ok());
}
