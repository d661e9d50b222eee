//! `--format markdown`: the report as a GitHub-flavoured Markdown table, one
//! row per app and var, for a job summary a person reads at a glance
//! (docs/output.md). Every name in it goes through [`cell`], so no name can
//! end a cell or a row, or make a link, an image, emphasis or HTML.

use std::fmt::Write as _;

use securekey::KeyId;

use super::{Report, plural};
use crate::checks::{Finding, Severity};
use crate::redact::Printer;

/// A name, label or path in a Markdown table cell: redacted, shortened and
/// escaped for a terminal by the printer (so newlines, controls and bidi
/// characters are already `\n`, `\u{202e}`), then escaped for Markdown.
/// The `status` command's table uses it too.
#[must_use]
pub fn cell(p: &Printer, text: &str) -> String {
    escape(&p.field(text))
}

/// A message (not shortened), as [`cell`] escapes it.
#[must_use]
pub fn text(p: &Printer, text: &str) -> String {
    escape(&p.line(text))
}

/// Text that is already safe for a terminal (one line, no control), made
/// literal Markdown. `<`, `>` and `&` become entities, so nothing is HTML
/// or a character reference. The other characters Markdown or GitHub give
/// a meaning to are backslash-escaped (`CommonMark` renders `\` before ASCII
/// punctuation as that character): `\` itself, `` ` `` (code), `*`, `_`,
/// `~` (emphasis, strikethrough), `[`, `]`, `!`, `(`, `)` (links,
/// images), `|` (the cell's end, which GFM honours even inside code),
/// `#`, and `:` and `.`, which break the autolinks GFM makes without
/// brackets (`http://…`, `www.…`). An e-mail autolink (`a@b.c`) is found
/// after escapes are read (cmark-gfm, tests/markdown.rs), so `@` is set
/// apart as code, which splits the text; GitHub's `@mention` links skip
/// code too.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("`@`"),
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '!' | '(' | ')' | '|' | '#' | ':' | '.' => {
                out.push('\\');
                out.push(c);
            }
            // The printer escapes these already; a caller's own text may
            // not have been through it.
            '\n' => out.push_str("\\\\n"),
            '\r' => out.push_str("\\\\r"),
            c => out.push(c),
        }
    }
    out
}

/// A key id in a cell: eight hex digits (nothing to escape), in code.
fn id_cell(id: Option<KeyId>) -> String {
    id.map_or_else(|| "—".to_owned(), |id| format!("`{id}`"))
}

impl Report {
    /// The Markdown report: a heading line with the counts, the table, then
    /// each finding's message and fix, and the notes.
    pub(super) fn markdown(&self, out: &mut String, p: &Printer) {
        let errors = self.count(Severity::Error);
        let warnings = self.count(Severity::Warning);
        let _ = writeln!(
            out,
            "### securekey: {} {} checked, {errors} {}, {warnings} {}{}\n",
            self.vars.len(),
            plural(self.vars.len(), "var", "vars"),
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings"),
            if self.ok() { "" } else { " — failing" }
        );
        let lint = self.vars.iter().any(|v| v.app.is_some());
        if lint {
            out.push_str("| App | Var | Status | Latest | Previous | Findings |\n");
            out.push_str("|---|---|---|---|---|---|\n");
        } else {
            out.push_str("| Var | Status | Latest | Previous | Findings |\n");
            out.push_str("|---|---|---|---|---|\n");
        }
        let by_var = self.findings_by_var();
        for (var, findings) in self.vars.iter().zip(&by_var) {
            out.push('|');
            if lint {
                let _ = write!(out, " {} |", cell(p, var.app.as_deref().unwrap_or("")));
            }
            let mut ids: Vec<&str> = findings.iter().map(|f| f.check.as_str()).collect();
            ids.dedup();
            let ids: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
            let _ = writeln!(
                out,
                " {} | {} | {} | {} | {} |",
                cell(p, &var.var),
                Report::status(var, findings),
                id_cell(var.latest_id),
                id_cell(var.previous_id),
                ids.join(", ")
            );
        }
        if !self.findings.is_empty() {
            out.push_str("\n#### Findings\n\n");
            for f in &self.findings {
                let _ = writeln!(out, "- {}", finding(f, p));
            }
        }
        if !self.notes.is_empty() {
            out.push('\n');
            for note in &self.notes {
                let _ = writeln!(out, "> note: {}", text(p, note));
            }
        }
    }
}

/// One finding as a list item: severity, check id, where, what, the fix.
fn finding(f: &Finding, p: &Printer) -> String {
    let mut place = String::new();
    if let Some(app) = &f.app {
        let _ = write!(place, "{} ", cell(p, app));
    }
    place.push_str(&cell(p, &f.var));
    if let Some(slot) = f.slot {
        let _ = write!(place, " \\({slot}\\)");
    }
    format!(
        "**{}** `{}` {place}: {}\\. Fix: {}",
        f.severity.as_str(),
        f.check,
        text(p, &f.message),
        text(p, &f.fix)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_punctuation_is_literal() {
        assert_eq!(escape("SECURE_KEY"), "SECURE\\_KEY");
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("[x](http://e)"), "\\[x\\]\\(http\\://e\\)");
        assert_eq!(escape("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(escape("`*~\\"), "\\`\\*\\~\\\\");
        assert_eq!(escape("www.e.com a@b"), "www\\.e\\.com a`@`b");
        assert_eq!(escape("service-1"), "service-1");
        assert!(!escape("a\nb").contains('\n'));
    }
}
