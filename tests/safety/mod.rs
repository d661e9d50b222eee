//! Hostile and careless input (issue 10, docs/performance.md and §10): no key text in
//! any output, no crash, output, time and memory bounded by the input.
//!
//! One test (or a few) per class of the issue. Every run ends within a
//! generous deadline (a hang fails the test rather than stalling it) and
//! the big ones under an address-space limit (memory past it aborts the
//! binary), so nothing here measures time. Every leak check is the strong
//! oracle: no 8 chars in a row of a key, in any case, with separators
//! removed, anywhere in stdout or stderr; a failure names the case and the
//! window, never the output or the key.

use std::fmt::Write as _;
use std::process::Command;

use crate::common::{A, ALL_KEYS, B, C, D, Outcome, TestEnv, gen_key, pair, run_with_deadline};

mod bounds;
mod exec_d;
mod found_by_fuzzing;
mod names;

// ---------------------------------------------------------------- the caps
//
// The limits these tests assume, in one place so the code can align with
// them (or they with the code). They keep a run well under a standard
// dyno's 512 MiB: 64 MiB of input, plus the parsed vars (about 200 bytes of
// bookkeeping each today: 1,000,000 vars is ~200 MiB), plus a report that
// is linear in the vars. 500 apps at Heroku's 64 KB config cap hold a few
// hundred thousand vars, so the var cap is no real limit on `lint`.

/// One input file, or stdin (today's `env::MAX_INPUT_BYTES`).
const MAX_INPUT_BYTES: u64 = 64 << 20;
/// All the files of one `ENV_DIR` together.
const MAX_ENV_DIR_BYTES: u64 = 64 << 20;
/// Config vars in one run (all of `lint`'s sources together).
const MAX_VARS: usize = 1_000_000;
/// `securekey.json`: a small regular file.
const MAX_CONFIG_BYTES: u64 = 64 << 10;
/// The address space the binary gets here: docs/performance.md's 512 MiB.
const MEMORY_LIMIT_KIB: u64 = 512 << 10;

// Input, plus ~200 bytes per var, plus 64 MiB for the rest, fit the limit.
const _: () =
    assert!(MAX_INPUT_BYTES + 200 * (MAX_VARS as u64) + (64 << 20) < MEMORY_LIMIT_KIB << 10);
const _: () = assert!(MAX_ENV_DIR_BYTES <= MAX_INPUT_BYTES && MAX_CONFIG_BYTES < MAX_INPUT_BYTES);

/// Output a var may cost in a report, whatever its name: its line, its
/// findings and their fix commands, each name shown at most a few hundred
/// bytes (`redact::MAX_UNTRUSTED_BYTES` is 512).
const PER_VAR_OUTPUT: u64 = 8 << 10;

/// The extra flags every format and level is tried with.
const MODES: [&[&str]; 5] = [
    &[],
    &["--format", "json"],
    &["-q"],
    &["-vv"],
    &["-vv", "--format", "json", "--strict"],
];

/// Runs the binary with `args`, `vars` set, under the memory limit and the
/// deadline.
fn run(t: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Outcome {
    let mut cmd = t.cmd_limited(args, MEMORY_LIMIT_KIB);
    cmd.envs(vars.iter().copied());
    run_with_deadline(&mut cmd, None)
}

/// `args` + a mode.
fn with_mode<'a>(args: &[&'a str], mode: &[&'a str]) -> Vec<&'a str> {
    args.iter().chain(mode).copied().collect()
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// `key` in groups of `n` joined by `sep`.
fn grouped(key: &str, n: usize, sep: &str) -> String {
    key.as_bytes()
        .chunks(n)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(sep)
}

fn json_report(out: &Outcome, case: &str) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{case}: stdout is not JSON (withheld)"))
}

/// Asserts every stderr line holds `needle` somewhere, case-insensitively.
fn stderr_says(out: &Outcome, case: &str, needles: &[&str]) {
    let stderr = out.stderr_text().to_lowercase();
    assert!(
        needles.iter().any(|n| stderr.contains(&n.to_lowercase())),
        "{case}: stderr names none of {needles:?}: {}",
        if crate::common::leaked_window(&out.stderr, ALL_KEYS).is_none() {
            out.stderr_text()
        } else {
            "(withheld)".to_owned()
        }
    );
}
