//! `boot`: the dyno boot, and the one place that decides what a failed boot
//! does (`SECUREKEY_BOOT`). Cedar's `.profile.d/securekey.sh` runs
//! `securekey boot` and exits with its code; CNB's `exec-d` runs the same
//! [`run`] with its fd 3 around it. Only `SECUREKEY_BOOT=strict` stops a
//! boot (SPEC §8).

use std::path::{Path, PathBuf};

use securekey_cli::error::Error;
use securekey_cli::exit::ExitCode;
use securekey_cli::key_file;
use securekey_cli::redact::{Printer, Secrets};

use super::{Ended, Source, checked, emit, start, write};
use crate::cli::Common;
use crate::output::{self, say};

/// The setting that says what a failed boot does.
const BOOT_VAR: &str = "SECUREKEY_BOOT";

/// `SECUREKEY_BOOT`, read once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// `off`: nothing is checked or written.
    Off,
    /// `strict`: a failed check or write stops the boot.
    Strict,
    /// Unset: a failure is logged and the boot goes on.
    Default,
    /// Anything else: as unset, with a warning.
    Unknown,
}

impl Mode {
    fn from_env() -> Mode {
        let value = std::env::var_os(BOOT_VAR).unwrap_or_default();
        match value.as_encoded_bytes() {
            b"off" => Mode::Off,
            b"strict" => Mode::Strict,
            b"" => Mode::Default,
            _ => Mode::Unknown,
        }
    }
}

/// What a boot is called in its log lines: a Cedar dyno boots, a CNB
/// process is launched.
#[derive(Clone, Copy, Debug)]
pub(super) struct Moment {
    /// What goes on despite a failure: "the dyno boots".
    pub(super) goes_on: &'static str,
    /// What strict stops: "the boot".
    pub(super) stopped: &'static str,
}

/// The Cedar dyno's boot (`.profile.d/securekey.sh`).
const DYNO: Moment = Moment {
    goes_on: "the dyno boots",
    stopped: "the boot",
};

/// Where a boot writes the key file: `$SECUREKEY_FILE`, else
/// `$HOME/.securekey/keys.json` (as the Cedar boot script sets it, and
/// exec-d tells the app on fd 3), else the one rule's default under the
/// working directory. A boot always hands the app `SECUREKEY_FILE`, so the
/// app's readers, which look there first, find it.
pub(super) fn path() -> PathBuf {
    match std::env::var_os(securekey::FILE_VAR).filter(|p| !p.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            Some(home) => PathBuf::from(home).join(securekey::DEFAULT_PATH),
            None => key_file::path(None),
        },
    }
}

/// `securekey boot`: the key file at the boot's path. With `--print-file`
/// the path follows on stdout, whatever the boot did (off, failed, done):
/// the boot script exports it as `SECUREKEY_FILE`, so the path rule is
/// written once, here, and not again in bash.
pub(super) fn dyno(names: &[String], print_file: bool, common: &Common, known: Secrets) -> Ended {
    let path = path();
    let ended = run(names, common, known, DYNO, &path, || Ok(()), |(), _| Ok(()));
    if print_file {
        match path.to_str() {
            // Through the printer like every byte (a path holds no key
            // unless HOME or SECUREKEY_FILE is one).
            Some(shown) => {
                let _ = output::stdout(&ended.printer, &format!("{shown}\n"));
            }
            None => say(
                &ended.printer,
                "warning: the key file's path is not UTF-8; SECUREKEY_FILE is not exported",
            ),
        }
    }
    ended
}

/// The boot under the policy: check the process env, `before` (exec-d's
/// fd 3), write the key file at `path`, `after` (the fd 3 line), and the
/// exit code the boot should see. Under strict a failure stops the boot
/// (exit 1 for errors in the keys, 2 for a configuration or I/O error);
/// otherwise it is logged, one line, and the boot goes on (exit 0).
pub(super) fn run<T>(
    names: &[String],
    common: &Common,
    known: Secrets,
    moment: Moment,
    path: &Path,
    before: impl FnOnce() -> Result<T, Error>,
    after: impl FnOnce(T, bool) -> Result<(), Error>,
) -> Ended {
    let mode = Mode::from_env();
    if mode == Mode::Off {
        let run = start(common, known);
        tracing::info!("{BOOT_VAR}=off: not writing the key file");
        return run.fail_or(Ok(ExitCode::Ok));
    }
    let strict = mode == Mode::Strict;
    let quiet = Common {
        quiet: true,
        ..common.clone()
    };
    let mut ended = checked(names, &Source::Process, &quiet, known, |p, outcome| {
        if mode == Mode::Unknown {
            say(
                p,
                &format!(
                    "warning: {BOOT_VAR} is neither `strict` nor `off`; a broken key is logged and the boot goes on"
                ),
            );
        }
        let ready = before()?;
        emit(p, &outcome.report, &quiet)?;
        let file = write::key_file(p, &outcome.report, path, true)?;
        after(ready, file)?;
        Ok(findings(p, strict, outcome.report.ok(), file, moment))
    });
    if let Err(e) = &ended.result {
        ended.result = Ok(failed(&ended.printer, strict, e, moment));
    }
    ended
}

/// The exit code of a boot whose check ran.
fn findings(p: &Printer, strict: bool, ok: bool, file: bool, moment: Moment) -> ExitCode {
    let Moment { goes_on, stopped } = moment;
    match (ok, strict, file) {
        // The add-on's `NEW,` (not ok, not strict, a file): written with
        // the latest key alone, and its error already logged.
        (true, _, _) | (false, false, true) => ExitCode::Ok,
        (false, true, _) => {
            say(
                p,
                &format!("{BOOT_VAR}=strict stops {stopped}: the SecureKey check failed (above)"),
            );
            ExitCode::Findings
        }
        (false, false, false) => {
            say(
                p,
                &format!(
                    "the SecureKey check failed (above); {goes_on} anyway, without a key file ({BOOT_VAR}=strict stops {stopped} instead)"
                ),
            );
            ExitCode::Ok
        }
    }
}

/// The exit code of a boot that failed before its check was done.
fn failed(p: &Printer, strict: bool, e: &Error, moment: Moment) -> ExitCode {
    let Moment { goes_on, stopped } = moment;
    if strict {
        say(p, &format!("error: {e}; {BOOT_VAR}=strict stops {stopped}"));
        ExitCode::Failure
    } else {
        say(
            p,
            &format!("error: {e}; {goes_on} anyway ({BOOT_VAR}=strict stops {stopped} instead)"),
        );
        ExitCode::Ok
    }
}
