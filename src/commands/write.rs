//! `write`'s second half, shared with `exec-d`: from a checked report to
//! the key file, all or nothing, with the one exception SPEC §6 makes for
//! the add-on's `NEW,`.

use std::collections::HashSet;
use std::path::Path;

use securekey_cli::KeyFile;
use securekey_cli::checks::{CheckId, Severity};
use securekey_cli::error::Error;
use securekey_cli::key_file;
use securekey_cli::redact::Printer;
use securekey_cli::report::Report;

use crate::output::say;

/// Writes the key file when the report allows it, and says on stderr what
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
    p: &Printer,
    report: &Report,
    path: &Path,
    quiet: bool,
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
                say(
                    p,
                    &format!(
                        "error: {} has no well-formed LATEST,PREVIOUS pair (its findings were allowed), and the key file needs its keys",
                        v.var
                    ),
                );
                whole = false;
            }
            None => {}
        }
    }
    if !whole {
        say(
            p,
            &format!(
                "the key file {} was not written (an existing one is untouched)",
                path.display()
            ),
        );
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
        say(
            p,
            &format!("wrote {} ({} {pairs}){git}", path.display(), file.len()),
        );
    }
    // One set, not a scan of the findings per var.
    let reported: HashSet<&str> = report
        .findings
        .iter()
        .filter(|f| f.check == CheckId::PreviousEmpty)
        .map(|f| f.var.as_str())
        .collect();
    // Said in one batch: a message per var, each read against the secrets
    // alone, made 20,000 `NEW,` vars quadratic.
    let lines: Vec<String> = file
        .iter()
        .filter(|(var, pair)| pair.previous().is_none() && reported.contains(var))
        .map(|(var, pair)| {
            format!(
                "error: {} has no previous key (the add-on wrote `NEW,`): the key file holds its latest key alone ({}), so clients still on the previous key are refused until the add-on's next rotation",
                securekey_cli::redact::shortened(var),
                pair.latest()
            )
        })
        .collect();
    p.prepare(lines.iter().map(String::as_str));
    for line in &lines {
        say(p, line);
    }
    Ok(true)
}
