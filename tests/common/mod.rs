//! The helpers every test module uses: a temp dir, the binary with a
//! cleared environment, keys, and the leak assertion.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub use securekey_testkit::{A, ALL_KEYS, B, C, D, gen_key};

/// `LATEST,PREVIOUS`.
pub fn pair(latest: &str, previous: &str) -> String {
    format!("{latest},{previous}")
}

/// The key id, computed independently of the crate (SHA-256 via the
/// library's dependency would be circular; the CLI's JSON is compared to
/// ids computed by the library's `Key`, which has its own unit test against
/// SHA-256).
pub fn id(key: &str) -> String {
    securekey_cli::Key::parse(key.as_bytes())
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
    securekey_testkit::assert_no_leak(text.as_bytes(), keys, what);
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
        cmd.args(args);
        self.clean(&mut cmd);
        cmd
    }

    /// A cleared environment (PATH, and HOME the temp dir), run in the temp
    /// dir, no stdin.
    fn clean(&self, cmd: &mut Command) {
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", self.path())
            .current_dir(self.path())
            .stdin(Stdio::null());
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

// ------------------------------------------- hostile input (tests/safety.rs)
//
// A run that may hang, crash, or blow up its output or memory still ends in
// a verdict: it is killed past a generous deadline (no test measures time;
// a hang fails instead of stalling), output past what a test needs is
// counted, not kept, and memory is bounded with an address-space limit.

/// Longest a hostile-input run may take before it is killed.
pub const DEADLINE: std::time::Duration = std::time::Duration::from_mins(1);

/// Bytes of each stream an [`Outcome`] keeps; the rest is counted.
pub const KEPT_OUTPUT: usize = 16 << 20;

/// How a run ended, with its raw output.
pub struct Outcome {
    /// The exit code, unless a signal ended the process.
    pub code: Option<i32>,
    /// The signal that ended it (SIGABRT: a panic, or an allocation past
    /// the memory limit; SIGKILL: the deadline).
    pub signal: Option<i32>,
    pub timed_out: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Bytes written to each stream, kept or not.
    pub stdout_len: u64,
    pub stderr_len: u64,
}

impl Outcome {
    /// Asserts an exit with 0, 1 or 2 within the deadline (no signal, no
    /// hang) and returns the code. The message names the case only.
    pub fn clean_exit(&self, case: &str) -> i32 {
        assert!(
            !self.timed_out,
            "{case}: still running after {DEADLINE:?}; killed"
        );
        assert_eq!(
            self.signal, None,
            "{case}: ended by a signal, not an exit code"
        );
        let code = self.code.unwrap();
        assert!(matches!(code, 0..=2), "{case}: exit {code}, want 0, 1 or 2");
        code
    }

    /// Asserts the exit code (after [`Outcome::clean_exit`]). On a mismatch
    /// the message shows stderr only when it holds no key material.
    pub fn assert_code(&self, case: &str, expected: i32) -> &Self {
        let code = self.clean_exit(case);
        if code != expected {
            let stderr = if leaked_window(&self.stderr, ALL_KEYS).is_none() {
                String::from_utf8_lossy(&self.stderr[..self.stderr.len().min(2000)]).into_owned()
            } else {
                "(withheld: holds key material)".to_owned()
            };
            panic!("{case}: exit {code}, want {expected}; stderr: {stderr}");
        }
        self
    }

    /// Total bytes written to stdout and stderr.
    pub fn output_len(&self) -> u64 {
        self.stdout_len + self.stderr_len
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Asserts that neither stream holds a window of `keys` (see
    /// [`assert_no_window`]).
    pub fn no_window(&self, case: &str, keys: &[&str]) -> &Self {
        assert_no_window(&self.stdout, &format!("{case}: stdout"), keys);
        assert_no_window(&self.stderr, &format!("{case}: stderr"), keys);
        self
    }
}

/// Runs `cmd` with stdout and stderr piped (and `input` on stdin, else
/// nothing) until it exits, or kills it past [`DEADLINE`].
pub fn run_with_deadline(cmd: &mut Command, input: Option<Vec<u8>>) -> Outcome {
    use std::io::{Read, Write};
    use std::os::unix::process::ExitStatusExt;

    fn drain(mut from: impl Read + Send + 'static) -> std::thread::JoinHandle<(Vec<u8>, u64)> {
        std::thread::spawn(move || {
            let (mut kept, mut total) = (Vec::new(), 0u64);
            let mut buf = vec![0u8; 64 * 1024];
            while let Ok(n @ 1..) = from.read(&mut buf) {
                total += n as u64;
                let room = KEPT_OUTPUT.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
            (kept, total)
        })
    }

    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().unwrap();
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        // The binary may stop reading early (a cap): that is its right.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let out = drain(child.stdout.take().unwrap());
    let err = drain(child.stderr.take().unwrap());
    let started = std::time::Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    let (stdout, stdout_len) = out.join().unwrap();
    let (stderr, stderr_len) = err.join().unwrap();
    Outcome {
        code: status.code(),
        signal: status.signal(),
        timed_out,
        stdout,
        stderr,
        stdout_len,
        stderr_len,
    }
}

/// The first (key number, offset) of an 8-char window of one of `keys`
/// that `text` holds, in any case.
pub fn leaked_window(text: &[u8], keys: &[&str]) -> Option<(usize, usize)> {
    securekey_testkit::leak(text, keys).map(|l| (l.secret, l.at))
}

/// Asserts that `text` holds no 8 chars in a row of any of `keys`, in any
/// case. The message names the case, the key's number and the window's
/// offset, never the text or the key.
pub fn assert_no_window(text: &[u8], case: &str, keys: &[&str]) {
    securekey_testkit::assert_no_leak(text, keys, case);
}

impl TestEnv {
    /// Like [`TestEnv::cmd`], under an address-space limit of `kib` KiB
    /// (`ulimit -v` in /bin/sh, then exec): past it an allocation fails and
    /// the process aborts, so a test asserts a memory bound without timing.
    pub fn cmd_limited<I, S>(&self, args: I, kib: u64) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg("ulimit -v \"$1\" || exit 99; shift; exec \"$@\"")
            .arg("sh")
            .arg(kib.to_string())
            .arg(Self::bin())
            .args(args);
        self.clean(&mut cmd);
        cmd
    }

    /// `securekey exec-d` as the CNB launcher runs it, with fd 3 open on
    /// `fd3`: for writing (truncated), or read-only. Only `vars` (plus PATH
    /// and HOME) are set.
    pub fn exec_d(&self, fd3: &Path, writable: bool, vars: &[(&str, &str)]) -> Outcome {
        let redirect = if writable { "3>\"$f\"" } else { "3<\"$f\"" };
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(format!("f=$1; shift; exec \"$@\" {redirect}"))
            .arg("sh")
            .arg(fd3)
            .arg(Self::bin())
            .arg("exec-d");
        self.clean(&mut cmd);
        cmd.envs(vars.iter().copied());
        run_with_deadline(&mut cmd, None)
    }
}
