//! `duplicate-pair`: two vars of one app hold the same pair.

use super::{CheckId, Ctx, Problem, VarReport, same_pair_groups};

/// One finding on every var of a group but the first, naming the first.
pub(super) fn check(reports: &[VarReport], app: Option<&str>) -> Vec<(String, Problem)> {
    let mut out = Vec::new();
    for group in same_pair_groups(reports) {
        let first = &reports[group[0]];
        for &i in &group[1..] {
            let var = &reports[i].var;
            let ctx = Ctx { var, app };
            // Display names keys by id only.
            let ids = first
                .pair
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            out.push((
                var.clone(),
                Problem::new(
                    CheckId::DuplicatePair,
                    None,
                    format!(
                        "{} holds the same pair as {} ({ids}); fine when both are attachments of one add-on (heroku addons lists them), but a copy made by hand stops rotating with it",
                        ctx.name(),
                        crate::redact::shortened(&first.var)
                    ),
                    format!("heroku addons {}", ctx.app_flag()),
                ),
            ));
        }
    }
    out
}
