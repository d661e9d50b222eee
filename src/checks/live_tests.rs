//! The live checks (`not-attached`, `attached-differs`, `stale-rotation`)
//! as pure functions: reports and facts in, findings out.

use super::*;
use crate::facts::{AddonFacts, AppFacts, Attachment, DAY, Known, Rotation, source_name};

const A: &str = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
const B: &str = "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";
const C: &str = "0B5E7E1F6E8C7D35A1D0A4C2E6F9B8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A291";
const ADDON: &str = "addon-1";

/// A var of an app read live, holding `latest,previous`.
fn live(app: &str, var: &str, latest: &str, previous: &str) -> VarReport {
    let pair = KeyPair::parse(format!("{latest},{previous}").as_bytes());
    VarReport {
        app: Some(app.to_owned()),
        app_name: Some(app.to_owned()),
        var: var.to_owned(),
        source: source_name(app),
        required: false,
        present: true,
        latest_id: pair.as_ref().map(|p| p.latest().id()),
        previous_id: pair.as_ref().and_then(|p| p.previous()).map(Key::id),
        pair,
    }
}

fn attached(app: &str, attachment: &str) -> AppFacts {
    AppFacts {
        name: app.to_owned(),
        attachments: vec![Attachment {
            name: attachment.to_owned(),
            addon_id: ADDON.to_owned(),
            var: format!("{attachment}_KEY"),
        }],
    }
}

fn addon(plan: Option<&str>, rotation: Option<Rotation>) -> AddonFacts {
    AddonFacts {
        id: ADDON.to_owned(),
        name: "securekey-solid-14332".to_owned(),
        owner_app: "service-1".to_owned(),
        plan: plan.map(str::to_owned),
        known: if plan.is_some() {
            Known::Details
        } else {
            Known::NamePrefix
        },
        rotation,
    }
}

fn ids(findings: &[Finding]) -> Vec<(&str, &str)> {
    findings
        .iter()
        .map(|f| (f.app.as_deref().unwrap_or(""), f.check.as_str()))
        .collect()
}

/// The seed: an owner, an attachment, a copy by hand.
fn seed() -> (Vec<VarReport>, LiveFacts) {
    let reports = vec![
        live("service-1", "SECURE_KEY", C, A),
        live("service-2", "SERVICE_ONE_SECURE_KEY", C, A),
        live("service-3", "SERVICE_ONE_SECURE_KEY", A, B),
    ];
    let facts = LiveFacts {
        apps: vec![
            attached("service-1", "SECURE"),
            attached("service-2", "SERVICE_ONE_SECURE"),
            AppFacts {
                name: "service-3".into(),
                attachments: Vec::new(),
            },
        ],
        addons: vec![addon(Some("securekey:fortnightly"), None)],
    };
    (reports, facts)
}

#[test]
fn not_attached_names_the_addon_in_its_one_command_fix() {
    let (reports, facts) = seed();
    let found = check_live(&reports, &facts);
    assert_eq!(ids(&found), [("service-3", "not-attached")]);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(
        found[0].fix,
        "heroku config:unset SERVICE_ONE_SECURE_KEY -a service-3 && heroku addons:attach securekey-solid-14332 --as SERVICE_ONE_SECURE -a service-3"
    );
}

#[test]
fn saved_sources_get_no_live_findings() {
    let (mut reports, facts) = seed();
    reports[2].source = "s3.env".into();
    assert!(check_live(&reports, &facts).is_empty());
}

#[test]
fn an_attached_var_that_differs_from_the_owners_is_an_error() {
    let (mut reports, facts) = seed();
    reports[1] = live("service-2", "SERVICE_ONE_SECURE_KEY", B, C);
    reports.truncate(2);
    let found = check_live(&reports, &facts);
    assert_eq!(ids(&found), [("service-2", "attached-differs")]);
    assert_eq!(found[0].severity, Severity::Error);
    assert!(found[0].message.contains("service-1 SECURE_KEY"));
    assert!(!found[0].message.contains(&B[..8]));
}

#[test]
fn stale_rotation_is_the_plans_period_plus_two_days() {
    let (mut reports, mut facts) = seed();
    reports.truncate(2);
    let at = |days: i64| Rotation {
        app: "service-1".into(),
        var: "SECURE_KEY".into(),
        release: 5,
        changed_at: 0,
        now: days * DAY,
    };
    for (plan, days, stale) in [
        (Some("securekey:fortnightly"), 16, false),
        (Some("securekey:fortnightly"), 17, true),
        (Some("securekey:fortnightly"), 20, true),
        (Some("securekey:daily"), 4, true),
        (Some("securekey:weekly"), 9, false),
        (None, 30, false),
        (None, 31, true),
    ] {
        facts.addons = vec![addon(plan, Some(at(days)))];
        let found = check_live(&reports, &facts);
        let want: &[(&str, &str)] = if stale {
            &[("service-1", "stale-rotation")]
        } else {
            &[]
        };
        assert_eq!(ids(&found), want, "{plan:?} {days} days");
    }
}
