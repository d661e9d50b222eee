//! The Platform API stand-in, run as a process on 127.0.0.1.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::common::{Run, TestEnv};

use super::{STANDIN, checked, world};

/// The stand-in, running: its URL, its request log and the world's token.
/// Stopped when dropped.
pub(crate) struct StandIn {
    pub(crate) child: Child,
    pub(crate) url: String,
    pub(crate) log: PathBuf,
    pub(crate) token: String,
    dir: tempfile::TempDir,
}

impl StandIn {
    pub(crate) fn start() -> Self {
        Self::start_with(&[], "http")
    }

    /// Over HTTPS, with a certificate for 127.0.0.1 from a CA made here:
    /// the stand-in and the CA's PEM (to trust through `SSL_CERT_FILE`).
    pub(crate) fn start_tls() -> (Self, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let openssl = |args: &[&str]| {
            let ok = Command::new("openssl")
                .args(args)
                .current_dir(d)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("openssl runs")
                .success();
            assert!(ok, "openssl {args:?}");
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=securekey test CA",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        std::fs::write(
            d.join("ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext",
        ]);
        let cert = d.join("server.pem");
        let key = d.join("server.key");
        let standin = Self::start_with(
            &[OsStr::new("--tls"), cert.as_os_str(), key.as_os_str()],
            "https",
        );
        let ca = standin.dir.path().join("ca.pem");
        std::fs::copy(d.join("ca.pem"), &ca).unwrap();
        (standin, ca)
    }

    /// In a hostile mode (`--mode NAME[:ARG]`, tests/platform-api/standin.py).
    pub(crate) fn start_mode(mode: &str) -> Self {
        Self::start_with(&[OsStr::new("--mode"), OsStr::new(mode)], "http")
    }

    pub(crate) fn start_with(extra: &[&OsStr], scheme: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut child = Command::new("python3")
            .arg(STANDIN)
            .args(extra)
            .arg("--log")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the stand-in");
        // It prints its port once it listens: no polling, no sleep.
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line.trim().parse().expect("the stand-in prints its port");
        StandIn {
            child,
            url: format!("{scheme}://127.0.0.1:{port}"),
            log,
            token: world()["token"].as_str().unwrap().to_owned(),
            dir,
        }
    }

    /// The requests it received, in order.
    pub(crate) fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    pub(crate) fn paths(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| r["path"].as_str().unwrap().to_owned())
            .collect()
    }

    /// `securekey ARGS` with `HEROKU_HOST` pointing here and `vars`.
    pub(crate) fn run(&self, t: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut all = vec![("HEROKU_HOST", self.url.as_str())];
        all.extend_from_slice(vars);
        checked(t.run_env(args, &all))
    }

    /// With the right token.
    pub(crate) fn lint(&self, t: &TestEnv, args: &[&str]) -> Run {
        self.run(t, args, &[("HEROKU_API_KEY", &self.token)])
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
