//! The one step from a run's [`Outcome`] to the bytes it prints, through
//! the run's [`Printer`] (made once every secret is known): stdout holds
//! exactly one document in the chosen format, the report or the error
//! object, never both and never none (the human format shows an error on
//! stderr only); stderr holds the `-q` finding lines, what the run said,
//! and the error. `main` writes [`Printed`] and logs [`note_lines`]; the
//! fuzz target judges the same bytes.

use std::fmt::Write as _;

use crate::checks::Severity;
use crate::pipeline::{Level, Note};
use crate::redact::Printer;
use crate::report::{self, OutputFormat};

use super::Outcome;

/// What a run prints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Printed {
    /// The document: the report, or the error object (none in the human
    /// format, whose error is on stderr).
    pub stdout: String,
    /// `securekey: …` lines.
    pub stderr: String,
}

/// Colour on each stream (a terminal, and no `NO_COLOR`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Colors {
    /// On stdout (the human report).
    pub stdout: bool,
    /// On stderr (the `-q` finding lines, the logs).
    pub stderr: bool,
}

/// Renders the outcome.
#[must_use]
pub fn render(outcome: &Outcome, p: &Printer, format: OutputFormat, colors: Colors) -> Printed {
    let mut out = Printed::default();
    if let (Ok(_), Some(report)) = (&outcome.result, &outcome.report) {
        if outcome.quiet {
            let errors: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            for f in errors {
                say_shown(&mut out.stderr, &report::finding_line(f, p, colors.stderr));
            }
        } else {
            let color = format == OutputFormat::Human && colors.stdout;
            out.stdout = report.render(p, format, color);
        }
    }
    p.prepare(outcome.said.iter().map(String::as_str));
    for line in &outcome.said {
        say_shown(&mut out.stderr, &p.line(line));
    }
    if let Err(e) = &outcome.result {
        let message = e.to_string();
        say_shown(&mut out.stderr, &p.line(&format!("error: {message}")));
        out.stdout = error_document(e.kind(), &message, p, format);
    }
    // `boot --print-file` (whose report is quiet): the path, read by the
    // boot script; not UTF-8, nothing (the script then exports nothing).
    if let (Ok(_), Some(path)) = (&outcome.result, &outcome.path_out) {
        match path.to_str() {
            Some(path) => {
                out.stdout.push_str(path);
                out.stdout.push('\n');
            }
            None => say_shown(
                &mut out.stderr,
                "warning: the key file's path is not UTF-8; SECUREKEY_FILE is not exported",
            ),
        }
    }
    out
}

/// What stdout holds when a run fails (exit 2): the error object, so a
/// script can always parse stdout; nothing in the human format.
#[must_use]
pub fn error_document(kind: &str, message: &str, p: &Printer, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => report::json_error(kind, message, p),
        OutputFormat::Github => report::github_error(kind, message, p),
        OutputFormat::Markdown => report::markdown_error(kind, message, p),
        OutputFormat::Human => String::new(),
    }
}

/// One `securekey: …` line of text already shown through the printer.
pub fn say_shown(out: &mut String, shown: &str) {
    let _ = writeln!(out, "securekey: {shown}");
}

/// The notes to log at `max` and above, shown through the printer in one
/// batch.
#[must_use]
pub fn note_lines(p: &Printer, notes: &[Note], max: Level) -> Vec<(Level, String)> {
    let shown: Vec<&Note> = notes.iter().filter(|n| n.level <= max).collect();
    p.prepare(shown.iter().map(|n| n.message.as_str()));
    shown
        .into_iter()
        .map(|n| (n.level, p.line(&n.message)))
        .collect()
}
