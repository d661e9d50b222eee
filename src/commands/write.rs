//! `write`'s second half, shared with `exec-d`: from a checked report to
//! the key file, all or nothing, with the one exception SPEC §6 makes for
//! the add-on's `NEW,`.

use std::collections::HashSet;
use std::path::Path;

use securekey_cli::checks::{CheckId, Severity};
use securekey_cli::error::Error;
use securekey_cli::KeyFile;
use securekey_cli::key_file;
use securekey_cli::redact::{Untrusted, untrusted};
use securekey_cli::report::Report;

use crate::output::say;

/// Writes the key file when the report allows it, and says on stderr what
/// was (not) written. Returns whether a file was written.
///
/// Nothing is written when any error other than `previous-empty` stands,
/// or when `--allow` waived an error that left a var without a usable pair
/// (a key file with half a pair would be worse than none). A var whose
/// previous key is empty (the add-on's `NEW,`) is written with its latest
/// key alone: a dyno with the latest key beats a dyno with none.
///
/// # Errors
/// The file could not be written ([`key_file::write`]); an existing one is
/// then untouched.
pub(super) fn key_file(report: &Report, path: &Path) -> Result<bool, Error> {
    let blocking = report
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error && f.check != CheckId::PreviousEmpty);
    let mut file = KeyFile::new();
    let mut whole = !blocking;
    for v in report.vars.iter().filter(|v| v.present) {
        match &v.pair {
            Some(pair) => file.insert(v.var.clone(), pair.clone()),
            None if !blocking => {
                say!(
                    "securekey: error: {} has no well-formed LATEST,PREVIOUS pair (its findings were allowed), and the key file needs its keys",
                    untrusted(&v.var)
                );
                whole = false;
            }
            None => {}
        }
    }
    if !whole {
        say!("securekey: the key file was not written (an existing one is untouched)");
        return Ok(false);
    }
    key_file::write(&file, path)?;
    tracing::info!(path = %Untrusted::path(path), pairs = file.len(), "wrote the key file");
    // One set, not a scan of the findings per var.
    let reported: HashSet<&str> = report
        .findings
        .iter()
        .filter(|f| f.check == CheckId::PreviousEmpty)
        .map(|f| f.var.as_str())
        .collect();
    let reported = |var: &str| reported.contains(var);
    for (var, pair) in file.iter().filter(|(_, p)| p.previous().is_none()) {
        if reported(var) {
            say!(
                "securekey: error: {} has no previous key (the add-on wrote `NEW,`): the key file holds its latest key alone ({}), so clients still on the previous key are refused until the add-on's next rotation",
                untrusted(var),
                pair.latest()
            );
        } else {
            tracing::info!(
                var = %untrusted(var),
                "no previous key (allowed): wrote the latest key alone"
            );
        }
    }
    Ok(true)
}
