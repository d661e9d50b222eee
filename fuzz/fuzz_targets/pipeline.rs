//! The whole run as the binary makes it (`src/main.rs`, `src/commands/`),
//! `check` or `lint`, through the same library calls: the arguments'
//! `Secrets::add_words`, `env::parse`, `Settings::resolve`,
//! `pipeline::secrets`, `pipeline::check` or `Lint`, a `Printer`, every
//! `Report::render` format, the `-q` lines, the notes, the error line and
//! objects, each through `Printer::guard`. Oracles: no leak (the tests'
//! naive `securekey_testkit::leak` over [`Case::oracle`]); JSON parses;
//! human and GitHub output and stderr hold no control, bidi or invisible
//! character but `\n` (ESC only in SGR codes, with colour); output is at
//! most [`PER_BYTE`] bytes per input byte plus [`SLACK`].
//!
//! Input: sections split by 0xFF, items by 0xFE: flags (bit 0 lint, 1
//! `--no-discover`, 2 `--strict`) and two checks to `--allow` (1-based);
//! `check`'s names; the process env's `NAME=VALUE` items; per environment
//! a format byte ([`Source`]), a path (`--env-file`'s, lint's `APP=PATH`),
//! 0xFE, `NAME=VALUE` items or raw content. `@0`…`@9` stand for [`KEYS`].
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
use securekey_testkit::{A, B, BASE36, C, D, leak};

/// Output bytes allowed per input byte, and in all besides: a label is
/// shown up to 512 chars, each escaped to at most 10 bytes, a few times
/// per checked var, and a checked var costs at least a dozen input bytes.
const PER_BYTE: usize = 4096;
const SLACK: usize = 1 << 20;

/// `@0`…`@9`: keys, one lowercase, a base36 key, pairs, and a key grouped
/// by dashes (no key-shaped word: a secret only as a key var's value).
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

/// The case built from the input.
struct Case {
    lint: bool,
    discover: bool,
    policy: Policy,
    names: Vec<String>,
    process: Vec<Var>,
    envs: Vec<Source>,
}

/// Format 0 dotenv, 1 dotenv quoted, 2 `heroku config --json`, 3 raw
/// content, 4 the process env (no path; raw in `lint`); `body` as input.
#[derive(Default)]
struct Source {
    format: u8,
    path: String,
    body: Vec<u8>,
}

/// `raw` with `@N` expanded.
fn text(raw: &[u8]) -> Vec<u8> {
    let mut pieces = raw.split(|&b| b == b'@');
    let mut out = pieces.next().unwrap_or_default().to_vec();
    for piece in pieces {
        let (head, rest) = match piece.split_first() {
            Some((d @ b'0'..=b'9', rest)) => (KEYS[usize::from(d - b'0')].as_bytes(), rest),
            _ => (&b"@"[..], piece),
        };
        out.extend([head, rest].concat());
    }
    out
}

/// `NAME=VALUE` items.
fn vars(raw: &[u8]) -> Vec<Var> {
    let items = raw.split(|&b| b == 0xFE).filter_map(|item| {
        let (name, value) = item.split_at(item.iter().position(|&b| b == b'=')?);
        let (name, value) = (text(name), text(&value[1..]));
        Some(Var { name, value })
    });
    items.collect()
}

impl Source {
    /// The saved environment's bytes.
    fn content(&self, lint: bool) -> Vec<u8> {
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let vars = vars(&self.body);
        let q: &[u8] = if self.format == 1 { b"\"" } else { b"" };
        let line = |v: &Var| [&v.name, &b"="[..], q, &v.value, q, b"\n"].concat();
        match self.format {
            3 | 4 if self.format == 3 || lint => text(&self.body),
            2 => {
                let object: BTreeMap<_, _> =
                    vars.iter().map(|v| (s(&v.name), s(&v.value))).collect();
                serde_json::to_vec(&object).expect("a map of strings")
            }
            _ => vars.iter().flat_map(line).collect(),
        }
    }
}

impl Case {
    fn decode(data: &[u8]) -> Case {
        let mut sections = data.split(|&b| b == 0xFF);
        let head = sections.next().unwrap_or_default();
        let byte = |i: usize| usize::from(head.get(i).copied().unwrap_or(0));
        let string = |raw: &[u8]| String::from_utf8_lossy(&text(raw)).into_owned();
        let allow = [byte(1), byte(2)].map(|b| CheckId::ALL.get(b.wrapping_sub(1)).copied());
        let (strict, allow) = (byte(0) & 4 != 0, allow.into_iter().flatten().collect());
        let names = sections.next().unwrap_or_default().split(|&b| b == 0xFE);
        let mut case = Case {
            lint: byte(0) & 1 != 0,
            discover: byte(0) & 2 == 0,
            policy: Policy { strict, allow },
            names: names.filter(|n| !n.is_empty()).map(string).collect(),
            process: vars(sections.next().unwrap_or_default()),
            envs: Vec::new(),
        };
        for section in sections.take(6) {
            let (format, rest) = section.split_first().unwrap_or((&0, &[]));
            let at = rest.iter().position(|&b| b == 0xFE).unwrap_or(rest.len());
            let (format, body) = (format % 5, rest.get(at + 1..).unwrap_or_default().to_vec());
            let path = string(&rest[..at * usize::from(case.lint || format != 4)]);
            case.envs.push(Source { format, path, body });
        }
        case
    }

    /// The oracle's secrets (SPEC §10), from the input and the vars parsed,
    /// never with the library's rules: each of [`KEYS`] standing as a whole
    /// word in an argument (names, paths, so labels), a var's name or a
    /// setting (`SECUREKEY_*`, `HEROKU_APP_NAME`); the value of each var
    /// named `SECURE_KEY`, `*_SECURE_KEY`, `SECUREKEY_*_KEY`, pair-shaped
    /// (64 uppercase hex, a comma, 64 uppercase hex) or required by name.
    fn oracle(&self, parsed: &[Env]) -> Vec<Vec<u8>> {
        let names: Vec<&[u8]> = self.names.iter().map(String::as_bytes).collect();
        let used = if self.lint { self.envs.len() } else { 1 };
        let paths = self.envs.iter().take(used).map(|s| s.path.as_bytes());
        let args = names.iter().copied().chain(paths);
        let mut secrets: Vec<_> = args.flat_map(whole_keys).collect();
        let process: Vec<&Var> = self.process.iter().collect();
        let mut envs = vec![(process.clone(), required(&process))];
        for env in parsed {
            let vars: Vec<&Var> = env.vars().iter().collect();
            // `check`: the arguments, else the env's setting, else the process's.
            let own = required(&vars);
            let required = match () {
                () if self.lint => own,
                () if !names.is_empty() => valid(names.clone()),
                () if own.is_empty() => required(&process),
                () => own,
            };
            envs.push((vars, required));
        }
        let hex = |s: &[u8]| s.iter().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F'));
        for (v, required) in envs
            .iter()
            .flat_map(|(vs, r)| vs.iter().map(move |v| (v, r)))
        {
            let (n, value) = (&v.name[..], &v.value[..]);
            let attached = n.len() > 11 && n.ends_with(b"_SECURE_KEY");
            let ours = n.len() > 14 && n.starts_with(b"SECUREKEY_") && n.ends_with(b"_KEY");
            let pair = value.len() == 129 && value[64] == b',';
            let pair = pair && hex(&value[..64]) && hex(&value[65..]);
            if n == b"SECURE_KEY" || attached || ours || pair || required.contains(&n) {
                secrets.push(value.to_vec());
            }
            secrets.extend(whole_keys(n));
            if n.starts_with(b"SECUREKEY_") || n == b"HEROKU_APP_NAME" {
                secrets.extend(whole_keys(value));
            }
        }
        secrets
    }
}

/// Each of [`KEYS`] (but the dash-grouped last) in `text` with no ASCII
/// letter or digit either side: a key-shaped token taken whole.
fn whole_keys(text: &[u8]) -> Vec<Vec<u8>> {
    let alnum = |i: usize| text.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let cut = |at: usize, end: usize| (at > 0 && alnum(at - 1)) || alnum(end);
    let whole =
        |k: &[u8]| (0..text.len()).any(|i| text[i..].starts_with(k) && !cut(i, i + k.len()));
    let keys = KEYS[..9].iter().map(|k| k.as_bytes());
    keys.filter(|k| whole(k)).map(<[u8]>::to_vec).collect()
}

/// The names a `SECUREKEY_REQUIRE` among `vars` lists (comma- or
/// space-separated), when set and not blank.
fn required<'a>(vars: &[&'a Var]) -> Vec<&'a [u8]> {
    let setting = vars.iter().filter(|v| v.name == b"SECUREKEY_REQUIRE");
    let sep = |b: &u8| *b == b',' || b.is_ascii_whitespace();
    let lists = setting.map(|v| v.value.split(sep).filter(|n| !n.is_empty()).collect());
    lists.flat_map(valid).collect()
}

/// `names`, when each is a config var name (SPEC §3: ASCII letters, digits
/// and `_`, not starting with a digit); else none: the run fails.
fn valid(names: Vec<&[u8]>) -> Vec<&[u8]> {
    let word = |n: &&[u8]| n.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let ok = |n: &&[u8]| word(n) && n.first().is_some_and(|b| !b.is_ascii_digit());
    let all = names.iter().all(ok);
    names.into_iter().filter(|_| all).collect()
}

/// What was printed: each stream, whether it may colour, before and after the guard.
#[derive(Default)]
struct Printed {
    streams: Vec<(String, bool, Vec<u8>, Vec<u8>)>,
    stderr: String,
}

impl Printed {
    fn out(&mut self, p: &Printer, format: OutputFormat, color: bool, text: String) {
        let guarded = p.guard(text.as_bytes()).into_owned();
        let what = format!("stdout ({format:?}, colour {color})");
        let color = color && format == Human;
        self.streams.push((what, color, text.into_bytes(), guarded));
    }

    /// One stderr line, as `output::say` writes it.
    fn say(&mut self, shown: &str) {
        self.stderr = format!("{}securekey: {shown}\n", self.stderr);
    }

    /// What `main` prints: the notes (as `log_notes`, every level), the
    /// `-q` lines with and without colour, the report in every format; or
    /// the error line and objects. Then stderr, as `output::finish` does.
    fn end(&mut self, p: &Printer, result: Result<Outcome, Error>) {
        match result {
            Ok(outcome) => {
                p.prepare(outcome.notes.iter().map(|n| n.message.as_str()));
                for note in &outcome.notes {
                    self.say(&p.line(&note.message));
                }
                for f in &outcome.report.findings {
                    if f.severity == Severity::Error {
                        self.say(&report::finding_line(f, p, false));
                        self.say(&report::finding_line(f, p, true));
                    }
                }
                for format in [Human, Json, Github] {
                    for color in [false, true] {
                        self.out(p, format, color, outcome.report.render(p, format, color));
                    }
                }
            }
            Err(e) => {
                self.say(&p.line(&format!("error: {e}")));
                self.out(p, Json, false, report::json_error(&e, p));
                self.out(p, Github, false, report::github_error(&e, p));
            }
        }
        let guarded = p.guard(self.stderr.as_bytes()).into_owned();
        let raw = std::mem::take(&mut self.stderr).into_bytes();
        self.streams.push(("stderr".into(), true, raw, guarded));
    }
}

/// `main`'s known secrets, by the library function it calls.
fn known(case: &Case, process: &Env, paths: &[String]) -> Secrets {
    let args = case.names.iter().chain(paths).map(String::as_bytes);
    pipeline::known_secrets(args, process)
}

/// `check [NAME…]` of the process env (format 4), `--env-file` or `--heroku-json` (2).
fn check(case: &Case, parsed: &mut Vec<Env>, out: &mut Printed) {
    let none = Source::default();
    let source = case.envs.first().unwrap_or(&none);
    let mut process = Env::new("env", case.process.clone());
    let (env, paths) = if source.format == 4 {
        process = Env::new("env", [vars(&source.body), case.process.clone()].concat());
        (Ok(process.clone()), vec![])
    } else {
        let json = source.format == 2;
        let how = [Detect::JsonOrDotenv, Detect::Is(Format::HerokuJson)][usize::from(json)];
        let env = env::parse(Path::new(&source.path), &source.content(false), how);
        (env, vec![source.path.clone()])
    };
    let mut secrets = known(case, &process, &paths);
    let env = match env {
        Ok(env) => env,
        Err(e) => return out.end(&Printer::new(secrets), Err(e)),
    };
    // A setting from the checked env, else (a saved one) the process's.
    let setting = |name: &str| Some(env.get(name).or(process.get(name))?.to_vec());
    let nowhere = Some(Path::new("/nonexistent/securekey-fuzz"));
    let policy = case.policy.clone();
    let settings = Settings::resolve(&case.names, &setting, nowhere, case.discover, policy);
    let required = settings.as_ref().map_or(&[][..], |s| &s.required[..]);
    secrets.extend(pipeline::secrets(&env, required));
    let outcome = settings.and_then(|s| pipeline::check(&env, &s));
    out.end(&Printer::new(secrets), outcome);
    parsed.push(env);
}

/// `securekey lint APP=PATH…`, each format detected as lint does.
fn lint(case: &Case, parsed: &mut Vec<Env>, out: &mut Printed) {
    let args: Vec<String> = case.envs.iter().map(|s| s.path.clone()).collect();
    let mut secrets = known(case, &Env::new("env", case.process.clone()), &args);
    let sources = match LintSource::parse_all(&args) {
        Ok(sources) => sources,
        Err(e) => return out.end(&Printer::new(secrets), Err(e)),
    };
    let mut lint = Lint::default();
    // Each source read, its secrets learnt, then added; the first error ends it.
    let mut sources = sources.iter().zip(&case.envs);
    let failed = sources.try_for_each(|(source, built)| {
        let env = env::parse(&source.path, &built.content(true), Detect::Strict)?;
        secrets.extend(pipeline::lint_secrets(&env));
        secrets.add_words(source.label.as_bytes());
        let added = lint.add(&source.label, &env, case.discover);
        parsed.push(env);
        added
    });
    out.end(
        &Printer::new(secrets),
        failed.map(|()| lint.finish(&case.policy)),
    );
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
