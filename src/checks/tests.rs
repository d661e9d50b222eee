//! One table per check: value in, findings out. Plus the engine's rules:
//! all findings in one run, ids for well-formed keys, duplicate pairs.

use super::*;
use crate::env::{Env, Var};

const A: &str = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
const B: &str = "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";
const BASE36: &str = "2fi9ugflsiscwcdv3g2aq2v2c2nwam2elripnkjbn1s6n5m6c4";

/// The findings of one value, as `(check, slot)`.
fn run(value: &str) -> Vec<(&'static str, Option<&'static str>)> {
    let ctx = Ctx {
        var: "SECURE_KEY",
        app: Some("service-1"),
    };
    check_value(&ctx, value.as_bytes())
        .problems
        .iter()
        .map(|p| (p.check.as_str(), p.slot.map(Slot::as_str)))
        .collect()
}

/// A value and the `(check, slot)` findings it must give.
type Case<'a> = (String, &'a [(&'a str, Option<&'a str>)]);

fn table(cases: &[Case<'_>]) {
    for (value, expected) in cases {
        let got = run(value);
        let expected: Vec<_> = expected.to_vec();
        // The value is test data; say which case by its length and shape,
        // not by printing it (the keys here are public examples anyway).
        assert_eq!(
            got.iter().map(|(c, s)| (*c, *s)).collect::<Vec<_>>(),
            expected,
            "case of {} bytes",
            value.len()
        );
    }
}

const L: Option<&str> = Some("latest");
const P: Option<&str> = Some("previous");

#[test]
fn valid_pair_has_no_findings() {
    table(&[(format!("{A},{B}"), &[])]);
}

#[test]
fn empty() {
    table(&[
        (String::new(), &[("empty", None)]),
        ("  \t\n".into(), &[("empty", None)]),
        (format!(",{B}"), &[("empty", L)]),
    ]);
}

#[test]
fn key_count() {
    table(&[
        (A.into(), &[("key-count", None)]),
        (format!("{A},{B},{A}"), &[("key-count", None)]),
        (format!("{A};{B}"), &[("key-count", None)]),
    ]);
}

#[test]
fn previous_empty() {
    table(&[
        (format!("{A},"), &[("previous-empty", P)]),
        (
            format!("{A}, "),
            &[("whitespace", None), ("previous-empty", P)],
        ),
        // The add-on's `NEW,` after a failed read, and both empty.
        (",".into(), &[("empty", L), ("previous-empty", P)]),
    ]);
}

#[test]
fn not_hex() {
    let mut bad = A.to_owned();
    bad.replace_range(10..11, "G");
    table(&[
        (format!("{bad},{B}"), &[("not-hex", L)]),
        (format!("{A},{B}!"), &[("not-hex", P)]),
        (format!("{A},{}", B.replace('F', " ")), &[("not-hex", P)]),
        (format!("{A},{}é", &B[..62]), &[("not-hex", P)]),
    ]);
}

#[test]
fn not_hex_names_position_and_kind_never_the_char() {
    let ctx = Ctx {
        var: "SECURE_KEY",
        app: None,
    };
    let mut bad = A.to_owned();
    bad.replace_range(10..11, "z");
    let checked = check_value(&ctx, format!("{bad},{B}").as_bytes());
    let msg = &checked.problems[0].message;
    assert!(msg.contains("position 11 of 64"), "{msg}");
    assert!(msg.contains("a letter after F"), "{msg}");
    assert!(
        !msg.contains('z'.to_string().as_str()) || !msg.contains(" z "),
        "{msg}"
    );
    let checked = check_value(&ctx, format!("{A},{}\u{ff}", &B[..63]).as_bytes());
    assert!(checked.problems[0].message.contains("non-ASCII"));
    let checked = check_value(
        &ctx,
        &[A.as_bytes(), b",", &B.as_bytes()[..63], b"\xff"].concat(),
    );
    assert!(checked.problems[0].message.contains("not UTF-8"));
}

#[test]
fn length() {
    table(&[
        (format!("{},{B}", &A[2..]), &[("length", L)]),
        (format!("{A},{}", &B[1..]), &[("length", P)]),
        (format!("{A}00,{B}"), &[("length", L)]),
        (
            format!("{},{}", &A[1..], &B[3..]),
            &[("length", L), ("length", P)],
        ),
    ]);
    let ctx = Ctx {
        var: "SECURE_KEY",
        app: None,
    };
    let msg = &check_value(&ctx, format!("{A},{}", &B[1..]).as_bytes()).problems[0].message;
    assert!(
        msg.contains("63 hex chars") && msg.contains("2013-2018"),
        "{msg}"
    );
}

#[test]
fn legacy_base36() {
    table(&[
        (
            format!("{BASE36},{BASE36}"),
            &[("legacy-base36", L), ("legacy-base36", P)],
        ),
        (format!("{A},{BASE36}"), &[("legacy-base36", P)]),
        // Too short for the old shape: just not hex.
        (format!("{A},zz"), &[("not-hex", P)]),
    ]);
}

#[test]
fn quoted() {
    table(&[
        (format!("\"{A},{B}\""), &[("quoted", None)]),
        (format!("'{A},{B}'"), &[("quoted", None)]),
        // Mismatched quotes are not a wrapping: the key holds a quote.
        (format!("\"{A},{B}'"), &[("not-hex", L), ("not-hex", P)]),
        (
            format!(" \"{A},{B}\" "),
            &[("whitespace", None), ("quoted", None)],
        ),
    ]);
}

#[test]
fn whitespace() {
    table(&[
        (
            format!("{A},{B}\n"),
            &[("whitespace", None), ("whitespace", P)],
        ),
        (
            format!(" {A},{B}"),
            &[("whitespace", None), ("whitespace", L)],
        ),
        (
            format!("{A} , {B}"),
            &[("whitespace", L), ("whitespace", P)],
        ),
    ]);
}

#[test]
fn case() {
    table(&[
        (format!("{},{B}", A.to_ascii_lowercase()), &[("case", L)]),
        (
            format!("{A},{}{}", &B[..32], B[32..].to_ascii_lowercase()),
            &[("case", P)],
        ),
    ]);
    let ctx = Ctx {
        var: "SECURE_KEY",
        app: None,
    };
    let mixed = format!("{A},{}{}", &B[..32], B[32..].to_ascii_lowercase());
    assert!(
        check_value(&ctx, mixed.as_bytes()).problems[0]
            .message
            .contains("mixed-case")
    );
}

#[test]
fn same_keys() {
    table(&[
        (format!("{A},{A}"), &[("same-keys", None)]),
        (
            format!("{A},{}", A.to_ascii_lowercase()),
            &[("case", P), ("same-keys", None)],
        ),
    ]);
}

#[test]
fn all_problems_in_one_run() {
    let value = format!(" \"{},{}\"", A.to_ascii_lowercase(), &B[1..]);
    assert_eq!(
        run(&value),
        [
            ("whitespace", None),
            ("quoted", None),
            ("case", L),
            ("length", P)
        ]
    );
}

#[test]
fn ids_for_each_well_formed_key() {
    let ctx = Ctx {
        var: "SECURE_KEY",
        app: None,
    };
    let checked = check_value(&ctx, format!("{A},{}", &B[1..]).as_bytes());
    assert!(checked.pair.is_none());
    assert_eq!(checked.latest_id, Key::parse(A.as_bytes()).map(|k| k.id()));
    assert!(checked.previous_id.is_none());
    // Whitespace and case are warnings: the pair is still usable.
    let checked = check_value(
        &ctx,
        format!(" {},{B}\n", A.to_ascii_lowercase()).as_bytes(),
    );
    assert_eq!(checked.pair.unwrap().latest().expose(), A);
}

fn env(vars: &[(&str, String)]) -> Env {
    Env::new(
        "test",
        vars.iter()
            .map(|(n, v)| Var {
                name: n.as_bytes().to_vec(),
                value: v.clone().into_bytes(),
            })
            .collect(),
    )
}

/// The named vars of `env`, as `select` hands them to the checks.
fn sel<'e>(env: &'e Env, names: &[(&str, bool)]) -> Vec<Selected<'e>> {
    names
        .iter()
        .map(|(n, r)| Selected {
            name: (*n).to_owned(),
            required: *r,
            value: env.get(n),
            by_default: false,
        })
        .collect()
}

#[test]
fn missing() {
    let e = env(&[]);
    let (reports, findings) = check_env(&sel(&e, &[("SECURE_KEY", true)]), "test", None);
    assert!(!reports[0].present);
    assert_eq!(findings[0].check, CheckId::Missing);
    assert_eq!(findings[0].severity, Severity::Error);
    assert!(findings[0].fix.contains("heroku addons:create securekey"));
    let (_, findings) = check_env(
        &sel(&e, &[("SERVICE_ONE_SECURE_KEY", true)]),
        "test",
        Some("service-2"),
    );
    assert!(
        findings[0]
            .fix
            .contains("heroku addons:attach <addon> --as SERVICE_ONE_SECURE -a service-2"),
        "{}",
        findings[0].fix
    );
}

#[test]
fn duplicate_pair() {
    let e = env(&[
        ("SECURE_KEY", format!("{A},{B}")),
        ("SECUREKEY_CHARCOAL_KEY", format!("{A},{B}")),
        ("OTHER_SECURE_KEY", format!("{B},{A}")),
    ]);
    let selected = sel(
        &e,
        &[
            ("SECURE_KEY", true),
            ("SECUREKEY_CHARCOAL_KEY", false),
            ("OTHER_SECURE_KEY", false),
        ],
    );
    let (_, findings) = check_env(&selected, "test", None);
    let found: Vec<_> = findings.iter().map(|f| (f.check, f.var.as_str())).collect();
    assert_eq!(found, [(CheckId::DuplicatePair, "SECUREKEY_CHARCOAL_KEY")]);
    assert!(findings[0].message.contains("SECURE_KEY"));
}

#[test]
fn check_ids_round_trip_and_docs_checks_md_documents_exactly_them() {
    // The one list (CheckId::ALL) against the user's: a `## id` heading
    // per check in docs/checks.md, in the same order.
    let ids: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
    let docs = include_str!("../../docs/checks.md");
    let documented: Vec<&str> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        .collect();
    assert_eq!(documented, ids, "docs/checks.md's `## id` headings");
    for id in CheckId::ALL {
        assert!(!id.description().is_empty(), "{id} has a description");
    }
    for id in CheckId::ALL {
        assert_eq!(id.as_str().parse::<CheckId>().unwrap(), *id);
    }
    assert!(
        "nope"
            .parse::<CheckId>()
            .unwrap_err()
            .to_string()
            .contains("key-count")
    );
}

fn lint_report(app: &str, var: &str, value: &str) -> VarReport {
    let e = env(&[(var, value.to_owned())]);
    let (mut reports, _) = check_env(&sel(&e, &[(var, true)]), "test", Some(app));
    let mut r = reports.remove(0);
    r.app = Some(app.to_owned());
    r
}

const C: &str = "0B5E7E1F6E8C7D35A1D0A4C2E6F9B8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A291";

#[test]
fn copied_and_swapped_across_apps() {
    let in_sync = [
        lint_report("service-1", "SECURE_KEY", &format!("{C},{A}")),
        lint_report("service-2", "SERVICE_ONE_SECURE_KEY", &format!("{C},{A}")),
    ];
    assert!(check_across(&in_sync).is_empty());
    assert_eq!(pair_groups(&in_sync).len(), 1);

    // service-2 pasted the pair before the last rotation.
    let copied = [
        lint_report("service-1", "SECURE_KEY", &format!("{C},{A}")),
        lint_report("service-2", "SERVICE_ONE_SECURE_KEY", &format!("{A},{B}")),
    ];
    let found = check_across(&copied);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].check, CheckId::Copied);
    assert_eq!(found[0].app.as_deref(), Some("service-2"));
    assert_eq!(found[0].severity, Severity::Warning);

    let swapped = [
        lint_report("service-1", "SECURE_KEY", &format!("{A},{B}")),
        lint_report("service-2", "SERVICE_ONE_SECURE_KEY", &format!("{B},{A}")),
    ];
    let found = check_across(&swapped);
    assert_eq!(
        found.iter().map(|f| f.check).collect::<Vec<_>>(),
        [CheckId::Swapped]
    );
    assert_eq!(found[0].severity, Severity::Error);
    assert_eq!(pair_groups(&swapped).len(), 2);

    // Same keys in both slots are no swap.
    let same = [
        lint_report("a", "SECURE_KEY", &format!("{A},{A}")),
        lint_report("b", "SECURE_KEY", &format!("{A},{A}")),
    ];
    assert!(check_across(&same).is_empty());
}

/// `Shape::of` by its definition: one byte at a time, a branch per class.
fn shape_by_definition(text: &[u8]) -> Shape {
    let mut shape = Shape {
        base36_lower: true,
        ..Shape::default()
    };
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'0'..=b'9' => {}
            b'a'..=b'f' => shape.lower_hex = true,
            b'A'..=b'F' => {
                shape.upper_hex = true;
                shape.base36_lower = false;
            }
            _ => {
                shape.first_non_hex.get_or_insert(i);
                shape.non_hex += 1;
                if b.is_ascii_lowercase() {
                    shape.beyond_f = true;
                } else {
                    shape.base36_lower = false;
                }
            }
        }
    }
    shape
}

#[test]
fn shape_agrees_with_its_definition() {
    // Every byte alone, after a digit and before one.
    for b in 0..=255u8 {
        for text in [vec![b], vec![b'7', b], vec![b, b'7', b]] {
            assert_eq!(Shape::of(&text), shape_by_definition(&text), "byte {b}");
        }
    }
    // Whole values of every shape the checks meet.
    let mut cases: Vec<Vec<u8>> = [A, B, BASE36, "", " ", "3f6d", "3F6d", "3F6D!", "Zz9", "é3F"]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    cases.push(format!("{A}g").into_bytes());
    cases.push(A.to_ascii_lowercase().into_bytes());
    cases.push((0..=255u8).collect());
    for text in &cases {
        assert_eq!(
            Shape::of(text),
            shape_by_definition(text),
            "{} bytes",
            text.len()
        );
    }
}
