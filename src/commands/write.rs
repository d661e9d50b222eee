//! `write`'s second half, shared with the boots: from a checked report to
//! the key file, all or nothing, with the one exception the add-on's `NEW,`
//! makes (docs/heroku.md, "The key file").

use std::collections::HashSet;
use std::path::Path;

use securekey::KeyFile;

use crate::checks::{CheckId, Severity};
use crate::error::Error;
use crate::key_file;
use crate::redact::shortened;
use crate::report::Report;

/// Writes the key file when the report allows it, and adds to `said` what
/// was (not) written: where it went, unless `quiet`. Returns whether a
/// file was written.
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
pub(super) fn key_file(
    report: &Report,
    path: &Path,
    quiet: bool,
    said: &mut Vec<String>,
) -> Result<bool, Error> {
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
                said.push(format!(
                    "error: {} has no well-formed LATEST,PREVIOUS pair (its findings were allowed), and the key file needs its keys",
                    shortened(&v.var)
                ));
                whole = false;
            }
            None => {}
        }
    }
    if !whole {
        said.push(format!(
            "the key file {} was not written (an existing one is untouched)",
            path.display()
        ));
        return Ok(false);
    }
    key_file::write(&file, path)?;
    if !quiet {
        // The default folder is under the project's: a laptop's git must
        // not take it.
        let git = if path.ends_with(securekey::DEFAULT_PATH) {
            "; keep .securekey/ out of git (add it to .gitignore)"
        } else {
            ""
        };
        let pairs = if file.len() == 1 { "pair" } else { "pairs" };
        said.push(format!(
            "wrote {} ({} {pairs}){git}",
            path.display(),
            file.len()
        ));
    }
    // One set, not a scan of the findings per var.
    let reported: HashSet<&str> = report
        .findings
        .iter()
        .filter(|f| f.check == CheckId::PreviousEmpty)
        .map(|f| f.var.as_str())
        .collect();
    // The printer reads them against the secrets in one batch: a message
    // per var, each read alone, made 20,000 `NEW,` vars quadratic.
    said.extend(file
        .iter()
        .filter(|(var, pair)| pair.previous().is_none() && reported.contains(var))
        .map(|(var, pair)| {
            format!(
                "error: {} has no previous key (the add-on wrote `NEW,`): the key file holds its latest key alone ({}), so clients still on the previous key are refused until the add-on's next rotation",
                shortened(var),
                pair.latest()
            )
        }));
    Ok(true)
}
