//! The whole pipeline as the binary runs it (`securekey_cli::pipeline`): saved
//! environments parsed, vars selected, `check` on each environment and
//! `lint` over all of them, the policy applied, the report rendered for
//! people (with and without colour), as JSON and as `-q` lines, errors and
//! the library's logs, each stream through a `Mask` of the checked values as
//! `src/output.rs` does. Then the oracles of SPEC §9 and §10 on what would
//! have been printed:
//!
//! - nothing panics;
//! - the JSON report parses, and holds the report's vars and findings;
//! - no 8 letters and digits in a row of the output (separators and case
//!   ignored) are 8 in a row of key material: a window the `Mask` keeps of a
//!   checked var's value (all hex, or holding a digit), or of key-shaped
//!   text anywhere in the input (16 or more hex digits with nothing but
//!   separators between them: a var's name or value, an app name, a path, a
//!   lint label, the required names as typed), or of a pre-2013 key;
//! - the output is linear: each var, finding and group member costs a
//!   bounded number of bytes whatever its name, and a var at most a bounded
//!   number of findings;
//! - no control, bidi or line-separator character gets out raw, other than
//!   the newlines and (with colour) the ANSI colour codes the report writes
//!   itself; the coloured report is the plain one once those are removed.
//!
//! A failure names the oracle, the run, the stream and offsets: never the
//! output or a key.
//!
//! Input: a few flags, then length-prefixed fields (`arbitrary`). In every
//! text field `@0`…`@9` stands for a key, a pair or a split key (see
//! [`KEYS`]), so the fuzzer reaches real keys and pairs.
#![no_main]

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;
use std::sync::Once;

use libfuzzer_sys::arbitrary::{self, Unstructured};
use libfuzzer_sys::fuzz_target;
use securekey_cli::checks::{CheckId, Severity};
use securekey_cli::env::{self, Detect, Env, Format, Var};
use securekey_cli::error::Error;
use securekey_cli::pipeline::{self, Lint, LintSource};
use securekey_cli::redact::{self, Mask, MaskedWriter, Untrusted};
use securekey_cli::report::{self, OutputFormat, Policy, Report};
use securekey_cli::select::{self, REQUIRE_VAR};

// ------------------------------------------------------------------ input

const A: &str = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
const B: &str = "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";
const C: &str = "0B5E7E1F6E8C7D35A1D0A4C2E6F9B8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A291";
const D: &str = "9A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9";
/// A pre-2013 key: 50 lowercase base36 chars.
const BASE36: &str = "2fi9ugflsiscwcdv3g2aq2v2c2nwam2elripnkjbn1s6n5m6c4";

/// What `@0`…`@9` stand for: four keys, one in lowercase, a base36 key,
/// pairs that are copied (`@7` is one rotation ahead of `@6`) or swapped
/// (`@8`), and a key grouped in 8s with dashes.
const KEYS: [&str; 10] = [
    A,
    B,
    C,
    D,
    "3f6d463c2a79289dc5b3c13a4eb2736b0d51a80234caeaf0ea12d15f12e9fdee",
    BASE36,
    "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE,CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA",
    "0B5E7E1F6E8C7D35A1D0A4C2E6F9B8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A291,3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE",
    "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA,3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE",
    "9A1B2C3D-4E5F6071-8293A4B5-C6D7E8F9-0A1B2C3D-4E5F6071-8293A4B5-C6D7E8F9",
];

/// A field with `@N` replaced by `KEYS[N]`.
fn expand(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match (raw[i], raw.get(i + 1)) {
            (b'@', Some(d @ b'0'..=b'9')) => {
                out.extend_from_slice(KEYS[usize::from(d - b'0')].as_bytes());
                i += 2;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// How a saved environment is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    /// `check --env-file` (a JSON object is `heroku config --json`).
    EnvFile,
    /// `check --heroku-json`.
    HerokuJson,
    /// A dotenv file, whatever its content.
    Dotenv,
    /// `NAME=value` entries split by NUL: `check`'s process env (any name),
    /// or an `ENV_DIR` in `lint` (file names that are var names).
    Process,
}

struct Source {
    how: How,
    /// `--env-file`'s path in `check`; `lint`'s `APP=PATH` or `PATH`.
    arg: String,
    content: Vec<u8>,
}

struct Case {
    policy: Policy,
    discover: bool,
    sources: Vec<Source>,
    /// `HEROKU_APP_NAME` in the process env.
    app: Option<Vec<u8>>,
    /// Required names given as arguments.
    args: Vec<String>,
    /// Bytes of input, after `@N` is expanded.
    input_len: usize,
}

fn text(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    Ok(expand(u.arbitrary::<&[u8]>()?))
}

fn decode(data: &[u8]) -> arbitrary::Result<Case> {
    let mut u = Unstructured::new(data);
    let flags: u8 = u.arbitrary()?;
    let allowed: u16 = u.arbitrary()?;
    let allow = CheckId::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| allowed >> i & 1 == 1)
        .map(|(_, c)| *c)
        .collect();
    let app = if flags & 0x04 != 0 {
        Some(text(&mut u)?)
    } else {
        None
    };
    let mut args = Vec::new();
    for _ in 0..(flags >> 3) & 3 {
        args.push(String::from_utf8_lossy(&text(&mut u)?).into_owned());
    }
    let count = 1 + usize::from(flags & 3) % 3;
    let mut sources = Vec::with_capacity(count);
    for i in 0..count {
        let how = match u.arbitrary::<u8>()? % 4 {
            0 => How::EnvFile,
            1 => How::HerokuJson,
            2 => How::Dotenv,
            _ => How::Process,
        };
        let arg = String::from_utf8_lossy(&text(&mut u)?).into_owned();
        let content = if i + 1 == count {
            expand(std::mem::replace(&mut u, Unstructured::new(&[])).take_rest())
        } else {
            text(&mut u)?
        };
        sources.push(Source { how, arg, content });
    }
    let input_len = app.as_ref().map_or(0, Vec::len)
        + args.iter().map(String::len).sum::<usize>()
        + sources
            .iter()
            .map(|s| s.arg.len() + s.content.len())
            .sum::<usize>();
    Ok(Case {
        policy: Policy {
            strict: flags & 0x40 != 0,
            allow,
        },
        discover: flags & 0x20 == 0,
        sources,
        app,
        args,
        input_len,
    })
}

/// `NAME=value` entries split by NUL, as the process env holds them.
fn process_vars(content: &[u8]) -> Vec<Var> {
    content
        .split(|&b| b == 0)
        .filter_map(|entry| {
            let eq = entry.iter().skip(1).position(|&b| b == b'=')? + 1;
            Some(Var {
                name: entry[..eq].to_vec(),
                value: entry[eq + 1..].to_vec(),
            })
        })
        .collect()
}

/// Where `securekey.json` is not: `required` falls back to the default.
const NO_APP_DIR: &str = "/nonexistent/securekey-fuzz";

// ----------------------------------------------------------------- logs

thread_local! {
    /// Log events not yet masked, one buffer each.
    static EVENTS: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// tracing-subscriber's writer for one event: kept whole until the run
/// masks it, as the binary masks each event with the values known then.
struct EventWriter(Vec<u8>);

impl Write for EventWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        let event = std::mem::take(&mut self.0);
        EVENTS.with(|e| e.borrow_mut().push(event));
    }
}

fn init_logs() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(|| EventWriter(Vec::new()))
            .with_max_level(tracing::Level::TRACE)
            .without_time()
            .with_target(false)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
    });
}

// --------------------------------------------------------- key material

/// Where a window of key material comes from, for failure messages.
#[derive(Clone, Copy)]
enum Origin {
    /// A checked var's value (the run's `n`th), as the `Mask` keeps it.
    Value(usize),
    /// Key-shaped text in an input field.
    HexRun(&'static str),
    /// The pre-2013 key of `@5`.
    Base36,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Value(n) => write!(f, "checked value #{n}"),
            Origin::HexRun(what) => write!(f, "key-shaped text in {what}"),
            Origin::Base36 => f.write_str("the base36 key"),
        }
    }
}

/// 8 upper-cased letters and digits, packed.
fn pack(w: &[u8]) -> u64 {
    w.iter().fold(0, |acc, &b| (acc << 8) | u64::from(b))
}

/// The letters and digits of a text, upper-cased.
fn squeezed(text: &[u8]) -> Vec<u8> {
    text.iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(u8::to_ascii_uppercase)
        .collect()
}

/// SPEC §10's key-shaped text: 16 or more hex digits, any case, with
/// nothing but separators between them, however many. A separator is a
/// byte that is not an ASCII letter or digit, or the final letter of a
/// terminal control sequence (`ESC [ 0 m`: a key pasted with colour codes
/// in it is split by them, not ended) when that letter is not a hex digit
/// (`ESC [ 1 C` prints its `C` beside the digits). Any other letter outside `a-f` ends
/// a run. Each run as a byte range, from its first digit to its last.
fn hex_runs(text: &[u8]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let (mut start, mut end, mut digits) = (0, 0, 0);
    let mut final_at = None;
    for (i, &b) in text.iter().enumerate() {
        if b == 0x1b && text.get(i + 1) == Some(&b'[') {
            let params = text[i + 2..]
                .iter()
                .take_while(|b| (0x20..=0x3f).contains(*b))
                .count();
            let at = i + 2 + params;
            final_at = matches!(text.get(at), Some(0x40..=0x7e)).then_some(at);
        }
        // A hex final letter prints beside the digits (the ESC escaped).
        if final_at == Some(i) && !b.is_ascii_hexdigit() {
            continue;
        }
        if b.is_ascii_hexdigit() {
            if digits == 0 {
                start = i;
            }
            digits += 1;
            end = i + 1;
        } else if b.is_ascii_alphanumeric() {
            if digits >= 16 {
                runs.push(start..end);
            }
            digits = 0;
        }
    }
    if digits >= 16 {
        runs.push(start..end);
    }
    runs
}

/// The windows output must not show, with where each came from.
#[derive(Default)]
struct Material {
    windows: HashMap<u64, (Origin, usize)>,
    /// Windows of the fields' plain text (outside key-shaped stretches),
    /// which is theirs to print: a key-shaped window that is also one of
    /// these may be printed because of the plain text.
    plain: HashSet<u64>,
    /// The words (letters and digits in a row, 4 or more, upper-cased) of
    /// the fields' plain text.
    words: HashSet<Vec<u8>>,
}

impl Material {
    fn add(&mut self, squeezed: &[u8], origin: Origin, keep: impl Fn(&[u8]) -> bool) {
        for (at, w) in squeezed.windows(8).enumerate() {
            if keep(w) {
                self.windows.entry(pack(w)).or_insert((origin, at));
            }
        }
    }

    /// A checked var's value: the windows the `Mask` keeps (its docs: 8
    /// letters and digits in a row, separators skipped, all hex or holding
    /// a digit).
    fn value(&mut self, value: &[u8], n: usize) {
        self.add(&squeezed(value), Origin::Value(n), |w| {
            w.iter().all(u8::is_ascii_hexdigit) || w.iter().any(u8::is_ascii_digit)
        });
    }

    /// A field of the input: its key-shaped text (hex runs, the base36
    /// key) is material, the rest is plain text.
    fn field(&mut self, text: &[u8], what: &'static str) {
        let mut keys: Vec<Range<usize>> = hex_runs(text);
        for run in &keys {
            self.add(&squeezed(&text[run.clone()]), Origin::HexRun(what), |_| {
                true
            });
        }
        let base36 = BASE36.as_bytes();
        for at in 0..text.len().saturating_sub(base36.len() - 1) {
            if text[at..].starts_with(base36) {
                self.add(&squeezed(base36), Origin::Base36, |_| true);
                keys.push(at..at + base36.len());
            }
        }
        keys.sort_by_key(|r| r.start);
        let mut from = 0;
        for key in keys.iter().chain([&(text.len()..text.len())]) {
            if key.start > from {
                let plain = &text[from..key.start];
                for w in squeezed(plain).windows(8) {
                    self.plain.insert(pack(w));
                }
                for word in plain.split(|b| !b.is_ascii_alphanumeric()) {
                    if word.len() >= 4 {
                        self.words.insert(word.to_ascii_uppercase());
                    }
                }
            }
            from = from.max(key.end);
        }
    }

    fn env(&mut self, env: &Env) {
        for var in env.vars() {
            self.field(&var.name, "a var name");
            self.field(&var.value, "a var value");
        }
    }
}

// ------------------------------------------------------------------ runs

/// One run of the binary (`check` on one source, or `lint`): what it
/// printed on each stream, and what it must not have.
struct Run {
    name: String,
    /// The checked values known so far, as `output::know` keeps them.
    mask: Mask,
    material: Material,
    values: usize,
    /// Vars in the report.
    checked: usize,
    /// Each stream as printed, masked.
    streams: Vec<(&'static str, Vec<u8>)>,
    /// Log events and error lines (stderr without `-q`), masked.
    stderr: Vec<u8>,
    /// Printed key ids, upper-cased: not key material, whatever they match.
    ids: HashSet<u64>,
}

impl Run {
    fn new(name: String, case: &Case) -> Self {
        let mut material = Material::default();
        if let Some(app) = &case.app {
            material.field(app, "HEROKU_APP_NAME");
        }
        // Required names as typed: one option value, grouped with spaces.
        material.field(case.args.join(" ").as_bytes(), "the required names");
        Run {
            name,
            mask: Mask::new(),
            material,
            values: 0,
            checked: 0,
            streams: Vec::new(),
            stderr: Vec::new(),
            ids: HashSet::new(),
        }
    }

    /// `output::know`: values masked from now on.
    fn know<'v>(&mut self, values: impl IntoIterator<Item = &'v [u8]>) {
        for value in values {
            self.mask.add_value(value);
            self.material.value(value, self.values);
            self.values += 1;
        }
    }

    /// The log events so far, each masked on its own with what is known
    /// now (the binary's `output::stderr()` per event).
    fn logs(&mut self) {
        let events = EVENTS.with(|e| std::mem::take(&mut *e.borrow_mut()));
        for (i, event) in events.iter().enumerate() {
            self.stderr_event(&format!("log event #{i}"), event);
        }
    }

    /// One event on stderr, bounded and masked on its own.
    fn stderr_event(&mut self, what: &str, event: &[u8]) {
        assert!(
            event.len() <= PER_EVENT,
            "linear: {}: {what} is {} bytes (cap {PER_EVENT})",
            self.name,
            event.len()
        );
        let mut w = MaskedWriter::new(&mut self.stderr, &self.mask);
        w.write_all(event).expect("a Vec takes it");
        w.finish().expect("a Vec takes it");
    }

    /// A loaded environment, its fields learnt as material; or, when it
    /// could not be read, the error as `main` prints it.
    fn env(&mut self, loaded: Result<Env, Error>) -> Option<Env> {
        match loaded {
            Ok(env) => {
                self.material.env(&env);
                Some(env)
            }
            Err(e) => {
                self.error(&e);
                None
            }
        }
    }

    /// `say!("securekey: {e}")` as `main` prints an error.
    fn error(&mut self, e: &Error) {
        self.logs();
        let line = format!("securekey: {e}\n");
        self.stderr_event("an error line", line.as_bytes());
    }

    /// Every form of the report, as `emit` prints it.
    fn render(&mut self, report: &Report) {
        for v in &report.vars {
            for id in [v.latest_id, v.previous_id].into_iter().flatten() {
                self.ids.insert(pack(&squeezed(id.to_string().as_bytes())));
            }
        }
        let vars = report.vars.len();
        self.checked = vars;
        let findings = report.findings.len();
        let groups = report.groups.as_ref().map_or(0, Vec::len);
        let members: usize = report
            .groups
            .iter()
            .flatten()
            .map(|g| g.members.len())
            .sum();
        assert!(
            findings <= MAX_FINDINGS_PER_VAR * vars.max(1),
            "linear: {}: {findings} findings for {vars} vars",
            self.name
        );
        let bound = FIXED
            + vars * PER_VAR
            + findings * PER_FINDING
            + groups * PER_GROUP
            + members * PER_MEMBER;

        let plain = self.report(report, OutputFormat::Human, false, bound);
        let painted = self.report(report, OutputFormat::Human, true, bound);
        assert!(
            strip_colour(&painted) == plain,
            "colour: {}: the coloured report is not the plain one with colour codes removed",
            self.name
        );
        self.report(report, OutputFormat::Json, false, bound);
        self.check_json(report);

        // `-q`: one line per error on stderr.
        for colour in [false, true] {
            let mut w = MaskedWriter::new(Vec::new(), &self.mask);
            for f in report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
            {
                writeln!(w, "securekey: {}", report::finding_line(f, colour)).expect("a Vec");
            }
            w.finish().expect("a Vec");
            let out = std::mem::take(w.get_mut());
            let name = if colour { "-q, colour" } else { "-q" };
            assert!(
                out.len() <= bound,
                "linear: {}: {name}: {} bytes, bound {bound}",
                self.name,
                out.len()
            );
            self.streams.push((name, out));
        }
    }

    /// Renders one format through the mask; returns it unmasked.
    fn report(
        &mut self,
        report: &Report,
        format: OutputFormat,
        colour: bool,
        bound: usize,
    ) -> Vec<u8> {
        let mut tee = Tee {
            plain: Vec::new(),
            masked: MaskedWriter::new(Vec::new(), &self.mask),
        };
        report
            .render(&mut tee, format, colour)
            .expect("a Vec takes it");
        tee.masked.finish().expect("a Vec takes it");
        let masked = std::mem::take(tee.masked.get_mut());
        let name = match (format, colour) {
            (OutputFormat::Json, _) => "json",
            (_, false) => "human",
            (_, true) => "human, colour",
        };
        assert!(
            masked.len() <= bound,
            "linear: {}: {name}: {} bytes, bound {bound}",
            self.name,
            masked.len()
        );
        let plain = std::mem::take(&mut tee.plain);
        drop(tee);
        self.streams.push((name, masked));
        plain
    }

    fn check_json(&mut self, report: &Report) {
        let (_, json) = self.streams.last().expect("just rendered");
        let value: serde_json::Value = match serde_json::from_slice(json) {
            Ok(v) => v,
            Err(e) => panic!(
                "json: {}: the JSON report does not parse (line {}, column {})",
                self.name,
                e.line(),
                e.column()
            ),
        };
        let len = |key: &str| value[key].as_array().map(Vec::len);
        let present = report.vars.iter().filter(|v| v.present).count();
        assert!(
            len("keys") == Some(present)
                && len("findings") == Some(report.findings.len())
                && value["ok"].as_bool() == Some(report.ok())
                && (report.groups.is_none()
                    || len("groups") == report.groups.as_ref().map(Vec::len)),
            "json: {}: the JSON report's keys, findings, groups or ok are not the report's",
            self.name
        );
        // What a program reading it sees: every string, decoded.
        let mut strings = String::new();
        collect_strings(&value, &mut strings);
        self.streams.push(("json, decoded", strings.into_bytes()));
    }

    /// The leak and control-character oracles on every stream.
    fn assert_clean(&mut self) {
        self.logs();
        let stderr = std::mem::take(&mut self.stderr);
        self.streams.push(("stderr", stderr));
        for (name, out) in &self.streams {
            self.assert_no_window(name, out);
            if *name != "json" && *name != "json, decoded" {
                assert_no_controls(&self.name, name, out, name.ends_with("colour"));
            }
        }
    }

    fn assert_no_window(&self, stream: &str, out: &[u8]) {
        // The letters and digits, upper-cased, and whether each is the
        // user's plain text (a word of a field outside its key-shaped
        // stretches, a key id). Colour codes and escapes are the tool's
        // formatting: left out, as the mask leaves them out.
        let mut letters = Vec::with_capacity(out.len());
        let mut plain = Vec::with_capacity(out.len());
        let mut i = 0;
        while i < out.len() {
            if let Some(n) = sgr_at(out, i) {
                i += n;
                continue;
            }
            // An escape (`\n`, `\x12`) is the tool's: its letters are not
            // the text's, and a value cut by one is still the value (the
            // mask reads it so too).
            if out[i] == b'\\' {
                i += 1 + escape_len(&out[i + 1..]);
                continue;
            }
            let word = out[i..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if word == 0 {
                i += 1;
                continue;
            }
            let upper = out[i..i + word].to_ascii_uppercase();
            let known = self.material.words.contains(&upper);
            letters.extend_from_slice(&upper);
            plain.extend(std::iter::repeat_n(known, word));
            i += word;
        }
        for (i, w) in letters.windows(8).enumerate() {
            let w = pack(w);
            if self.ids.contains(&w) || self.material.plain.contains(&w) {
                plain[i..i + 8].fill(true);
            }
        }
        for (i, w) in letters.windows(8).enumerate() {
            let Some(&(origin, offset)) = self.material.windows.get(&pack(w)) else {
                continue;
            };
            // A checked value's window is masked, wherever it comes from.
            // Key-shaped text in a field is redacted where it stands; what
            // looks like a window of it may be other text that happens to
            // spell it (see `is_evidence`).
            if matches!(origin, Origin::Value(_)) || is_evidence(w, &plain[i..i + 8]) {
                panic!(
                    "leak: {}: {stream}: letters and digits #{i}..#{} are 8 in a row of {origin}, from its letter or digit #{offset} (output withheld)",
                    self.name,
                    i + 8
                );
            }
        }
    }
}

/// How many bytes after a `\` are its escape, as `Untrusted` writes them
/// and the mask reads them: more backslashes (JSON doubles them), then
/// `n`, `r`, `t`, `x12` or `u{202e}`; or 0.
fn escape_len(rest: &[u8]) -> usize {
    let slashes = rest.iter().take_while(|&&b| b == b'\\').count();
    let body = &rest[slashes..];
    slashes
        + match body.first() {
            Some(b'n' | b'r' | b't') => 1,
            Some(b'x') if body.len() >= 3 && body[1..3].iter().all(u8::is_ascii_hexdigit) => 3,
            Some(b'u') if body.get(1) == Some(&b'{') => {
                let hex = body[2..]
                    .iter()
                    .take_while(|b| b.is_ascii_hexdigit())
                    .count();
                if (1..=6).contains(&hex) && body.get(2 + hex) == Some(&b'}') {
                    hex + 3
                } else {
                    0
                }
            }
            _ => 0,
        }
}

/// Whether a window of key-shaped text found in the output shows that text
/// rather than a coincidence. Output is made of pieces (names, labels,
/// fixed words, numbers) that can spell 8 hex
/// digits of another field by chance, and the fuzzer makes such chances
/// likely (it copies bytes between fields, and repeats them):
///
/// - fewer than 5 distinct letters and digits (`dddddddd`, `1B1B1B1B`) is
///   no evidence (1 window in 55 of a random key has so few: a real leak
///   shows others);
/// - nor is a window that takes in a letter or digit of the user's plain
///   text as printed (a word of a field, or 8 in a row of one) or of a key
///   id: plain text next to a word that continues it by chance (`missing`
///   + a label `2aq2v2c`, a label + `:1`).
fn is_evidence(window: &[u8], plain: &[bool]) -> bool {
    let distinct = window
        .iter()
        .enumerate()
        .filter(|(i, c)| !window[..*i].contains(c))
        .count();
    distinct >= 5 && !plain.contains(&true)
}

/// Writes to a plain copy and through the mask.
struct Tee<'m> {
    plain: Vec<u8>,
    masked: MaskedWriter<Vec<u8>, &'m Mask>,
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.plain.extend_from_slice(buf);
        self.masked.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.masked.flush()
    }
}

fn collect_strings(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push_str(k);
                out.push('\n');
                collect_strings(v, out);
            }
        }
        _ => {}
    }
}

/// `ESC [ params m`: an SGR sequence, what `Paint` writes; its length.
fn sgr_at(out: &[u8], at: usize) -> Option<usize> {
    let rest = out.get(at..)?.strip_prefix(b"\x1b[")?;
    let params = rest
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b';')
        .count();
    (rest.get(params) == Some(&b'm')).then_some(2 + params + 1)
}

fn strip_colour(out: &[u8]) -> Vec<u8> {
    let mut plain = Vec::with_capacity(out.len());
    let mut i = 0;
    while i < out.len() {
        match sgr_at(out, i) {
            Some(n) => i += n,
            None => {
                plain.push(out[i]);
                i += 1;
            }
        }
    }
    plain
}

/// Characters that must not get out raw (what `Untrusted` escapes, but the
/// backslash): C0 and C1 controls but the newline, DEL, bidi controls,
/// invisible characters and the line and paragraph separators.
fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c,
            '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

fn assert_no_controls(run: &str, stream: &str, out: &[u8], colour: bool) {
    let text = match std::str::from_utf8(out) {
        Ok(text) => text,
        Err(e) => panic!(
            "controls: {run}: {stream}: not UTF-8 at byte {}",
            e.valid_up_to()
        ),
    };
    let mut skip_to = 0;
    for (at, c) in text.char_indices() {
        if at < skip_to {
            continue;
        }
        if colour && let Some(n) = sgr_at(out, at) {
            skip_to = at + n;
            continue;
        }
        assert!(
            !is_forbidden(c),
            "controls: {run}: {stream}: U+{:04X} raw at byte {at}",
            u32::from(c)
        );
    }
}

// ------------------------------------------------------------ the bounds

/// The most one piece of untrusted text prints.
const MU: usize = redact::MAX_UNTRUSTED_BYTES;
/// Headers and the summary line.
const FIXED: usize = 4096;
/// A var's line (its name, the lint app's header before it), or its JSON
/// element (name, source and app, JSON-escaped: up to twice as long).
const PER_VAR: usize = 8 * MU;
/// A finding: its line, message and fix name the var, its app, and up to
/// three other places (an app and a var each) a few times; JSON escapes
/// double the worst case. Plus the fixed text of the longest fix.
const PER_FINDING: usize = 32 * MU;
const PER_GROUP: usize = 256;
/// A group member: its app and var, JSON-escaped.
const PER_MEMBER: usize = 4 * MU + 32;
/// A log event or an error line: a message and a few untrusted fields.
const PER_EVENT: usize = 8 * MU;
/// Checks a var can fail at once: whitespace on the value and on each key,
/// quoted, one shape check and case on each key, same-keys,
/// duplicate-pair, copied and swapped (at most 12; missing and empty stop
/// the rest).
const MAX_FINDINGS_PER_VAR: usize = 16;

// --------------------------------------------------------- the pipeline

/// `check` on one source (`check_one`, then `emit`).
fn check(case: &Case, i: usize, source: &Source) -> Run {
    let mut run = Run::new(format!("check of source #{i}"), case);
    run.material.field(source.arg.as_bytes(), "a path");
    let loaded = match source.how {
        How::Process => Ok(Env::new("env", process_vars(&source.content))),
        how => {
            let detect = match how {
                How::HerokuJson => Detect::Is(Format::HerokuJson),
                How::Dotenv => Detect::Is(Format::Dotenv),
                _ => Detect::JsonOrDotenv,
            };
            env::parse(Path::new(&source.arg), &source.content, detect)
        }
    };
    let Some(env) = run.env(loaded) else {
        return run;
    };
    // A saved env's settings, else the process's (`setting`).
    let from_process = source.how != How::Process;
    let (required, from) =
        match select::required(&case.args, env.get(REQUIRE_VAR), Path::new(NO_APP_DIR)) {
            Ok(required) => required,
            Err(e) => {
                run.error(&e);
                return run;
            }
        };
    let app = env
        .get("HEROKU_APP_NAME")
        .map(<[u8]>::to_vec)
        .or_else(|| case.app.clone().filter(|_| from_process));
    let checked = pipeline::check(
        &env,
        (&required, from),
        app.as_deref(),
        case.discover,
        &case.policy,
        &mut |values| run.know(values),
    );
    match checked {
        Ok(report) => {
            run.logs();
            run.render(&report);
        }
        Err(e) => run.error(&e),
    }
    run
}

/// `lint` over every source (`lint::run`, then `emit`).
fn lint(case: &Case) -> Run {
    let mut run = Run::new("lint".to_owned(), case);
    let mut lint = Lint::default();
    for source in &case.sources {
        run.material.field(source.arg.as_bytes(), "a lint source");
        let parsed = LintSource::parse(&source.arg);
        let loaded = match source.how {
            // An ENV_DIR: file names that are var names, sorted.
            How::Process => {
                let mut vars = process_vars(&source.content);
                vars.retain(|v| env::is_var_name(&v.name));
                vars.sort_by(|a, b| a.name.cmp(&b.name));
                Ok(Env::new(Untrusted::path(&parsed.path).to_string(), vars))
            }
            _ => env::parse(&parsed.path, &source.content, Detect::Strict),
        };
        let Some(env) = run.env(loaded) else {
            return run;
        };
        if let Err(e) = lint.add(&parsed, &env, case.discover, &mut |values| run.know(values)) {
            run.error(&e);
            return run;
        }
    }
    let report = lint.finish(&case.policy);
    run.logs();
    run.render(&report);
    run
}

fn assert_linear(case: &Case, run: &Run) {
    // Every var checked costs a byte of input, but the default SECURE_KEY
    // of each run or lint source.
    let vars = run.checked;
    assert!(
        vars <= case.input_len + case.sources.len(),
        "linear: {}: {vars} vars checked from {} bytes of input",
        run.name,
        case.input_len
    );
}

fuzz_target!(|data: &[u8]| {
    init_logs();
    let Ok(case) = decode(data) else { return };
    let mut runs: Vec<Run> = case
        .sources
        .iter()
        .enumerate()
        .map(|(i, source)| check(&case, i, source))
        .collect();
    runs.push(lint(&case));
    for run in &mut runs {
        run.assert_clean();
    }
    for run in &runs {
        assert_linear(&case, run);
    }
});
