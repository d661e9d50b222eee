//! The crate behind the same command as the Ruby, Node and Python
//! packages' `securekey-reader`, so one conformance table
//! (`tests/conformance/table.tsv` in the repository) drives all four.
//!
//! ```text
//! cargo run --example verify -- verify SECURE_KEY < presented-key
//! cargo run --example verify -- present SECURE_KEY
//! ```
//!
//! `verify VAR` reads one presented key on stdin (one line; its `\n` or
//! `\r\n` is stripped, nothing else) and prints `latest`, `previous` or
//! `refused`, exiting 0, 0 or 1. `present VAR` prints the ids of the keys a
//! client presents, in order (latest, then previous): ids, never keys.
//! When the key file (`$SECUREKEY_FILE`, else the default path) is missing,
//! malformed or tampered, or holds no VAR: one line on stderr, exit 2.

// Examples build against all of the package's dependencies; they use one.
#![allow(unused_crate_dependencies)]

use std::ffi::OsString;
use std::io::{BufRead, Write};
use std::process::ExitCode;

use securekey::{KeyFile, Slot};

const USAGE: &str = "usage: verify (verify | present) VAR";

/// What was asked, from the arguments.
enum Command {
    /// Which of VAR's keys the presented key is.
    Verify(String),
    /// VAR's key ids in client order.
    Present(String),
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("securekey: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let command = parse_args(std::env::args_os().skip(1).collect())?;
    let keys = KeyFile::load_default().map_err(|e| e.to_string())?;
    let (Command::Verify(var) | Command::Present(var)) = &command;
    let pair = keys.pair(var).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    let written = match command {
        Command::Verify(_) => {
            let answer = match pair.verify(read_presented()?) {
                Some(Slot::Latest) => "latest",
                Some(Slot::Previous) => "previous",
                None => "refused",
            };
            writeln!(out, "{answer}").map(|()| {
                if answer == "refused" {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                }
            })
        }
        // The client order: latest first, then previous (if any).
        Command::Present(_) => pair
            .keys_to_present()
            .try_for_each(|key| writeln!(out, "{}", key.id()))
            .map(|()| ExitCode::SUCCESS),
    };
    written.map_err(|e| format!("cannot write output: {e}"))
}

fn parse_args(args: Vec<OsString>) -> Result<Command, String> {
    let [command, var] = <[OsString; 2]>::try_from(args).map_err(|_| USAGE.to_owned())?;
    let var = var.into_string().map_err(|_| USAGE.to_owned())?;
    match command.to_str() {
        Some("verify") => Ok(Command::Verify(var)),
        Some("present") => Ok(Command::Present(var)),
        _ => Err(USAGE.to_owned()),
    }
}

/// One line of stdin without its line ending; nothing else is stripped.
fn read_presented() -> Result<Vec<u8>, String> {
    let mut line = Vec::new();
    std::io::stdin()
        .lock()
        .read_until(b'\n', &mut line)
        .map_err(|e| format!("cannot read the presented key on stdin: {e}"))?;
    if line.ends_with(b"\n") {
        line.pop();
        if line.ends_with(b"\r") {
            line.pop();
        }
    }
    Ok(line)
}
