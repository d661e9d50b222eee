//! The report: findings after `--strict`/`--allow`, rendered for people
//! (human) or programs (JSON, SPEC §5). Only ids, names and messages reach
//! here: no type in this module can hold key material.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::checks::{CheckId, Finding, Group, Severity, VarReport};
use crate::key::KeyId;

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
}

impl Report {
    /// Drops allowed findings and, under `--strict`, makes warnings errors.
    pub fn apply(&mut self, policy: &Policy) {
        self.findings.retain(|f| {
            let allowed = policy.allow.contains(&f.check);
            if allowed {
                tracing::debug!(check = %f.check, var = %f.var, "finding allowed by --allow");
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

    /// Renders the report.
    ///
    /// # Errors
    /// Writing to `out` failed.
    pub fn render(&self, out: &mut dyn Write, format: OutputFormat, color: bool) -> io::Result<()> {
        let text = match format {
            OutputFormat::Human => self.human(color),
            OutputFormat::Json => self.json(),
        };
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    /// One line per finding, for `-q`: `error[length] VAR (previous): … — fix: …`.
    #[must_use]
    pub fn finding_lines(&self) -> Vec<String> {
        self.findings
            .iter()
            .map(|f| finding_line(f, false))
            .collect()
    }

    fn human(&self, color: bool) -> String {
        let paint = Paint(color);
        let mut s = String::new();
        let width = self
            .vars
            .iter()
            .map(|v| v.var.len())
            .max()
            .unwrap_or(0)
            .max(10);
        let by_var = self.findings_by_var();
        let mut app: Option<&str> = None;
        for (i, var) in self.vars.iter().enumerate() {
            if var.app.is_some() && var.app.as_deref() != app {
                app = var.app.as_deref();
                let _ = writeln!(
                    s,
                    "{}",
                    paint.bold(&format!("== {}", app.unwrap_or_default()))
                );
            }
            let status = Report::status(var, &by_var[i]);
            let _ = write!(s, "{:<width$}  {:<7}", var.var, paint.status(status));
            if var.present {
                let _ = write!(
                    s,
                    "  latest {}  previous {}",
                    id_or_dash(var.latest_id),
                    id_or_dash(var.previous_id)
                );
            }
            s.push('\n');
            for f in &by_var[i] {
                let _ = writeln!(s, "  {}", finding_body(f, &paint));
                let _ = writeln!(s, "    fix: {}", f.fix);
            }
        }
        if let Some(groups) = &self.groups {
            let _ = writeln!(
                s,
                "{}",
                paint.bold("== add-on groups (vars holding one pair)")
            );
            if groups.is_empty() {
                s.push_str("  none\n");
            }
            for g in groups {
                let members: Vec<String> =
                    g.members.iter().map(|(a, v)| format!("{a} {v}")).collect();
                let sync = if g.members.len() > 1 {
                    " — in sync"
                } else {
                    ""
                };
                let _ = writeln!(
                    s,
                    "  latest {} previous {}: {}{sync}",
                    g.latest_id,
                    g.previous_id,
                    members.join(", ")
                );
            }
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
            s,
            "{} {} checked: {ok} ok; {errors} {}, {warnings} {}{}",
            self.vars.len(),
            plural(self.vars.len(), "var", "vars"),
            plural(errors, "error", "errors"),
            plural(warnings, "warning", "warnings"),
            if self.ok() { "" } else { " — failing" }
        );
        s
    }

    fn json(&self) -> String {
        let mut s = String::with_capacity(256 + 160 * (self.vars.len() + self.findings.len()));
        let _ = write!(
            s,
            "{{\"version\":{FORMAT_VERSION},\"ok\":{},\"keys\":[",
            self.ok()
        );
        for (i, v) in self.vars.iter().filter(|v| v.present).enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push('{');
            if let Some(app) = &v.app {
                let _ = write!(s, "\"app\":{},", json_str(app));
            }
            let _ = write!(
                s,
                "\"var\":{},\"source\":{},\"latest_id\":{},\"previous_id\":{}}}",
                json_str(&v.var),
                json_str(&v.source),
                json_id(v.latest_id),
                json_id(v.previous_id)
            );
        }
        s.push_str("],\"findings\":[");
        for (i, f) in self.findings.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push('{');
            if let Some(app) = &f.app {
                let _ = write!(s, "\"app\":{},", json_str(app));
            }
            let _ = write!(
                s,
                "\"check\":{},\"severity\":{},\"var\":{},\"slot\":{},\"message\":{}}}",
                json_str(f.check.as_str()),
                json_str(f.severity.as_str()),
                json_str(&f.var),
                f.slot
                    .map_or_else(|| "null".to_owned(), |s| json_str(s.as_str())),
                json_str(&format!("{}. Fix: {}", f.message, f.fix))
            );
        }
        s.push(']');
        if let Some(groups) = &self.groups {
            s.push_str(",\"groups\":[");
            for (i, g) in groups.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                let _ = write!(
                    s,
                    "{{\"latest_id\":\"{}\",\"previous_id\":\"{}\",\"members\":[",
                    g.latest_id, g.previous_id
                );
                for (j, (app, var)) in g.members.iter().enumerate() {
                    if j > 0 {
                        s.push(',');
                    }
                    let _ = write!(s, "{{\"app\":{},\"var\":{}}}", json_str(app), json_str(var));
                }
                s.push_str("]}");
            }
            s.push(']');
        }
        s.push_str("}\n");
        s
    }
}

/// A finding on one line, for `-q` and the boot log.
#[must_use]
pub fn finding_line(f: &Finding, color: bool) -> String {
    format!("{} — fix: {}", finding_body(f, &Paint(color)), f.fix)
}

fn finding_body(f: &Finding, paint: &Paint) -> String {
    let place = match (&f.app, f.slot) {
        (Some(app), Some(slot)) => format!("{app} {} ({slot})", f.var),
        (Some(app), None) => format!("{app} {}", f.var),
        (None, Some(slot)) => format!("{} ({slot})", f.var),
        (None, None) => f.var.clone(),
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

fn json_id(id: Option<KeyId>) -> String {
    id.map_or_else(|| "null".to_owned(), |id| format!("\"{id}\""))
}

fn json_str(s: &str) -> String {
    serde_json::Value::from(s).to_string()
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
