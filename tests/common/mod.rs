//! The helpers every test module uses: a temp dir, the binary with a
//! cleared environment, keys, and the leak assertion.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Two example keys (from a public write-up of the add-on; not secrets) and
/// two more, so rotations can be played.
pub const A: &str = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
pub const B: &str = "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";
pub const C: &str = "0B5E7E1F6E8C7D35A1D0A4C2E6F9B8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A291";
pub const D: &str = "9A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9";

/// Every key the tests use: none may ever be printed.
pub const ALL_KEYS: &[&str] = &[A, B, C, D];

pub fn pair(latest: &str, previous: &str) -> String {
    format!("{latest},{previous}")
}

/// The key id, computed independently of the crate (SHA-256 via the
/// library's dependency would be circular; the CLI's JSON is compared to
/// ids computed by the library's `Key`, which has its own unit test against
/// SHA-256).
pub fn id(key: &str) -> String {
    securekey::Key::parse(key.as_bytes())
        .unwrap()
        .id()
        .to_string()
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: &Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|_| {
            panic!("stdout is not JSON (stdout withheld: may hold key material)")
        })
    }

    /// Asserts the exit code, and that nothing printed holds key material.
    pub fn code(&self, expected: i32) -> &Self {
        self.no_leak();
        assert_eq!(
            self.code, expected,
            "exit code (stdout and stderr follow; they passed the leak check)\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn no_leak(&self) -> &Self {
        assert_no_leak(&self.stdout, "stdout");
        assert_no_leak(&self.stderr, "stderr");
        self
    }

    pub fn finding_ids(&self) -> Vec<String> {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["check"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// No 8-char window of any test key, in any case, appears in `text`. The
/// failure message names the key and offset, never the text.
pub fn assert_no_leak(text: &str, what: &str) {
    assert_no_leak_of(text, what, ALL_KEYS);
}

pub fn assert_no_leak_of(text: &str, what: &str, keys: &[&str]) {
    let upper = text.to_ascii_uppercase();
    for (k, key) in keys.iter().enumerate() {
        let key = key.to_ascii_uppercase();
        for start in 0..=key.len().saturating_sub(8) {
            let window = &key[start..start + 8];
            assert!(
                !upper.contains(window),
                "{what} holds 8 chars of test key #{k} at offset {start} (output withheld)"
            );
        }
    }
}

/// A temp dir and the binary, run in it with a cleared environment.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

impl TestEnv {
    pub fn new() -> Self {
        TestEnv {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn bin() -> &'static str {
        env!("CARGO_BIN_EXE_securekey")
    }

    /// The binary, with only PATH and HOME (the temp dir) set.
    pub fn cmd<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new(Self::bin());
        cmd.args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", self.path())
            .current_dir(self.path())
            .stdin(Stdio::null());
        cmd
    }

    /// Runs with extra env vars.
    pub fn run_env<I, S>(&self, args: I, vars: &[(&str, &str)]) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.cmd(args);
        cmd.envs(vars.iter().copied());
        Run::from(&cmd.output().unwrap())
    }

    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run_env(args, &[])
    }

    /// Runs with `input` on stdin.
    pub fn run_stdin<I, S>(&self, args: I, input: &[u8]) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        use std::io::Write;
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        Run::from(&child.wait_with_output().unwrap())
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, content).unwrap();
        path
    }
}
