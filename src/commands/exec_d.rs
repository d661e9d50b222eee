//! `exec-d`: the Cloud Native Buildpack exec.d program. The launcher runs it
//! before every process and reads `NAME = "value"` TOML from file
//! descriptor 3; a non-zero exit stops the launch, so only
//! `SECUREKEY_BOOT=strict` may cause one (as on Cedar's boot script).

use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::redact::Secrets;
use crate::settings::{BootMode, Settings};

use super::boot::{self, Moment};
use super::{Options, Outcome};

/// A CNB process's launch, in the boot policy's log lines.
const LAUNCH: Moment = Moment {
    goes_on: "the process starts",
    stopped: "the launch",
};

/// Runs exec.d under the boot policy ([`boot::policy`]): check the process
/// env, write the key file, tell the launcher where it is. A failure of any
/// step, fd 3 included (read-only, or full), is logged and the process
/// starts, unless `SECUREKEY_BOOT=strict`.
pub(super) fn run(
    names: &[String],
    options: &Options,
    settings: &Settings,
    known: Secrets,
) -> Outcome {
    let path = absolute(&settings.boot_key_file);
    // Before anything is written: a launcher that gives no writable fd 3
    // is not a CNB launcher, and nothing should be written anywhere else.
    let fd3 = if settings.boot == BootMode::Off {
        None
    } else {
        match utf8_path(&path).and_then(|()| open_fd3()) {
            Ok(fd3) => Some(fd3),
            Err(e) => {
                let mut outcome = Outcome {
                    secrets: known,
                    result: Err(e),
                    ..Outcome::default()
                };
                boot::policy(&mut outcome, settings.boot, LAUNCH);
                return outcome;
            }
        }
    };
    let mut outcome = boot::write(names, options, settings, known, &path);
    if let (Some(mut fd3), Some(path)) = (fd3, &outcome.wrote) {
        let line = format!(
            "{} = {}\n",
            securekey::FILE_VAR,
            toml_str(&path.to_string_lossy())
        );
        if let Err(e) = fd3.write_all(line.as_bytes()) {
            boot::fail_step(&mut outcome, Error::Fd3Write(e));
        }
    }
    boot::policy(&mut outcome, settings.boot, LAUNCH);
    outcome
}

/// Opens file descriptor 3 for writing, as the launcher gave it.
///
/// std has no safe way to adopt a raw descriptor, and the crate forbids
/// unsafe code, so the descriptor is reached through `/proc/self/fd/3` —
/// but only after `/proc/self/fdinfo/3` shows it was opened for writing:
/// reopening a read-only descriptor for writing would write where the
/// launcher never allowed it. Appending never overwrites what is there.
fn open_fd3() -> Result<File, Error> {
    let info = fs::read_to_string("/proc/self/fdinfo/3").map_err(Error::Fd3)?;
    let flags = info
        .lines()
        .find_map(|line| line.strip_prefix("flags:"))
        .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        .ok_or_else(|| {
            Error::Fd3(io::Error::new(
                io::ErrorKind::InvalidData,
                "/proc/self/fdinfo/3 shows no flags",
            ))
        })?;
    // O_ACCMODE (the low two bits): 0 read-only, 1 write-only, 2 read-write.
    let access_mode = flags & 0o3;
    if access_mode == 0 {
        return Err(Error::Fd3ReadOnly);
    }
    OpenOptions::new()
        .append(true)
        .open("/proc/self/fd/3")
        .map_err(Error::Fd3)
}

/// The launcher's TOML carries text: a path that is not UTF-8 would reach
/// the app as another path.
fn utf8_path(path: &Path) -> Result<(), Error> {
    match path.to_str() {
        Some(_) => Ok(()),
        None => Err(Error::Write(
            path.to_owned(),
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the path is not UTF-8, and the launcher's TOML carries text only; set SECUREKEY_FILE to a UTF-8 path",
            ),
        )),
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::toml_str;

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_str("/app/a\"b\\c"), "\"/app/a\\\"b\\\\c\"");
        assert_eq!(toml_str("a\nb"), "\"a\\u000Ab\"");
    }
}
