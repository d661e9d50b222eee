//! `stale-rotation` (live lint): the add-on's pair last changed longer ago
//! than its plan's period plus two days (daily, weekly, fortnightly, else
//! 28 days: the provider's own rule), found from the app's releases. The
//! add-on may have stopped rotating, or its rotations do not reach the app.

use super::{CheckId, Finding, Problem, VarReport, addon_for_fix, finding};
use crate::facts::{DAY, Known, LiveFacts};

/// Days of grace past the plan's period.
const GRACE_DAYS: i64 = 2;

/// A finding on the var whose releases showed a stale pair.
pub(super) fn check(reports: &[VarReport], facts: &LiveFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    for addon in &facts.addons {
        let Some(rotation) = &addon.rotation else {
            continue;
        };
        let period = addon.period_days();
        let age = rotation.now - rotation.changed_at;
        if age <= (period + GRACE_DAYS) * DAY {
            continue;
        }
        let Some(r) = reports.iter().find(|r| {
            r.var == rotation.var
                && facts
                    .app_of_source(&r.source)
                    .is_some_and(|a| a.name == rotation.app)
        }) else {
            continue;
        };
        let plan = match (addon.known, addon.plan.as_deref()) {
            (Known::Details, Some(plan)) => format!("the plan {plan} rotates every {period} days"),
            _ => format!("its plan is unknown, so at most {period} days between rotations"),
        };
        let message = format!(
            "the pair last changed {} days ago (release v{}), and {plan}, plus {GRACE_DAYS} days of grace: the add-on may have stopped rotating",
            age / DAY,
            rotation.release
        );
        let addon_name = addon_for_fix(Some(&addon.name));
        let fix = format!(
            "check the add-on's state and plan: `heroku addons:info {addon_name}`; if it is provisioned, ask the add-on's support why it has not rotated"
        );
        let mut f = finding(
            &r.var,
            Problem::new(CheckId::StaleRotation, None, message, fix),
        );
        f.app.clone_from(&r.app);
        out.push(f);
    }
    out
}
