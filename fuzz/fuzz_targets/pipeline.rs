//! The whole run as the binary makes it, `check` or `lint`, by the same
//! two calls `src/main.rs` makes: `commands::run` (its sources written to
//! files first, as a user's are) and `commands::print::render`, in every
//! format, with and without colour and `-q`, its notes at every level,
//! each stream through `Printer::guard`. Oracles: no leak (the tests'
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
use std::ffi::OsString;
use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use securekey_cli::checks::CheckId;
use securekey_cli::commands::print::{self, Colors};
use securekey_cli::commands::{self, Command, Options, Request, Source as From};
use securekey_cli::env::{self, Detect, Env, Format, Var};
use securekey_cli::pipeline::{self, Level, LintSource};
use securekey_cli::redact::Printer;
use securekey_cli::report::OutputFormat::{Github, Human, Json};
use securekey_cli::report::Policy;
use securekey_cli::settings::Settings;
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

    /// The oracle's secrets (SECURITY.md), from the input and the vars parsed,
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

/// `names`, when each is a config var name (docs/commands.md: ASCII letters, digits
/// and `_`, not starting with a digit); else none: the run fails.
fn valid(names: Vec<&[u8]>) -> Vec<&[u8]> {
    let word = |n: &&[u8]| n.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let ok = |n: &&[u8]| word(n) && n.first().is_some_and(|b| !b.is_ascii_digit());
    let all = names.iter().all(ok);
    names.into_iter().filter(|_| all).collect()
}

/// The request, the process's settings and the sources written: `check`
/// of the process env (format 4), `--env-file` or `--heroku-json` (2);
/// `lint LABEL=FILE…`, each label the path's as lint reads it. The files
/// go in one folder per fuzzing process.
fn request(case: &Case) -> (Request, Settings, Vec<Env>) {
    let dir = std::env::temp_dir().join(format!("securekey-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let (mut process, mut args, mut parsed) = (case.process.clone(), Vec::new(), Vec::new());
    let mut source = From::Process;
    for (i, built) in case
        .envs
        .iter()
        .take(if case.lint { 6 } else { 1 })
        .enumerate()
    {
        if built.format == 4 && !case.lint {
            process = [vars(&built.body), process].concat();
            continue;
        }
        let (file, content) = (dir.join(format!("{i}.env")), built.content(case.lint));
        std::fs::write(&file, &content).expect("a temp file");
        let how = match built.format {
            _ if case.lint => Detect::Strict,
            2 => Detect::Is(Format::HerokuJson),
            _ => Detect::JsonOrDotenv,
        };
        parsed.extend(env::parse(&file, &content, how).ok());
        let label = LintSource::parse(&built.path).label.replace(['=', '/'], "");
        args.push(format!("{label}.{i}={}", file.display()));
        source = match how {
            Detect::JsonOrDotenv => From::EnvFile(file),
            _ => From::HerokuJson(file),
        };
    }
    let (names, sources) = (case.names.clone(), args.clone());
    let command = match case.lint {
        true => Command::Lint {
            sources,
            apps: vec![],
            addons: vec![],
        },
        false => Command::Check { names, source },
    };
    let (policy, discover) = (case.policy.clone(), case.discover);
    let options = Options {
        policy,
        discover,
        ..Options::default()
    };
    let argv = case.names.iter().chain(&args).map(OsString::from).collect();
    let mut settings = Settings::new(argv, Env::new("env", process));
    settings.app_dir = PathBuf::from("/nonexistent/securekey-fuzz");
    parsed.insert(0, settings.process.clone());
    (Request { command, options }, settings, parsed)
}

/// Each stream the run printed, before and after the guard: stdout in
/// every format, with and without colour; stderr with `-q` and without,
/// the notes at every level first.
fn printed(request: &Request, settings: &Settings) -> Vec<(String, bool, Vec<u8>, Vec<u8>)> {
    let known = pipeline::known_secrets(
        settings.args.iter().map(|a| a.as_encoded_bytes()),
        &settings.process,
    );
    let mut outcome = commands::run(request, settings, known);
    let p = Printer::new(std::mem::take(&mut outcome.secrets));
    let mut streams = Vec::new();
    let mut add = |what: String, color: bool, text: String| {
        let guarded = p.guard(text.as_bytes()).into_owned();
        streams.push((what, color, text.into_bytes(), guarded));
    };
    for quiet in [false, true] {
        outcome.quiet = quiet;
        for format in [Human, Json, Github] {
            for color in [false, true] {
                let out = print::render(
                    &outcome,
                    &p,
                    format,
                    Colors {
                        stdout: color,
                        stderr: color,
                    },
                );
                let mut stderr = String::new();
                for (_, line) in print::note_lines(&p, &outcome.notes, Level::TRACE) {
                    print::say_shown(&mut stderr, &line);
                }
                add(
                    format!("stdout ({format:?}, colour {color}, -q {quiet})"),
                    color && format == Human,
                    out.stdout,
                );
                add(
                    format!("stderr ({format:?}, colour {color}, -q {quiet})"),
                    true,
                    stderr + &out.stderr,
                );
            }
        }
    }
    streams
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
    let (request, settings, parsed) = request(&case);
    let streams = printed(&request, &settings);
    let process_only = !case.lint
        && matches!(
            &request.command,
            Command::Check {
                source: From::Process,
                ..
            }
        );
    let secrets = case.oracle(if process_only {
        &parsed[..1]
    } else {
        &parsed[1..]
    });
    // Input bytes with `@N` expanded, at most.
    let size = data.len() + data.iter().filter(|&&b| b == b'@').count() * KEYS[6].len();
    // Failures name the oracle, the stream and an offset: never the text.
    for (what, color, raw, guarded) in &streams {
        if let Some(l) = leak(guarded, &secrets) {
            panic!("{what} {l}");
        }
        let (n, bound) = (guarded.len(), PER_BYTE * size + SLACK);
        assert!(n <= bound, "{what}: {n} bytes from {size} of input");
        if what.starts_with("stdout (Json") {
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
