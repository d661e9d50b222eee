//! The whole run as the binary makes it (`src/main.rs`, `src/commands/`),
//! `check` or `lint`, on environments built from the input, through the
//! same library calls: `Secrets::add_words` of the arguments, `env::parse`,
//! `Settings::resolve`, `pipeline::secrets`, `pipeline::check` or `Lint`,
//! a `Printer`, `Report::render` in every format, the `-q` lines, the
//! notes, the error line and objects, each through `Printer::guard`.
//! Oracles: no leak (the tests' naive `securekey_testkit::leak`, over the
//! target's own secrets: [`Case::oracle`]); JSON parses (before and after
//! the guard); human and GitHub output and stderr hold no control, bidi or
//! invisible character but `\n`, and ESC only in an SGR code, with colour;
//! output is at most [`PER_BYTE`] bytes per input byte plus [`SLACK`].
//!
//! Input: sections split by 0xFF, items by 0xFE: flags (bit 0 lint, 1
//! `--no-discover`, 2 `--strict`), three bytes of `--allow` bits;
//! `check`'s names; the process env's `NAME=VALUE` items; then per
//! environment a format byte ([`Source`]), its path (`--env-file`'s,
//! lint's `APP=PATH`), 0xFE and `NAME=VALUE` items (or raw content). In
//! all text `@0`…`@9` stand for [`KEYS`].
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use securekey_cli::checks::{CheckId, Severity};
use securekey_cli::env::{self, Detect, Env, Format, Var};
use securekey_cli::error::Error;
use securekey_cli::pipeline::{self, Lint, LintSource, Outcome, Settings};
use securekey_cli::redact::{Printer, Secrets};
use securekey_cli::report::OutputFormat::{self, Github, Human, Json};
use securekey_cli::report::{self, Policy};
use securekey_cli::select::{self, REQUIRE_VAR};
use securekey_testkit::{A, B, BASE36, C, D, leak};

/// Output bytes allowed per input byte, and in all besides: a label is
/// shown up to 512 chars, each escaped to at most 10 bytes, a few times
/// per checked var, and a checked var costs at least a dozen input bytes.
const PER_BYTE: usize = 4096;
const SLACK: usize = 1 << 20;

/// What `@0`…`@9` stand for: keys, one lowercase, a base36 key, pairs,
/// and a key grouped by dashes (no key-shaped word: a secret only as a
/// key var's value).
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

/// The case built from the input, and what the oracle knows of it.
#[derive(Default)]
struct Case {
    lint: bool,
    discover: bool,
    policy: Policy,
    names: Vec<String>,
    process: Vec<Var>,
    envs: Vec<Source>,
    /// The whole-word keys placed ([`Case::text`]).
    placed: Vec<Vec<u8>>,
}

/// Format 0 dotenv, 1 dotenv quoted, 2 `heroku config --json`, 3 raw
/// content, 4 the process env (raw in `lint`); `vars` as built.
#[derive(Default)]
struct Source {
    format: u8,
    path: String,
    content: Vec<u8>,
    vars: Vec<Var>,
}

impl Case {
    /// `raw` with `@N` expanded. A key that lands as a whole word (no ASCII
    /// letter or digit either side) is a key-shaped word taken whole (SPEC
    /// §10): a secret wherever it is, in a name, label, path or setting,
    /// and in content (a name there, or a value, which nothing prints).
    fn text(&mut self, raw: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(raw.len());
        let mut placed = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            if let (b'@', Some(d @ b'0'..=b'9')) = (raw[i], raw.get(i + 1)) {
                let key = KEYS[usize::from(d - b'0')];
                placed.push((out.len(), key));
                out.extend_from_slice(key.as_bytes());
                i += 2;
            } else {
                out.push(raw[i]);
                i += 1;
            }
        }
        let alnum = |i: usize| out.get(i).is_some_and(u8::is_ascii_alphanumeric);
        for (at, key) in placed {
            let cut = (at > 0 && alnum(at - 1)) || alnum(at + key.len());
            if !cut && !key.contains('-') {
                self.placed.push(key.as_bytes().to_vec());
            }
        }
        out
    }

    fn vars(&mut self, raw: &[u8]) -> Vec<Var> {
        let mut vars = Vec::new();
        for item in raw.split(|&b| b == 0xFE) {
            if let Some(eq) = item.iter().position(|&b| b == b'=') {
                let (name, value) = (self.text(&item[..eq]), self.text(&item[eq + 1..]));
                vars.push(Var { name, value });
            }
        }
        vars
    }

    fn decode(data: &[u8]) -> Case {
        let mut sections = data.split(|&b| b == 0xFF);
        let head = sections.next().unwrap_or_default();
        let byte = |i: usize| head.get(i).copied().unwrap_or(0);
        let allowed = u32::from_le_bytes([byte(1), byte(2), byte(3), 0]);
        let allow = CheckId::ALL.iter().enumerate();
        let allow = allow
            .filter(|(i, _)| allowed >> i & 1 == 1)
            .map(|(_, c)| *c);
        let (strict, allow) = (byte(0) & 4 != 0, allow.collect());
        let mut case = Case {
            lint: byte(0) & 1 != 0,
            discover: byte(0) & 2 == 0,
            policy: Policy { strict, allow },
            ..Case::default()
        };
        let names = sections.next().unwrap_or_default().split(|&b| b == 0xFE);
        let names: Vec<_> = names.filter(|n| !n.is_empty()).collect();
        let lossy = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        case.names = names.into_iter().map(|n| lossy(case.text(n))).collect();
        case.process = case.vars(sections.next().unwrap_or_default());
        for section in sections.take(6) {
            let format = section.first().map_or(0, |f| f % 5);
            let rest = section.get(1..).unwrap_or_default();
            let at = rest.iter().position(|&b| b == 0xFE).unwrap_or(rest.len());
            let path = lossy(case.text(&rest[..at]));
            let body = rest.get(at + 1..).unwrap_or_default();
            let raw = format == 3 || (format == 4 && case.lint);
            let vars = if raw { Vec::new() } else { case.vars(body) };
            let content = if raw {
                case.text(body)
            } else {
                serialize(format, &vars)
            };
            case.envs.push(Source {
                format,
                path,
                content,
                vars,
            });
        }
        case
    }

    /// The oracle's secrets, computed here and never with the library's
    /// rules: the keys placed as whole words, and, of the vars as built
    /// and as parsed, every value of a var with a SecureKey name
    /// (`SECURE_KEY`, `*SECURE_KEY`, `SECUREKEY_*KEY`) or a pair-shaped
    /// value (64 uppercase hex, a comma, 64 uppercase hex), and of a var
    /// required by name (an argument, or in any `SECUREKEY_REQUIRE` split
    /// on commas and whitespace).
    fn oracle(&self, parsed: &[Env]) -> Vec<Vec<u8>> {
        let built = self.envs.iter().flat_map(|s| &s.vars).chain(&self.process);
        let vars: Vec<&Var> = built.chain(parsed.iter().flat_map(Env::vars)).collect();
        let mut required: Vec<&[u8]> = self.names.iter().map(String::as_bytes).collect();
        for v in vars.iter().filter(|v| v.name == b"SECUREKEY_REQUIRE") {
            required.extend(v.value.split(|b| *b == b',' || b.is_ascii_whitespace()));
        }
        let hex = |s: &[u8]| s.iter().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F'));
        let mut secrets = self.placed.clone();
        for v in vars {
            let (n, value) = (&v.name[..], &v.value[..]);
            let named =
                n.ends_with(b"SECURE_KEY") || (n.starts_with(b"SECUREKEY_") && n.ends_with(b"KEY"));
            let pair =
                value.len() == 129 && value[64] == b',' && hex(&value[..64]) && hex(&value[65..]);
            if named || pair || required.contains(&n) {
                secrets.push(value.to_vec());
            }
        }
        secrets
    }
}

/// Vars as a saved environment's bytes.
fn serialize(format: u8, vars: &[Var]) -> Vec<u8> {
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    if format == 2 {
        let object: BTreeMap<_, _> = vars.iter().map(|v| (s(&v.name), s(&v.value))).collect();
        return serde_json::to_vec(&object).expect("a map of strings");
    }
    let q: &[u8] = if format == 1 { b"\"" } else { b"" };
    let line = |v: &Var| [&v.name, &b"="[..], q, &v.value, q, b"\n"].concat();
    vars.iter().flat_map(line).collect()
}

/// What would have been printed: each stream named, whether colour codes
/// may be in it, before and after the guard.
#[derive(Default)]
struct Printed {
    streams: Vec<(String, bool, Vec<u8>, Vec<u8>)>,
    stderr: String,
}

impl Printed {
    fn out(&mut self, p: &Printer, format: OutputFormat, color: bool, text: String) {
        let guarded = p.guard(text.as_bytes()).into_owned();
        let what = format!("stdout ({format:?}, colour {color})");
        self.streams
            .push((what, color && format == Human, text.into_bytes(), guarded));
    }

    /// One stderr line, as `output::say` writes it.
    fn say(&mut self, shown: &str) {
        self.stderr = format!("{}securekey: {shown}\n", self.stderr);
    }

    /// The end of a run: stderr guarded, as `output::finish` does.
    fn end(&mut self, p: &Printer) {
        let guarded = p.guard(self.stderr.as_bytes()).into_owned();
        let raw = std::mem::take(&mut self.stderr).into_bytes();
        self.streams.push(("stderr".into(), true, raw, guarded));
    }

    /// The notes (as `log_notes`, every level), the `-q` lines with and
    /// without colour, the report in every format.
    fn report(&mut self, p: &Printer, outcome: &Outcome) {
        p.prepare(outcome.notes.iter().map(|n| n.message.as_str()));
        for note in &outcome.notes {
            self.say(&p.line(&note.message));
        }
        let errors = outcome
            .report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error);
        for (f, color) in errors.flat_map(|f| [(f, false), (f, true)]) {
            self.say(&report::finding_line(f, p, color));
        }
        for (format, color) in [Human, Json, Github]
            .map(|f| [(f, false), (f, true)])
            .concat()
        {
            self.out(p, format, color, outcome.report.render(p, format, color));
        }
        self.end(p);
    }

    /// `main`'s `exit`: the error line, the JSON and GitHub error objects.
    fn error(&mut self, p: &Printer, e: &Error) {
        self.say(&p.line(&format!("error: {e}")));
        self.out(p, Json, false, report::json_error(e, p));
        self.out(p, Github, false, report::github_error(e, p));
        self.end(p);
    }
}

/// `main`'s `known_secrets`: the arguments' key-shaped words, the process
/// env's key vars, the vars its `SECUREKEY_REQUIRE` names, its API token.
fn known(case: &Case, process: &Env, paths: &[String]) -> Secrets {
    let mut secrets = Secrets::new();
    for arg in case.names.iter().chain(paths) {
        secrets.add_words(arg.as_bytes());
    }
    let setting = process.get(REQUIRE_VAR).map(select::require_setting);
    let required = setting.and_then(Result::ok).unwrap_or_default();
    let values = required.iter().filter_map(|name| process.get(name));
    let token = process.get("HEROKU_API_KEY");
    for value in select::key_values(process).chain(values).chain(token) {
        secrets.add(value);
    }
    secrets
}

/// `securekey check [NAME…]`: of the process env (format 4), else
/// `--env-file PATH` (`--heroku-json PATH` for format 2).
fn check(case: &Case, parsed: &mut Vec<Env>, out: &mut Printed) {
    let none = Source::default();
    let source = case.envs.first().unwrap_or(&none);
    let mut process = Env::new("env", case.process.clone());
    let (env, paths) = if source.format == 4 {
        process = Env::new("env", [&source.vars[..], &case.process].concat());
        (Ok(process.clone()), vec![])
    } else {
        let json = source.format == 2;
        let how = [Detect::JsonOrDotenv, Detect::Is(Format::HerokuJson)][usize::from(json)];
        let env = env::parse(Path::new(&source.path), &source.content, how);
        (env, vec![source.path.clone()])
    };
    let mut secrets = known(case, &process, &paths);
    let env = match env {
        Ok(env) => env,
        Err(e) => return out.error(&Printer::new(secrets), &e),
    };
    // A setting from the checked env, else (a saved one) the process's.
    let setting = |name: &str| Some(env.get(name).or(process.get(name))?.to_vec());
    let nowhere = Some(Path::new("/nonexistent/securekey-fuzz"));
    let policy = case.policy.clone();
    let settings = Settings::resolve(&case.names, &setting, nowhere, case.discover, policy);
    let required = settings.as_ref().map_or(&[][..], |s| &s.required[..]);
    secrets.extend(pipeline::secrets(&env, required));
    let p = Printer::new(secrets);
    match settings.and_then(|s| pipeline::check(&env, &s)) {
        Ok(outcome) => out.report(&p, &outcome),
        Err(e) => out.error(&p, &e),
    }
    parsed.push(env);
}

/// `securekey lint APP=PATH…`, each format detected as lint does.
fn lint(case: &Case, parsed: &mut Vec<Env>, out: &mut Printed) {
    let args: Vec<String> = case.envs.iter().map(|s| s.path.clone()).collect();
    let mut secrets = known(case, &Env::new("env", case.process.clone()), &args);
    let sources = match LintSource::parse_all(&args) {
        Ok(sources) => sources,
        Err(e) => return out.error(&Printer::new(secrets), &e),
    };
    let mut lint = Lint::default();
    // Each source read, its secrets learnt, then added; the first error ends it.
    let mut sources = sources.iter().zip(&case.envs);
    let failed = sources.try_for_each(|(source, built)| {
        let env = env::parse(&source.path, &built.content, Detect::Strict)?;
        secrets.extend(pipeline::secrets(&env, &[]));
        secrets.add_words(source.label.as_bytes());
        let added = lint.add(&source.label, &env, case.discover);
        parsed.push(env);
        added
    });
    let p = Printer::new(secrets);
    match failed {
        Err(e) => out.error(&p, &e),
        Ok(()) => out.report(&p, &lint.finish(&case.policy)),
    }
}

/// The offset of the first char that is a control (C0 but `\n`, DEL,
/// C1), bidi, line-separator or invisible character, or an ESC that is
/// not (with `color`) `ESC [ digits-and-; m`.
fn bad_char(text: &[u8], color: bool) -> Option<usize> {
    let text = String::from_utf8_lossy(text);
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '\x1b' && color && chars.next_if(|(_, c)| *c == '[').is_some() {
            let sgr = |(_, c): &(usize, char)| c.is_ascii_digit() || *c == ';';
            while chars.next_if(sgr).is_some() {}
            if chars.next_if(|(_, c)| *c == 'm').is_none() {
                return Some(at);
            }
        } else if matches!(c, '\0'..='\x09' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}' | '\u{061c}')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}')
            || matches!(c, '\u{2060}'..='\u{2069}' | '\u{feff}')
        {
            return Some(at);
        }
    }
    None
}

fuzz_target!(|data: &[u8]| {
    let case = Case::decode(data);
    let mut parsed = Vec::new();
    let mut out = Printed::default();
    if case.lint {
        lint(&case, &mut parsed, &mut out);
    } else {
        check(&case, &mut parsed, &mut out);
    }
    let secrets = case.oracle(&parsed);
    // Input bytes with `@N` expanded, at most.
    let size = data.len() + data.iter().filter(|&&b| b == b'@').count() * KEYS[6].len();
    // Failures name the oracle, the stream and an offset: never the text.
    for (what, color, raw, guarded) in &out.streams {
        if let Some(l) = leak(guarded, &secrets) {
            panic!("{what} {l}");
        }
        let (n, bound) = (guarded.len(), PER_BYTE * size + SLACK);
        assert!(n <= bound, "{what}: {n} bytes from {size} of input");
        if what.contains("Json") {
            for (stage, text) in [("before", raw), ("after", guarded)] {
                if let Err(e) = serde_json::from_slice::<serde_json::Value>(text) {
                    let (line, column) = (e.line(), e.column());
                    panic!("{what}: not JSON {stage} the guard: line {line} column {column}");
                }
            }
        } else if let Some(at) = bad_char(guarded, *color) {
            panic!("{what}: a raw control, bidi or invisible character at byte {at}");
        }
    }
});
