//! The report: findings after `--strict`/`--allow`, rendered for people
//! (human), programs (JSON, docs/output.md), GitHub Actions (workflow
//! commands) or a job summary (Markdown, [`markdown`]). Only ids, names
//! and messages reach here: no type in this
//! module can hold key material, and every string of a report is printed
//! through the run's [`Printer`].

use std::collections::HashMap;
use std::fmt::Write as _;

use securekey::{KeyId, Slot};
use serde_json::json;

use crate::checks::{CheckId, Finding, Group, Severity, VarReport};
use crate::redact::Printer;

pub mod markdown;

/// The version of the JSON report format.
pub const FORMAT_VERSION: u32 = 1;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Lines for people.
    #[default]
    Human,
    /// The JSON report of docs/output.md.
    Json,
    /// GitHub Actions workflow commands, one per finding.
    Github,
    /// A Markdown table, one row per app and var (a job summary).
    Markdown,
}

/// `--strict` and `--allow`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Warnings count as errors.
    pub strict: bool,
    /// Checks whose findings are dropped.
    pub allow: Vec<CheckId>,
}

/// Everything one run found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Each checked var.
    pub vars: Vec<VarReport>,
    /// Each finding, after the policy.
    pub findings: Vec<Finding>,
    /// Lint's groups of vars holding one pair (`None` for `check`).
    pub groups: Option<Vec<Group>>,
    /// What the report says about how it knows (live lint: an add-on
    /// taken for `SecureKey` by its name).
    pub notes: Vec<String>,
}

impl Report {
    /// Drops allowed findings and, under `--strict`, makes warnings errors.
    pub fn apply(&mut self, policy: &Policy) {
        self.findings.retain(|f| !policy.allow.contains(&f.check));
        if policy.strict {
            for f in &mut self.findings {
                f.severity = Severity::Error;
            }
        }
    }

    /// No errors.
    #[must_use]
    pub fn ok(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The findings of each var, in `vars` order: one pass over the
    /// findings, so a report of 10,000 vars with a warning each stays linear
    /// (a filter per var took 2 s).
    /// Every string the report may print.
    fn strings(&self) -> impl Iterator<Item = &str> {
        let vars = self.vars.iter().flat_map(|v| {
            [
                Some(v.var.as_str()),
                Some(v.source.as_str()),
                v.app.as_deref(),
            ]
            .into_iter()
            .flatten()
        });
        let findings = self.findings.iter().flat_map(|f| {
            [
                Some(f.var.as_str()),
                f.app.as_deref(),
                Some(f.message.as_str()),
                Some(f.fix.as_str()),
            ]
            .into_iter()
            .flatten()
        });
        let groups = self
            .groups
            .iter()
            .flatten()
            .flat_map(|g| g.members.iter().flat_map(|(a, v)| [a.as_str(), v.as_str()]));
        vars.chain(findings)
            .chain(groups)
            .chain(self.notes.iter().map(String::as_str))
    }

    fn findings_by_var(&self) -> Vec<Vec<&Finding>> {
        let mut at: HashMap<(Option<&str>, &str), usize> = HashMap::with_capacity(self.vars.len());
        for (i, v) in self.vars.iter().enumerate() {
            at.entry((v.app.as_deref(), v.var.as_str())).or_insert(i);
        }
        let mut by_var: Vec<Vec<&Finding>> = vec![Vec::new(); self.vars.len()];
        for f in &self.findings {
            if let Some(&i) = at.get(&(f.app.as_deref(), f.var.as_str())) {
                by_var[i].push(f);
            }
        }
        by_var
    }

    fn status(var: &VarReport, findings: &[&Finding]) -> &'static str {
        let worst = findings.iter().map(|f| f.severity).max();
        match (var.present, worst) {
            (false, _) => "missing",
            (true, Some(Severity::Error)) => "error",
            (true, Some(Severity::Warning)) => "warning",
            (true, None) => "ok",
        }
    }

    /// Renders the report: its size is linear in the vars and findings
    /// (every name is shortened by the printer).
    #[must_use]
    pub fn render(&self, p: &Printer, format: OutputFormat, color: bool) -> String {
        p.prepare(self.strings());
        let mut out = String::new();
        match format {
            OutputFormat::Human => self.human(&mut out, p, color),
            OutputFormat::Json => self.json(&mut out, p),
            OutputFormat::Github => self.github(&mut out, p),
            OutputFormat::Markdown => self.markdown(&mut out, p),
        }
        out
    }

    fn human(&self, out: &mut String, p: &Printer, color: bool) {
        let paint = Paint(color);
        // Names pad to the longest, up to a cap: one absurd name must not
        // widen every line.
        let width = self
            .vars
            .iter()
            .map(|v| v.var.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(10, MAX_NAME_COLUMN);
        let by_var = self.findings_by_var();
        let mut app: Option<&str> = None;
        for (i, var) in self.vars.iter().enumerate() {
            if var.app.is_some() && var.app.as_deref() != app {
                app = var.app.as_deref();
                let header = format!("== {}", p.field(app.unwrap_or_default()));
                let _ = writeln!(out, "{}", paint.bold(&header));
            }
            let status = Report::status(var, &by_var[i]);
            let name = p.field(&var.var);
            let _ = write!(out, "{name:<width$}  {:<7}", paint.status(status));
            if var.present {
                let _ = write!(
                    out,
                    "  latest {}  previous {}",
                    id_or_dash(var.latest_id),
                    id_or_dash(var.previous_id)
                );
            }
            out.push('\n');
            for f in &by_var[i] {
                let _ = writeln!(out, "  {}", finding_body(f, p, &paint));
                let _ = writeln!(out, "    fix: {}", p.line(&f.fix));
            }
        }
        if let Some(groups) = &self.groups {
            let _ = writeln!(
                out,
                "{}",
                paint.bold("== add-on groups (vars holding one pair)")
            );
            if groups.is_empty() {
                out.push_str("  none\n");
            }
            for g in groups {
                let _ = write!(out, "  latest {} previous {}: ", g.latest_id, g.previous_id);
                for (j, (app, var)) in g.members.iter().enumerate() {
                    let sep = if j == 0 { "" } else { ", " };
                    let _ = write!(out, "{sep}{} {}", p.field(app), p.field(var));
                }
                let sync = if g.members.len() > 1 {
                    " — in sync"
                } else {
                    ""
                };
                let _ = writeln!(out, "{sync}");
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "note: {}", p.line(note));
        }
        let errors = self.count(Severity::Error);
        let warnings = self.count(Severity::Warning);
        let ok = self
            .vars
            .iter()
            .zip(&by_var)
            .filter(|(v, f)| Report::status(v, f) == "ok")
            .count();
        let _ = writeln!(
            out,
            "{} {} checked: {ok} ok; {errors} {}, {warnings} {}{}",
            self.vars.len(),
            plural(self.vars.len(), "var", "vars"),
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings"),
            if self.ok() { "" } else { " — failing" }
        );
    }

    /// The JSON report of docs/output.md, one element at a time.
    fn json(&self, out: &mut String, p: &Printer) {
        let _ = write!(
            out,
            "{{\"version\":{FORMAT_VERSION},\"ok\":{},\"keys\":[",
            self.ok()
        );
        for (i, v) in self.vars.iter().filter(|v| v.present).enumerate() {
            let mut key = json!({
                "var": p.json(&v.var),
                "source": p.json(&v.source),
                "latest_id": v.latest_id.map(|id| id.to_string()),
                "previous_id": v.previous_id.map(|id| id.to_string()),
            });
            if let Some(app) = &v.app {
                key["app"] = json!(p.json(app));
            }
            element(out, i, &key);
        }
        out.push_str("],\"findings\":[");
        for (i, f) in self.findings.iter().enumerate() {
            let mut finding = json!({
                "check": f.check.as_str(),
                "severity": f.severity.as_str(),
                "var": p.json(&f.var),
                "slot": f.slot.map(Slot::as_str),
                "message": p.json_line(&f.message),
                "fix": p.json_line(&f.fix),
            });
            if let Some(app) = &f.app {
                finding["app"] = json!(p.json(app));
            }
            element(out, i, &finding);
        }
        out.push(']');
        if let Some(groups) = &self.groups {
            out.push_str(",\"groups\":[");
            for (i, g) in groups.iter().enumerate() {
                let members: Vec<serde_json::Value> = g
                    .members
                    .iter()
                    .map(|(app, var)| json!({"app": p.json(app), "var": p.json(var)}))
                    .collect();
                let group = json!({
                    "latest_id": g.latest_id.to_string(),
                    "previous_id": g.previous_id.to_string(),
                    "members": members,
                });
                element(out, i, &group);
            }
            out.push(']');
        }
        if !self.notes.is_empty() {
            let notes: Vec<String> = self.notes.iter().map(|n| p.json_line(n)).collect();
            out.push_str(",\"notes\":");
            out.push_str(&serde_json::Value::from(notes).to_string());
        }
        out.push_str("}\n");
    }

    /// GitHub Actions workflow commands: `::error title=…::…` or
    /// `::warning …` per finding, then a `::notice` with the counts.
    fn github(&self, out: &mut String, p: &Printer) {
        for f in &self.findings {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            // Escaped as for a terminal first: the runner prints the
            // message in its log, and shows the title in its UI.
            let place = match &f.app {
                Some(app) => format!("{} {}", p.field(app), p.field(&f.var)),
                None => p.field(&f.var),
            };
            let title = format!("securekey {}: {place}", f.check);
            let message = format!("{}. Fix: {}", p.line(&f.message), p.line(&f.fix));
            let _ = writeln!(
                out,
                "::{level} title={}::{}",
                github_property(&title),
                github_data(&message)
            );
        }
        for note in &self.notes {
            let _ = writeln!(
                out,
                "::notice title=securekey note::{}",
                github_data(&p.line(note))
            );
        }
        let _ = writeln!(
            out,
            "::notice title=securekey::{}",
            github_data(&format!(
                "{} {} checked: {} {}, {} {}",
                self.vars.len(),
                plural(self.vars.len(), "var", "vars"),
                self.count(Severity::Error),
                plural(self.count(Severity::Error), "error", "errors"),
                self.count(Severity::Warning),
                plural(self.count(Severity::Warning), "warning", "warnings")
            ))
        );
    }
}

/// A workflow command's message, escaped as the runner reads it
/// (actions/toolkit `escapeData`).
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value (`escapeProperty`).
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The JSON object stdout holds when a run fails (exit 2) under
/// `--format json`: `{"version":1,"ok":false,"error":{"kind","message"}}`.
#[must_use]
pub fn json_error(kind: &str, message: &str, p: &Printer) -> String {
    let mut text = json!({
        "version": FORMAT_VERSION,
        "ok": false,
        "error": {"kind": kind, "message": p.json_line(message)},
    })
    .to_string();
    text.push('\n');
    text
}

/// The same as a workflow command.
#[must_use]
pub fn github_error(kind: &str, message: &str, p: &Printer) -> String {
    format!(
        "::error title=securekey {}::{}\n",
        github_property(kind),
        github_data(&p.line(message))
    )
}

/// The same in Markdown: a job summary shows why there is no table.
#[must_use]
pub fn markdown_error(kind: &str, message: &str, p: &Printer) -> String {
    format!(
        "### securekey: failed ({})\n\n{}\n",
        markdown::escape(kind),
        markdown::text(p, message)
    )
}

/// One element of a JSON array, after a comma unless it is the first.
fn element(out: &mut String, index: usize, value: &serde_json::Value) {
    if index > 0 {
        out.push(',');
    }
    out.push_str(&value.to_string());
}

/// The widest the human report pads a var's name to; longer names are
/// printed in full (up to the printer's cap), unpadded.
const MAX_NAME_COLUMN: usize = 40;

/// A finding on one line, for `-q` and the boot log.
#[must_use]
pub fn finding_line(f: &Finding, p: &Printer, color: bool) -> String {
    format!(
        "{} — fix: {}",
        finding_body(f, p, &Paint(color)),
        p.line(&f.fix)
    )
}

fn finding_body(f: &Finding, p: &Printer, paint: &Paint) -> String {
    let var = p.field(&f.var);
    let app = f.app.as_deref().map(|a| p.field(a));
    let place = match (&app, f.slot) {
        (Some(app), Some(slot)) => format!("{app} {var} ({slot})"),
        (Some(app), None) => format!("{app} {var}"),
        (None, Some(slot)) => format!("{var} ({slot})"),
        (None, None) => var,
    };
    format!(
        "{}[{}] {place}: {}",
        paint.severity(f.severity),
        f.check,
        p.line(&f.message)
    )
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn id_or_dash(id: Option<KeyId>) -> String {
    id.map_or_else(|| "-".repeat(8), |id| id.to_string())
}

/// ANSI colour, only when asked for (a terminal, and no `NO_COLOR`).
struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }

    fn severity(&self, s: Severity) -> String {
        match s {
            Severity::Error => self.wrap("31;1", "error"),
            Severity::Warning => self.wrap("33;1", "warning"),
        }
    }

    fn status(&self, status: &str) -> String {
        // Padding is applied to the visible text, so pad before painting.
        let padded = format!("{status:<7}");
        match status {
            "ok" => self.wrap("32", &padded),
            "warning" => self.wrap("33", &padded),
            _ => self.wrap("31", &padded),
        }
    }
}
