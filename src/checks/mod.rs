//! The checks of docs/checks.md, as data: a [`CheckId`] per check, one file per
//! check, and [`check_env`], the pure core that runs them over one
//! environment (no files, no process env, no printing).

use std::fmt;
use std::fmt::Write as _;
use std::str::FromStr;

use securekey::{Key, KeyId, KeyPair, Slot};

use crate::facts::LiveFacts;
use crate::redact;
use crate::select::Selected;

mod advice;
mod case;
mod copied;
mod duplicate_pair;
mod empty;
mod groups;
mod key_count;
mod legacy_base36;
mod length;
mod missing;
mod not_hex;
mod previous_empty;
mod quoted;
mod same_keys;
mod shape;
mod swapped;
// Live lint (`lint --app/--addon`): from the Platform API's facts.
mod attached_differs;
mod not_attached;
mod stale_rotation;
mod whitespace;

pub(crate) use groups::same_pair_groups;
pub use groups::{Group, pair_groups};
use shape::Shape;

/// How bad a finding is. Errors fail the release; warnings do only under
/// `--strict`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth fixing; the keys still work.
    Warning,
    /// The keys cannot be used as they are.
    Error,
}

impl Severity {
    /// `warning` or `error`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! check_ids {
    ($($variant:ident = $id:literal, $severity:ident, $doc:literal;)*) => {
        /// The stable id of a check, as used in output, JSON and `--allow`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum CheckId {
            $(#[doc = $doc] $variant,)*
        }

        impl CheckId {
            /// Every check, in the order of docs/checks.md.
            pub const ALL: &'static [CheckId] = &[$(CheckId::$variant,)*];

            /// The id as written in docs/checks.md.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(CheckId::$variant => $id,)*
                }
            }

            /// The severity before `--strict`.
            #[must_use]
            pub fn severity(self) -> Severity {
                match self {
                    $(CheckId::$variant => Severity::$severity,)*
                }
            }

            /// What the check looks for, for `--help` and the README.
            #[must_use]
            pub fn description(self) -> &'static str {
                match self {
                    $(CheckId::$variant => $doc,)*
                }
            }
        }
    };
}

check_ids! {
    Missing = "missing", Error, "a required var is not set";
    Empty = "empty", Error, "set but empty or only whitespace";
    KeyCount = "key-count", Error, "not exactly two comma-separated keys";
    PreviousEmpty = "previous-empty", Error, "`LATEST,`: no previous key, so no grace";
    NotHex = "not-hex", Error, "a key has a char outside [0-9A-Fa-f]";
    Length = "length", Error, "a hex key is not 64 chars";
    LegacyBase36 = "legacy-base36", Error, "a key has the pre-2013 base36 shape";
    Quoted = "quoted", Error, "the value is wrapped in quotes";
    Whitespace = "whitespace", Warning, "whitespace around the value or a key";
    Case = "case", Warning, "lowercase or mixed-case hex";
    SameKeys = "same-keys", Warning, "latest equals previous";
    DuplicatePair = "duplicate-pair", Warning, "two vars of one app hold the same pair";
    Copied = "copied", Warning, "one app's pair is another's from an earlier rotation (lint)";
    Swapped = "swapped", Error, "the same two keys in the opposite order (lint)";
    NotAttached = "not-attached", Warning, "a pair no add-on attachment explains: set by hand (live lint)";
    AttachedDiffers = "attached-differs", Error, "an attached var differs from the add-on owner's (live lint)";
    StaleRotation = "stale-rotation", Warning, "the pair is older than its plan's period plus two days (live lint)";
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An id that names no check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCheck(pub String);

impl fmt::Display for UnknownCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        write!(
            f,
            "unknown check `{}`; the checks are: {}",
            self.0,
            ids.join(", ")
        )
    }
}

impl std::error::Error for UnknownCheck {}

impl FromStr for CheckId {
    type Err = UnknownCheck;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CheckId::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCheck(s.to_owned()))
    }
}

/// One problem found: plain data, safe to print (it never holds key
/// material; keys are named by id).
#[derive(Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which check.
    pub check: CheckId,
    /// Its severity after `--strict`.
    pub severity: Severity,
    /// The app, in `lint`.
    pub app: Option<String>,
    /// The config var.
    pub var: String,
    /// The key, when the problem is in one of them.
    pub slot: Option<Slot>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

/// What a check returns before it is tied to a var: the check, the slot,
/// what is wrong and the fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) check: CheckId,
    pub(crate) slot: Option<Slot>,
    pub(crate) message: String,
    pub(crate) fix: String,
}

impl Problem {
    pub(crate) fn new(check: CheckId, slot: Option<Slot>, message: String, fix: String) -> Self {
        Problem {
            check,
            slot,
            message,
            fix,
        }
    }
}

/// What a fix needs to know to print a command the user can paste.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) var: &'a str,
    pub(crate) app: Option<&'a str>,
}

impl<'a> Ctx<'a> {
    /// The var's name for a message, shortened (a report stays linear in
    /// its input); printed through the report's
    /// [`Printer`](crate::redact::Printer), as all of a finding is.
    pub(crate) fn name(&self) -> std::borrow::Cow<'a, str> {
        redact::shortened(self.var)
    }

    /// `-a APP` with `HEROKU_APP_NAME` (or the lint label) when it is a
    /// Heroku app name, else `-a <app>`: nothing a shell would run.
    pub(crate) fn app_flag(&self) -> String {
        redact::app_flag(self.app)
    }

    /// The attachment name whose `_KEY` var this is (`SERVICE_ONE_SECURE`
    /// for `SERVICE_ONE_SECURE_KEY`), if the var has that form.
    pub(crate) fn alias(&self) -> Option<std::borrow::Cow<'a, str>> {
        self.var
            .strip_suffix("_KEY")
            .filter(|a| !a.is_empty())
            .map(redact::shortened)
    }
}

/// One key of a pair as written in the value.
#[derive(Clone, Copy)]
pub(crate) struct KeyText<'a> {
    pub(crate) slot: Slot,
    /// As written between the commas, whitespace included.
    pub(crate) raw: &'a [u8],
    /// Without the whitespace around it.
    trimmed: &'a [u8],
    /// What the per-key checks need to know of the trimmed key.
    pub(crate) shape: Shape,
}

impl<'a> KeyText<'a> {
    fn new(slot: Slot, raw: &'a [u8]) -> Self {
        let trimmed = raw.trim_ascii();
        KeyText {
            slot,
            raw,
            trimmed,
            shape: Shape::of(trimmed),
        }
    }

    pub(crate) fn trimmed(&self) -> &'a [u8] {
        self.trimmed
    }
}

/// What checking one var found. (`Debug` shows the name as it is printed.)
#[derive(Clone)]
pub struct VarReport {
    /// The app, in `lint`: its label.
    pub app: Option<String>,
    /// The Heroku app name for fix commands: `HEROKU_APP_NAME`, or a lint
    /// label that is an app name.
    pub app_name: Option<String>,
    /// The var's name.
    pub var: String,
    /// Where its environment came from.
    pub source: String,
    /// Whether it was required (rather than discovered).
    pub required: bool,
    /// Whether it is set.
    pub present: bool,
    /// The pair, when both keys are well-formed, or the latest key alone
    /// when it is well-formed and the previous is empty (the add-on's
    /// `NEW,`, which `previous-empty` reports).
    pub pair: Option<KeyPair>,
    /// The id of each key that is well-formed, even when the other is not.
    pub latest_id: Option<KeyId>,
    /// See `latest_id`.
    pub previous_id: Option<KeyId>,
}

/// Runs every single-environment check over the selected vars of one
/// environment. Findings come in var order, then in check order within a
/// value; `app` names the app in fixes (`HEROKU_APP_NAME` or the lint label).
#[must_use]
pub fn check_env(
    selected: &[Selected<'_>],
    source: &str,
    app: Option<&str>,
) -> (Vec<VarReport>, Vec<Finding>) {
    let mut reports = Vec::with_capacity(selected.len());
    let mut findings = Vec::new();
    // A SecureKey var the app has: what `missing` points an app to.
    let attached = selected
        .iter()
        .find(|s| s.value.is_some() && crate::select::is_key_var_name(s.name.as_bytes()))
        .map(|s| s.name.as_str());
    for sel in selected {
        let ctx = Ctx {
            var: &sel.name,
            app,
        };
        let mut report = VarReport {
            app: None,
            app_name: app.map(str::to_owned),
            var: sel.name.clone(),
            source: source.to_owned(),
            required: sel.required,
            present: false,
            pair: None,
            latest_id: None,
            previous_id: None,
        };
        let problems = match sel.value {
            None => vec![missing::check(&ctx, sel.by_default, attached)],
            Some(value) => {
                report.present = true;
                let checked = check_value(&ctx, value);
                report.pair = checked.pair;
                report.latest_id = checked.latest_id;
                report.previous_id = checked.previous_id;
                checked.problems
            }
        };
        findings.extend(problems.into_iter().map(|p| finding(&sel.name, p)));
        reports.push(report);
    }
    for (var, problem) in duplicate_pair::check(&reports, app) {
        findings.push(finding(&var, problem));
    }
    (reports, findings)
}

impl fmt::Debug for VarReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VarReport")
            .field("app", &self.app)
            .field("app_name", &self.app_name)
            .field("var", &self.var)
            .field("source", &self.source)
            .field("required", &self.required)
            .field("present", &self.present)
            .field("pair", &self.pair)
            .field("latest_id", &self.latest_id)
            .field("previous_id", &self.previous_id)
            .finish()
    }
}

impl fmt::Debug for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Finding")
            .field("check", &self.check)
            .field("severity", &self.severity)
            .field("app", &self.app)
            .field("var", &self.var)
            .field("slot", &self.slot)
            .field("message", &self.message)
            .field("fix", &self.fix)
            .finish()
    }
}

pub(crate) fn finding(var: &str, p: Problem) -> Finding {
    Finding {
        check: p.check,
        severity: p.check.severity(),
        app: None,
        var: var.to_owned(),
        slot: p.slot,
        message: p.message,
        fix: p.fix,
    }
}

/// What checking one value found.
pub(crate) struct Checked {
    pub(crate) problems: Vec<Problem>,
    /// The id of each well-formed key, even when the other is not.
    pub(crate) latest_id: Option<KeyId>,
    pub(crate) previous_id: Option<KeyId>,
    pub(crate) pair: Option<KeyPair>,
}

/// All checks on one value, in order. A check that makes later ones
/// meaningless (empty, wrong key count, an unreadable key) ends that part of
/// the analysis; everything else is reported together.
pub(crate) fn check_value(ctx: &Ctx<'_>, value: &[u8]) -> Checked {
    let mut checked = Checked {
        problems: Vec::new(),
        latest_id: None,
        previous_id: None,
        pair: None,
    };
    let problems = &mut checked.problems;
    if let Some(p) = empty::value(ctx, value) {
        problems.push(p);
        return checked;
    }
    problems.extend(whitespace::value(ctx, value));
    let (inner, quoted) = quoted::check(ctx, value);
    problems.extend(quoted);
    if let Some(p) = key_count::check(ctx, inner) {
        problems.push(p);
        return checked;
    }
    let (latest, previous) = split_pair(inner);
    let keys = [
        KeyText::new(Slot::Latest, latest),
        KeyText::new(Slot::Previous, previous),
    ];
    let mut parsed: [Option<Key>; 2] = [None, None];
    let no_previous = keys[1].trimmed().is_empty();
    for (key, out) in keys.iter().zip(parsed.iter_mut()) {
        if key.trimmed().is_empty() {
            problems.push(match key.slot {
                Slot::Latest => empty::latest(ctx),
                Slot::Previous => previous_empty::check(ctx),
            });
            continue;
        }
        problems.extend(whitespace::key(ctx, key));
        if let Some(p) = legacy_base36::check(ctx, key)
            .or_else(|| not_hex::check(ctx, key))
            .or_else(|| length::check(ctx, key))
        {
            problems.push(p);
            continue;
        }
        problems.extend(case::check(ctx, key));
        *out = Key::parse(key.raw);
    }
    let [latest, previous] = parsed;
    checked.latest_id = latest.as_ref().map(Key::id);
    checked.previous_id = previous.as_ref().map(Key::id);
    checked.pair = match (latest, previous) {
        (Some(l), Some(p)) => {
            problems.extend(same_keys::check(ctx, &l, &p));
            Some(KeyPair::new(l, p))
        }
        // The add-on's `NEW,`: `previous-empty` fails the check, but the
        // boot may still write the latest key alone (docs/heroku.md, "The key file").
        (Some(l), None) if no_previous => Some(KeyPair::latest_only(l)),
        _ => None,
    };
    checked
}

/// Splits `LATEST,PREVIOUS`; the caller has checked there is one comma.
fn split_pair(value: &[u8]) -> (&[u8], &[u8]) {
    match value.iter().position(|&b| b == b',') {
        Some(at) => (&value[..at], &value[at + 1..]),
        None => (value, &value[value.len()..]),
    }
}

/// The checks across environments (lint): `copied` and `swapped`, over
/// reports whose `app` is set.
#[must_use]
pub fn check_across(reports: &[VarReport]) -> Vec<Finding> {
    let groups = same_pair_groups(reports);
    let mut out = copied::check(reports, &groups);
    out.extend(swapped::check(reports, &groups));
    out
}

/// The live checks (`lint --app/--addon`): `not-attached`,
/// `attached-differs` and `stale-rotation`, from what the Platform API said
/// about the apps read live (`facts`), over reports whose `source` names them.
#[must_use]
pub fn check_live(reports: &[VarReport], facts: &LiveFacts) -> Vec<Finding> {
    let mut out = not_attached::check(reports, facts);
    out.extend(attached_differs::check(reports, facts));
    out.extend(stale_rotation::check(reports, facts));
    out
}

/// An add-on's name for a fix command: the API's name when it is one a
/// shell reads as one word (`securekey-solid-14332`), else a placeholder.
fn addon_for_fix(name: Option<&str>) -> &str {
    match name {
        Some(n)
            if !n.is_empty()
                && n.len() <= 64
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            n
        }
        _ => "<addon>",
    }
}

// Helpers of lint's cross-app checks (`copied`, `swapped`).

/// The same finding on each var of a group (lint's cross-app checks), with
/// the fix made for each var's own name and app.
fn on_each<'r>(
    reports: &'r [VarReport],
    members: &'r [usize],
    check: CheckId,
    message: &'r str,
    advice: impl Fn(&Ctx<'_>) -> (String, String) + 'r,
) -> impl Iterator<Item = Finding> + 'r {
    members.iter().map(move |&i| {
        let var = &reports[i];
        let ctx = Ctx {
            var: &var.var,
            app: var.app_name.as_deref(),
        };
        let (then, fix) = advice(&ctx);
        let mut f = finding(
            &var.var,
            Problem::new(check, None, format!("{message}; {then}"), fix),
        );
        f.app.clone_from(&var.app);
        f
    })
}

/// `app VAR` or `VAR`.
fn place(r: &VarReport) -> String {
    match &r.app {
        Some(app) => format!("{} {}", redact::shortened(app), redact::shortened(&r.var)),
        None => redact::shortened(&r.var).into_owned(),
    }
}

/// How many places a cross-app finding names.
const SHOWN_PLACES: usize = 3;

/// The first few of `total` places and how many more: messages stay short
/// (and the report linear) when hundreds of vars share a pair.
fn some_places(shown: &[&VarReport], total: usize) -> String {
    let shown = &shown[..shown.len().min(SHOWN_PLACES)];
    let mut text = shown
        .iter()
        .map(|r| place(r))
        .collect::<Vec<_>>()
        .join(", ");
    if total > shown.len() {
        let _ = write!(text, " and {} more", total - shown.len());
    }
    text
}

#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod tests;
