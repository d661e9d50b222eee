//! `boot`: the dyno boot, and the one place that decides what a failed boot
//! does (`SECUREKEY_BOOT`). Cedar's `.profile.d/securekey.sh` runs
//! `securekey boot` and exits with its code; CNB's `exec-d` runs the same
//! [`run`] with its fd 3 around it. Only `SECUREKEY_BOOT=strict` stops a
//! boot (docs/heroku.md, "Settings").

use std::path::Path;

use crate::error::Error;
use crate::exit::ExitCode;
use crate::pipeline::{Level, Note};
use crate::redact::Secrets;
use crate::settings::{BOOT_VAR, BootMode, Settings};

use super::{Options, Outcome, Source, check};

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

/// `securekey boot`: the key file at the boot's path.
pub(super) fn dyno(
    names: &[String],
    options: &Options,
    settings: &Settings,
    known: Secrets,
) -> Outcome {
    let mut outcome = write(names, options, settings, known, &settings.boot_key_file);
    policy(&mut outcome, settings.boot, DYNO);
    outcome
}

/// The boot's check and write, before the policy: the process env
/// checked, the key file written at `path`, only errors shown. Off
/// (`SECUREKEY_BOOT=off`), nothing is checked or written.
pub(super) fn write(
    names: &[String],
    options: &Options,
    settings: &Settings,
    known: Secrets,
    path: &Path,
) -> Outcome {
    if settings.boot == BootMode::Off {
        return Outcome {
            secrets: known,
            notes: vec![Note {
                level: Level::INFO,
                message: format!("{BOOT_VAR}=off: not writing the key file"),
            }],
            ..Outcome::default()
        };
    }
    // Quiet from the start: a good boot prints nothing, not even the
    // "wrote" line (tests/buildpack/10-classic-lifecycle.sh).
    let quiet = Options {
        quiet: true,
        ..options.clone()
    };
    let mut outcome = check::write(names, &Source::Process, path, &quiet, settings, known);
    outcome.quiet = true;
    if settings.boot == BootMode::Unknown {
        outcome.said.insert(
            0,
            format!(
                "warning: {BOOT_VAR} is neither `strict` nor `off`; a broken key is logged and the boot goes on"
            ),
        );
    }
    outcome
}

/// The boot policy over a boot's outcome: under strict a failure stops the
/// boot (exit 1 for errors in the keys, 2 for a configuration or I/O
/// error); otherwise it is logged, one line, and the boot goes on (exit 0).
pub(super) fn policy(outcome: &mut Outcome, mode: BootMode, moment: Moment) {
    let Moment { goes_on, stopped } = moment;
    let strict = mode == BootMode::Strict;
    match &outcome.result {
        Ok(ExitCode::Ok) => {}
        // The add-on's `NEW,` (not ok, a file written with the latest key
        // alone, its error already said) goes on unless strict.
        Ok(_) if !strict && outcome.wrote.is_some() => outcome.result = Ok(ExitCode::Ok),
        Ok(_) if strict => {
            outcome.said.push(format!(
                "{BOOT_VAR}=strict stops {stopped}: the SecureKey check failed (above)"
            ));
        }
        Ok(_) => {
            outcome.said.push(format!(
                "the SecureKey check failed (above); {goes_on} anyway, without a key file ({BOOT_VAR}=strict stops {stopped} instead)"
            ));
            outcome.result = Ok(ExitCode::Ok);
        }
        Err(e) => {
            let line = if strict {
                format!("error: {e}; {BOOT_VAR}=strict stops {stopped}")
            } else {
                format!("error: {e}; {goes_on} anyway ({BOOT_VAR}=strict stops {stopped} instead)")
            };
            outcome.said.push(line);
            // Said here, with what it means for the boot: not again as the
            // run's error.
            outcome.result = Ok(if strict {
                ExitCode::Failure
            } else {
                ExitCode::Ok
            });
        }
    }
}

/// The error of a boot step outside the check (exec-d's fd 3), as the run's.
pub(super) fn fail_step(outcome: &mut Outcome, error: Error) {
    outcome.report = None;
    outcome.result = Err(error);
}
