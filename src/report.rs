//! The report: findings after `--strict`/`--allow`, rendered for people
//! (human) or programs (JSON, SPEC §5). Only ids, names and messages reach
//! here: no type in this module can hold key material.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::checks::{CheckId, Finding, Group, Severity, VarReport};
use crate::key::{KeyId, Slot};
use crate::redact::untrusted;
use serde_json::json;

/// The version of the JSON report format.
pub const FORMAT_VERSION: u32 = 1;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Lines for people.
    #[default]
    Human,
    /// The JSON report of SPEC §5.
    Json,
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
    /// taken for `SecureKey` by its name), in its printed form.
    pub notes: Vec<String>,
}

impl Report {
    /// Drops allowed findings and, under `--strict`, makes warnings errors.
    pub fn apply(&mut self, policy: &Policy) {
        self.findings.retain(|f| {
            let allowed = policy.allow.contains(&f.check);
            if allowed {
                tracing::debug!(check = %f.check, var = %untrusted(&f.var), "finding allowed by --allow");
            }
            !allowed
        });
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

    /// Renders the report, written as it goes (its size is linear in the
    /// vars and findings: every name is printed through
    /// [`Untrusted`](crate::redact::Untrusted), which bounds it).
    ///
    /// # Errors
    /// Writing to `out` failed.
    pub fn render(&self, out: &mut dyn Write, format: OutputFormat, color: bool) -> io::Result<()> {
        match format {
            OutputFormat::Human => self.human(out, color)?,
            OutputFormat::Json => self.json(out)?,
        }
        out.flush()
    }

    fn human(&self, out: &mut dyn Write, color: bool) -> io::Result<()> {
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
                writeln!(
                    out,
                    "{}",
                    paint.bold(&format!("== {}", app.unwrap_or_default()))
                )?;
            }
            let status = Report::status(var, &by_var[i]);
            let name = untrusted(&var.var).to_string();
            write!(out, "{name:<width$}  {:<7}", paint.status(status))?;
            if var.present {
                write!(
                    out,
                    "  latest {}  previous {}",
                    id_or_dash(var.latest_id),
                    id_or_dash(var.previous_id)
                )?;
            }
            writeln!(out)?;
            for f in &by_var[i] {
                writeln!(out, "  {}", finding_body(f, &paint))?;
                writeln!(out, "    fix: {}", f.fix)?;
            }
        }
        if let Some(groups) = &self.groups {
            writeln!(
                out,
                "{}",
                paint.bold("== add-on groups (vars holding one pair)")
            )?;
            if groups.is_empty() {
                writeln!(out, "  none")?;
            }
            for g in groups {
                write!(out, "  latest {} previous {}: ", g.latest_id, g.previous_id)?;
                for (j, (app, var)) in g.members.iter().enumerate() {
                    let sep = if j == 0 { "" } else { ", " };
                    write!(out, "{sep}{app} {}", untrusted(var))?;
                }
                let sync = if g.members.len() > 1 {
                    " — in sync"
                } else {
                    ""
                };
                writeln!(out, "{sync}")?;
            }
        }
        for note in &self.notes {
            writeln!(out, "note: {note}")?;
        }
        let errors = self.count(Severity::Error);
        let warnings = self.count(Severity::Warning);
        let ok = self
            .vars
            .iter()
            .zip(&by_var)
            .filter(|(v, f)| Report::status(v, f) == "ok")
            .count();
        writeln!(
            out,
            "{} {} checked: {ok} ok; {errors} {}, {warnings} {}{}",
            self.vars.len(),
            plural(self.vars.len(), "var", "vars"),
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings"),
            if self.ok() { "" } else { " — failing" }
        )
    }

    /// The JSON report of SPEC §5, one element at a time (`serde_json`
    /// writes each; the envelope is fixed text).
    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "{{\"version\":{FORMAT_VERSION},\"ok\":{},\"keys\":[",
            self.ok()
        )?;
        for (i, v) in self.vars.iter().filter(|v| v.present).enumerate() {
            let mut key = json!({
                "var": untrusted(&v.var).to_string(),
                "source": v.source,
                "latest_id": v.latest_id.map(|id| id.to_string()),
                "previous_id": v.previous_id.map(|id| id.to_string()),
            });
            if let Some(app) = &v.app {
                key["app"] = json!(app);
            }
            element(out, i, &key)?;
        }
        write!(out, "],\"findings\":[")?;
        for (i, f) in self.findings.iter().enumerate() {
            let mut finding = json!({
                "check": f.check.as_str(),
                "severity": f.severity.as_str(),
                "var": untrusted(&f.var).to_string(),
                "slot": f.slot.map(Slot::as_str),
                "message": format!("{}. Fix: {}", f.message, f.fix),
            });
            if let Some(app) = &f.app {
                finding["app"] = json!(app);
            }
            element(out, i, &finding)?;
        }
        write!(out, "]")?;
        if let Some(groups) = &self.groups {
            write!(out, ",\"groups\":[")?;
            for (i, g) in groups.iter().enumerate() {
                let members: Vec<serde_json::Value> = g
                    .members
                    .iter()
                    .map(|(app, var)| json!({"app": app, "var": untrusted(var).to_string()}))
                    .collect();
                let group = json!({
                    "latest_id": g.latest_id.to_string(),
                    "previous_id": g.previous_id.to_string(),
                    "members": members,
                });
                element(out, i, &group)?;
            }
            write!(out, "]")?;
        }
        if !self.notes.is_empty() {
            write!(out, ",\"notes\":")?;
            serde_json::to_writer(&mut *out, &self.notes).map_err(io::Error::from)?;
        }
        writeln!(out, "}}")
    }
}

/// One element of a JSON array, after a comma unless it is the first.
fn element(out: &mut dyn Write, index: usize, value: &serde_json::Value) -> io::Result<()> {
    if index > 0 {
        out.write_all(b",")?;
    }
    serde_json::to_writer(&mut *out, value).map_err(io::Error::from)
}

/// The widest the human report pads a var's name to; longer names are
/// printed in full (up to [`Untrusted`](crate::redact::Untrusted)'s own
/// cap), unpadded.
const MAX_NAME_COLUMN: usize = 40;

/// A finding on one line, for `-q` and the boot log.
#[must_use]
pub fn finding_line(f: &Finding, color: bool) -> String {
    format!("{} — fix: {}", finding_body(f, &Paint(color)), f.fix)
}

fn finding_body(f: &Finding, paint: &Paint) -> String {
    let var = untrusted(&f.var);
    let place = match (&f.app, f.slot) {
        (Some(app), Some(slot)) => format!("{app} {var} ({slot})"),
        (Some(app), None) => format!("{app} {var}"),
        (None, Some(slot)) => format!("{var} ({slot})"),
        (None, None) => var.to_string(),
    };
    format!(
        "{}[{}] {place}: {}",
        paint.severity(f.severity),
        f.check,
        f.message
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
