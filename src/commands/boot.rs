//! `boot`: the dyno boot, and the one place that decides what a failed boot
//! does (`SECUREKEY_BOOT`). Cedar's `.profile.d/securekey.sh` runs `securekey
//! boot` and exits with its code; CNB's `exec-d` runs its own write through
//! [`policy`]. Only `SECUREKEY_BOOT=strict` stops a boot (README, SPEC §8).

use std::path::Path;

use securekey::error::Error;
use securekey::exit::ExitCode;
use securekey::key_file;

use super::{Common, Source, check_one, emit, write};
use crate::output::say;

/// The setting that says what a failed boot does.
const BOOT_VAR: &str = "SECUREKEY_BOOT";

/// `SECUREKEY_BOOT`, read once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// `off`: nothing is checked or written.
    Off,
    /// `strict`: a failed check or write stops the boot.
    Strict,
    /// Unset, or anything else: a failure is logged and the boot goes on.
    Default,
}

impl Mode {
    /// Reads `SECUREKEY_BOOT`; a value other than `strict` or `off` is
    /// logged and read as unset.
    pub(super) fn from_env() -> Mode {
        let value = std::env::var_os(BOOT_VAR).unwrap_or_default();
        match value.as_encoded_bytes() {
            b"off" => Mode::Off,
            b"strict" => Mode::Strict,
            b"" => Mode::Default,
            _ => {
                say!(
                    "securekey: warning: {BOOT_VAR} is neither `strict` nor `off`; a broken key is logged and the boot goes on"
                );
                Mode::Default
            }
        }
    }
}

/// How a boot's write ended, when it did not fail outright.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Written {
    /// A key file was written (the add-on's `NEW,` writes one despite its error).
    pub(super) file: bool,
    /// The check found no errors.
    pub(super) ok: bool,
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
pub(super) const DYNO: Moment = Moment {
    goes_on: "the dyno boots",
    stopped: "the boot",
};

/// The policy: runs `boot_write` unless `mode` is off, and returns the exit
/// code the boot should see. Under strict a failure stops the boot (exit 1
/// for errors in the keys, 2 for a configuration or I/O error); otherwise
/// it is logged, one line, and the boot goes on (exit 0).
pub(super) fn policy(
    mode: Mode,
    moment: Moment,
    boot_write: impl FnOnce() -> Result<Written, Error>,
) -> ExitCode {
    let Moment { goes_on, stopped } = moment;
    if mode == Mode::Off {
        tracing::info!("{BOOT_VAR}=off: not writing the key file");
        return ExitCode::Ok;
    }
    let strict = mode == Mode::Strict;
    match boot_write() {
        Ok(Written { ok: true, .. }) => ExitCode::Ok,
        Ok(_) if strict => {
            say!(
                "securekey: {BOOT_VAR}=strict stops {stopped}: the SecureKey check failed (above)"
            );
            ExitCode::Findings
        }
        // The add-on's `NEW,`: written with the latest key alone, and its
        // error already logged.
        Ok(Written { file: true, .. }) => ExitCode::Ok,
        Ok(_) => {
            say!(
                "securekey: the SecureKey check failed (above); {goes_on} anyway, without a key file ({BOOT_VAR}=strict stops {stopped} instead)"
            );
            ExitCode::Ok
        }
        Err(e) if strict => {
            say!("securekey: error: {e}; {BOOT_VAR}=strict stops {stopped}");
            ExitCode::Failure
        }
        Err(e) => {
            say!(
                "securekey: error: {e}; {goes_on} anyway ({BOOT_VAR}=strict stops {stopped} instead)"
            );
            ExitCode::Ok
        }
    }
}

/// Runs `boot`: checks the process env and writes the key file, under the
/// boot policy.
pub(super) fn run(names: &[String], common: &Common) -> ExitCode {
    policy(Mode::from_env(), DYNO, || {
        write_checked(names, common, &key_file::boot_path(), |_| Ok(()))
    })
}

/// The boot's check and write, shared with `exec-d`: the process env,
/// errors only on stderr (`-q`), the key file at `path`. `fit` refuses a
/// path before anything is written; it runs after the check, which tells
/// the output mask the env's key values before any error names the path.
pub(super) fn write_checked(
    names: &[String],
    common: &Common,
    path: &Path,
    fit: impl FnOnce(&Path) -> Result<(), Error>,
) -> Result<Written, Error> {
    let quiet = Common {
        quiet: true,
        ..common.clone()
    };
    let report = check_one(names, &Source::Process, &quiet)?;
    fit(path)?;
    emit(&report, &quiet)?;
    let file = write::key_file(&report, path)?;
    Ok(Written {
        file,
        ok: report.ok(),
    })
}
