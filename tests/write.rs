//! `securekey write`: the key file rules of docs/heroku.md, "The key file", on the real binary.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use securekey_cli::{KeyFile, Slot};

use crate::common::{A, B, C, D, TestEnv, id, pair};

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every entry of a folder, to prove no temp file is left.
pub(crate) fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn writes_the_documented_file_in_canonical_form() {
    let t = TestEnv::new();
    let messy = format!(" {} , {B}\n", A.to_ascii_lowercase());
    let run = t.run_env(
        ["write", "-q"],
        &[
            ("SECURE_KEY", &messy),
            ("SERVICE_ONE_SECURE_KEY", &pair(C, D)),
        ],
    );
    run.code(0);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("", ""),
        "-q is silent on success"
    );
    let path = t.path().join(".securekey/keys.json");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let text = fs::read_to_string(&path).unwrap();
    let expected = format!(
        "{{\"keys\":{{\"SECURE_KEY\":{{\"latest\":\"{A}\",\"latest_id\":\"{}\",\"previous\":\"{B}\",\"previous_id\":\"{}\"}},\"SERVICE_ONE_SECURE_KEY\":{{\"latest\":\"{C}\",\"latest_id\":\"{}\",\"previous\":\"{D}\",\"previous_id\":\"{}\"}}}},\"version\":1}}\n",
        id(A),
        id(B),
        id(C),
        id(D)
    );
    assert!(
        text == expected,
        "key file differs from the documented form"
    );
    assert_eq!(entries(path.parent().unwrap()), ["keys.json"]);

    // The library reads what the binary wrote.
    let file = KeyFile::load(&path).unwrap();
    let pair = file.get("SECURE_KEY").unwrap();
    assert_eq!(pair.verify(B), Some(Slot::Previous));
    assert_eq!(pair.latest().expose(), A);
}

#[test]
fn path_precedence_output_then_securekey_file_then_default() {
    let t = TestEnv::new();
    let keys = pair(A, B);
    t.run_env(
        ["write", "-o", "out/a.json"],
        &[("SECURE_KEY", &keys), ("SECUREKEY_FILE", "env.json")],
    )
    .code(0);
    assert!(t.path().join("out/a.json").exists());
    assert!(!t.path().join("env.json").exists());
    t.run_env(
        ["write"],
        &[("SECURE_KEY", &keys), ("SECUREKEY_FILE", "env.json")],
    )
    .code(0);
    assert!(t.path().join("env.json").exists());
    assert!(!t.path().join(".securekey").exists());
    t.run_env(["write"], &[("SECURE_KEY", &keys)]).code(0);
    assert!(t.path().join(".securekey/keys.json").exists());
}

#[test]
fn replaces_a_looser_file_with_0600() {
    let t = TestEnv::new();
    let path = t.write("keys.json", "old");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    t.run_env(["write", "-o", "keys.json"], &[("SECURE_KEY", &pair(A, B))])
        .code(0);
    assert_eq!(mode(&path), 0o600);
    assert!(KeyFile::load(&path).is_ok());
}

#[test]
fn any_error_writes_nothing_and_keeps_the_old_file() {
    let t = TestEnv::new();
    t.run_env(
        ["write", "-o", "k/keys.json"],
        &[("SECURE_KEY", &pair(A, B))],
    )
    .code(0);
    let path = t.path().join("k/keys.json");
    let before = fs::read(&path).unwrap();
    for broken in [String::new(), C.to_owned(), format!("{C},{}", &D[1..])] {
        let run = t.run_env(
            ["write", "-o", "k/keys.json", "-q"],
            &[("SECURE_KEY", &broken)],
        );
        run.code(1);
        assert_eq!(run.stdout, "");
        assert!(run.stderr.lines().all(|l| l.starts_with("securekey: ")));
        assert_eq!(fs::read(&path).unwrap(), before);
        assert_eq!(entries(&t.path().join("k")), ["keys.json"]);
    }
    // A broken discovered var blocks the whole file too: all or nothing.
    let run = t.run_env(
        ["write", "-o", "k/keys.json"],
        &[("SECURE_KEY", &pair(C, D)), ("OTHER_SECURE_KEY", "nope")],
    );
    run.code(1);
    assert_eq!(fs::read(&path).unwrap(), before);
    // Warnings under --strict are errors too.
    t.run_env(
        ["write", "-o", "k/keys.json", "--strict"],
        &[("SECURE_KEY", &format!("{C},{D} "))],
    )
    .code(1);
    assert_eq!(fs::read(&path).unwrap(), before);
    // Without a file there, nothing appears.
    t.run_env(["write", "-o", "new/keys.json"], &[("SECURE_KEY", "x")])
        .code(1);
    assert!(!t.path().join("new").exists());
}

#[test]
fn a_symlink_is_never_followed() {
    let t = TestEnv::new();
    let target = t.write("target.txt", "precious");
    symlink(&target, t.path().join("keys.json")).unwrap();
    let run = t.run_env(["write", "-o", "keys.json"], &[("SECURE_KEY", &pair(A, B))]);
    run.code(2);
    assert!(run.stderr.contains("symlink"));
    assert_eq!(fs::read_to_string(&target).unwrap(), "precious");
    assert!(
        fs::symlink_metadata(t.path().join("keys.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(entries(t.path()), ["keys.json", "target.txt"]);
    // A dangling symlink is not created through either.
    fs::remove_file(t.path().join("keys.json")).unwrap();
    symlink(t.path().join("elsewhere.json"), t.path().join("keys.json")).unwrap();
    t.run_env(["write", "-o", "keys.json"], &[("SECURE_KEY", &pair(A, B))])
        .code(2);
    assert!(!t.path().join("elsewhere.json").exists());
}

#[test]
fn unwritable_paths_exit_2_with_path_and_cause() {
    let t = TestEnv::new();
    t.write("afile", "x");
    // Root ignores permission bits, so use failures root gets too.
    let run = t.run_env(
        ["write", "-o", "afile/keys.json"],
        &[("SECURE_KEY", &pair(A, B))],
    );
    run.code(2);
    assert!(
        run.stderr
            .contains("cannot write the key file afile/keys.json"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Not a directory"));
    fs::create_dir(t.path().join("adir")).unwrap();
    let run = t.run_env(["write", "-o", "adir"], &[("SECURE_KEY", &pair(A, B))]);
    run.code(2);
    assert!(run.stderr.contains("directory"));
    assert_eq!(entries(&t.path().join("adir")), Vec::<String>::new());
    let run = t.run_env(
        ["write", "-o", "/proc/securekey-test/keys.json"],
        &[("SECURE_KEY", &pair(A, B))],
    );
    run.code(2);
}

#[test]
fn byte_for_byte_deterministic() {
    let t = TestEnv::new();
    let one = t.write(
        "one.env",
        format!("SECURE_KEY={}\nX_SECURE_KEY={}\n", pair(A, B), pair(C, D)),
    );
    let two = t.write(
        "two.env",
        format!("X_SECURE_KEY={}\nSECURE_KEY={}\n", pair(C, D), pair(A, B)),
    );
    t.run(["write", "--env-file", one.to_str().unwrap(), "-o", "1.json"])
        .code(0);
    t.run(["write", "--env-file", two.to_str().unwrap(), "-o", "2.json"])
        .code(0);
    t.run(["write", "--env-file", one.to_str().unwrap(), "-o", "3.json"])
        .code(0);
    let read = |n: &str| fs::read(t.path().join(n)).unwrap();
    assert!(read("1.json") == read("2.json") && read("1.json") == read("3.json"));
}

#[test]
fn rotation_rewrites_the_file() {
    let t = TestEnv::new();
    t.run_env(["write", "-q"], &[("SECURE_KEY", &pair(A, B))])
        .code(0);
    // The add-on rotates: a new key in front, the old latest behind.
    t.run_env(["write", "-q"], &[("SECURE_KEY", &pair(C, A))])
        .code(0);
    let file = KeyFile::load(t.path().join(".securekey/keys.json")).unwrap();
    let pair = file.get("SECURE_KEY").unwrap();
    assert_eq!(pair.verify(C), Some(Slot::Latest));
    assert_eq!(pair.verify(A), Some(Slot::Previous));
    assert_eq!(pair.verify(B), None);
}

#[test]
fn racing_writers_always_leave_a_complete_file() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let t = TestEnv::new();
    let path = t.path().join("race/keys.json");
    let first = pair(A, B);
    let second = pair(C, D);
    t.run_env(["write", "-o", "race/keys.json"], &[("SECURE_KEY", &first)])
        .code(0);
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let done = Arc::clone(&done);
        let path = path.clone();
        std::thread::spawn(move || {
            let mut reads = 0u32;
            while !done.load(Ordering::Relaxed) || reads == 0 {
                let bytes = fs::read(&path).expect("the key file is always there");
                let file = KeyFile::parse(&bytes).expect("the key file is always complete");
                let latest = file.get("SECURE_KEY").unwrap().latest().expose().to_owned();
                assert!(latest == A || latest == C, "a key from neither writer");
                reads += 1;
            }
            reads
        })
    };
    let writers: Vec<_> = [first, second]
        .into_iter()
        .map(|value| {
            let mut cmds = Vec::new();
            for _ in 0..25 {
                cmds.push(
                    t.cmd(["write", "-q", "-o", "race/keys.json"])
                        .env("SECURE_KEY", &value)
                        .spawn()
                        .unwrap(),
                );
            }
            cmds
        })
        .collect();
    for mut child in writers.into_iter().flatten() {
        assert!(child.wait().unwrap().success());
    }
    done.store(true, Ordering::Relaxed);
    assert!(reader.join().unwrap() > 0);
    assert_eq!(entries(path.parent().unwrap()), ["keys.json"]);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn allowed_errors_still_write_nothing_without_a_whole_pair() {
    let t = TestEnv::new();
    // --allow lets a release through; the key file still needs both keys
    // of every var (a short previous key is no key).
    let short = format!("{A},{}", &B[1..]);
    t.run_env(["check", "--allow", "length"], &[("SECURE_KEY", &short)])
        .code(0);
    let run = t.run_env(
        ["write", "-q", "--allow", "length"],
        &[("SECURE_KEY", &short)],
    );
    run.code(1);
    assert!(
        run.stderr
            .contains("SECURE_KEY has no well-formed LATEST,PREVIOUS pair")
    );
    assert!(!t.path().join(".securekey").exists());
}

/// The add-on writes `NEW,` when it could not read its current key during
/// a rotation: the boot writes the latest key alone (a dyno with the latest
/// key beats a dyno with none), says so, and still fails; release phase's
/// `check` fails as before.
#[test]
fn the_addons_new_comma_writes_the_latest_key_alone() {
    let t = TestEnv::new();
    let new_comma = format!("{A},");
    t.run_env(["check"], &[("SECURE_KEY", &new_comma)]).code(1);
    let run = t.run_env(
        ["write", "-q"],
        &[
            ("SECURE_KEY", &new_comma),
            ("OTHER_SECURE_KEY", &pair(C, D)),
        ],
    );
    run.code(1);
    assert!(run.stderr.contains("error[previous-empty]"));
    assert!(run.stderr.contains("SECURE_KEY has no previous key"));
    assert!(run.stderr.contains("latest key alone"));
    assert!(!run.stderr.contains("not written"));
    let path = t.path().join(".securekey/keys.json");
    let file = KeyFile::load(&path).unwrap();
    let alone = file.get("SECURE_KEY").unwrap();
    assert_eq!(alone.latest().expose(), A);
    assert!(alone.previous().is_none());
    assert_eq!(
        file.get("OTHER_SECURE_KEY")
            .unwrap()
            .previous()
            .unwrap()
            .expose(),
        D
    );
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"previous\":null,\"previous_id\":null"));
    // Allowed, it is no error: exit 0, the same file.
    let before = fs::read(&path).unwrap();
    let run = t.run_env(
        ["write", "-q", "--allow", "previous-empty"],
        &[
            ("SECURE_KEY", &new_comma),
            ("OTHER_SECURE_KEY", &pair(C, D)),
        ],
    );
    run.code(0);
    assert_eq!(run.stderr, "");
    assert_eq!(fs::read(&path).unwrap(), before);
    // Any other error still writes nothing.
    let run = t.run_env(
        ["write", "-q"],
        &[("SECURE_KEY", &new_comma), ("OTHER_SECURE_KEY", "nope")],
    );
    run.code(1);
    assert!(run.stderr.contains("not written"));
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn the_folder_is_0700_whatever_the_umask() {
    let t = TestEnv::new();
    for umask in ["077", "777", "000"] {
        let dir = format!("u{umask}");
        let script = format!("umask {umask}; exec \"$0\" write -q -o {dir}/keys.json");
        // The umask is the shell's to set: run securekey through sh.
        let out = std::process::Command::new("/bin/sh")
            .args(["-c", &script, TestEnv::bin()])
            .env_clear()
            .env("SECURE_KEY", pair(A, B))
            .current_dir(t.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "umask {umask}");
        assert_eq!(mode(&t.path().join(&dir)), 0o700, "umask {umask}");
        assert_eq!(
            mode(&t.path().join(&dir).join("keys.json")),
            0o600,
            "umask {umask}"
        );
    }
}

/// Dokku and herokuish source `.profile.d` as root, then start the app as
/// its own user: what the writer creates belongs to the owner of the folder
/// it goes in (or of its nearest existing parent), and nothing else changes
/// owner. Run as another user, the writer cannot give files away: they stay
/// its own.
#[test]
fn as_root_the_key_file_and_new_folders_belong_to_the_apps_user() {
    use std::os::unix::fs::{MetadataExt, chown};
    let t = TestEnv::new();
    let home = t.path().join("app");
    fs::create_dir(&home).unwrap();
    let other = home.join("not-ours.txt");
    fs::write(&other, "x").unwrap();
    let me = fs::metadata(&other).unwrap().uid();
    let (uid, gid) = (32_767, 32_767);
    if me == 0 {
        chown(&home, Some(uid), Some(gid)).unwrap();
    }
    let run = t.run_env(
        ["write", "-q", "-o", "app/.securekey/sub/keys.json"],
        &[("SECURE_KEY", &pair(A, B))],
    );
    run.code(0);
    let owner = |p: &Path| {
        let m = fs::symlink_metadata(p).unwrap();
        (m.uid(), m.gid())
    };
    let expected = if me == 0 { (uid, gid) } else { owner(&other) };
    for made in [".securekey", ".securekey/sub", ".securekey/sub/keys.json"] {
        assert_eq!(owner(&home.join(made)), expected, "{made}");
    }
    // What the writer did not create keeps its owner.
    assert_eq!(owner(&other).0, me);
    // A folder that exists keeps its owner; the new file is the folder's.
    if me == 0 {
        let shared = t.path().join("shared");
        fs::create_dir(&shared).unwrap();
        chown(&shared, Some(4242), Some(4243)).unwrap();
        t.run_env(
            ["write", "-q", "-o", "shared/keys.json"],
            &[("SECURE_KEY", &pair(A, B))],
        )
        .code(0);
        assert_eq!(owner(&shared), (4242, 4243));
        assert_eq!(owner(&shared.join("keys.json")), (4242, 4243));
    }
}

/// exec.d (Fir) meets the add-on's `NEW,` as the Cedar boot does: the key
/// file holds the latest key alone, the launcher is told where it is, the
/// process starts (exit 0), and nothing claims no file was written; under
/// `SECUREKEY_BOOT=strict` the launch stops, the file written all the same.
#[test]
fn exec_d_writes_the_latest_key_alone_after_the_addons_new_comma() {
    let t = TestEnv::new();
    let fd3 = t.path().join("fd3");
    let new_comma = format!("{A},");
    let out = t.exec_d(&fd3, true, &[("SECURE_KEY", &new_comma)]);
    assert_eq!(out.assert_code("NEW, at launch", 0).stdout, b"");
    let stderr = out.stderr_text();
    assert!(stderr.contains("latest key alone"));
    assert!(!stderr.contains("not written"));
    let key_file = t.path().join(".securekey/keys.json");
    let toml = fs::read_to_string(&fd3).unwrap();
    assert_eq!(
        toml,
        format!("SECUREKEY_FILE = \"{}\"\n", key_file.display())
    );
    let file = KeyFile::load(&key_file).unwrap();
    assert!(file.get("SECURE_KEY").unwrap().previous().is_none());

    fs::remove_file(&key_file).unwrap();
    let out = t.exec_d(
        &fd3,
        true,
        &[("SECURE_KEY", &new_comma), ("SECUREKEY_BOOT", "strict")],
    );
    out.assert_code("NEW, at launch, strict", 1);
    assert!(out.stderr_text().contains("strict stops the launch"));
    assert!(KeyFile::load(&key_file).is_ok());
}

/// Under Dokku the writer runs as root in a `$HOME` the app's user owns: a
/// symlink that user planted on the key file's path would send root's write
/// elsewhere, so it is refused (exit 2) and the target is untouched. A
/// symlink the writer itself (or root) made is a folder like any other.
#[test]
fn a_symlink_another_user_made_on_the_key_files_path_is_refused() {
    use std::os::unix::fs::{MetadataExt, lchown};
    let t = TestEnv::new();
    let victim = t.path().join("victim");
    fs::create_dir(&victim).unwrap();
    fs::write(victim.join("keys.json"), "precious").unwrap();
    let app = t.path().join("app");
    fs::create_dir(&app).unwrap();
    symlink(&victim, app.join(".securekey")).unwrap();
    let root = fs::metadata(&app).unwrap().uid() == 0;
    if root {
        lchown(app.join(".securekey"), Some(32_767), Some(32_767)).unwrap();
    }
    let run = t.run_env(
        ["write", "-q", "-o", "app/.securekey/keys.json"],
        &[("SECURE_KEY", &pair(A, B))],
    );
    if root {
        run.code(2);
        assert!(run.stderr.contains("symlink owned by another user"));
        assert_eq!(fs::read(victim.join("keys.json")).unwrap(), b"precious");
        assert_eq!(entries(&victim), ["keys.json"]);
        // Above folders still to be made, too: none is made through it.
        let run = t.run_env(
            ["write", "-q", "-o", "app/.securekey/new/keys.json"],
            &[("SECURE_KEY", &pair(A, B))],
        );
        run.code(2);
        assert!(run.stderr.contains("symlink owned by another user"));
        assert_eq!(entries(&victim), ["keys.json"]);
    } else {
        // Not root: the link is the writer's own, and is followed.
        run.code(0);
        assert!(KeyFile::load(victim.join("keys.json")).is_ok());
    }
}

/// A boot killed between creating its temp file and the rename leaves the
/// temp file; a restarted container reuses its pids, so a name made of the
/// pid and a counter alone was taken at every later boot (exit 2).
#[test]
fn temp_files_left_by_a_killed_boot_never_block_the_next() {
    let t = TestEnv::new();
    let dir = t.path().join("k");
    fs::create_dir(&dir).unwrap();
    for pid in 1..=4096 {
        fs::write(dir.join(format!(".keys.json.tmp-{pid}-0")), "").unwrap();
    }
    t.run_env(
        ["write", "-q", "-o", "k/keys.json"],
        &[("SECURE_KEY", &pair(A, B))],
    )
    .code(0);
    assert!(KeyFile::load(dir.join("keys.json")).is_ok());
}
