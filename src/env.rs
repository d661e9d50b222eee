//! Environments and where they come from: the process env, dotenv files,
//! Heroku's `ENV_DIR`, `heroku config --json` and `heroku config --shell`.
//!
//! Parsers are pure (`&[u8]` in, [`Env`] out); the `read_*` functions are the
//! edge that touches the process and the filesystem. Values stay bytes so a
//! non-UTF-8 value is checked (and reported) like any other, never a panic.
//! No error here ever quotes a value or a line: a malformed line may be a key.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ffi::OsString;
use std::fs;
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Read};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The largest input read from one file or stdin. Heroku caps all of an
/// app's config vars together at 64 KiB, so this is generous; it only keeps a
/// hostile input from taking the dyno's memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// One config var.
#[derive(Clone, PartialEq, Eq)]
pub struct Var {
    /// The name as given. Names are not secret; non-UTF-8 bytes are
    /// replaced when shown.
    pub name: Vec<u8>,
    /// The value, byte for byte.
    pub value: Vec<u8>,
}

impl Var {
    /// The name for display.
    #[must_use]
    pub fn display_name(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }
}

// A value may be key material: Debug shows the name only.
impl std::fmt::Debug for Var {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Var {{ name: {:?}, value: <{} bytes> }}",
            self.display_name(),
            self.value.len()
        )
    }
}

/// A set of config vars from one source, in the source's order.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// Where the vars came from: `env`, `-` (stdin) or a path.
    pub source: String,
    /// The vars; a later var of the same name replaces an earlier one.
    pub vars: Vec<Var>,
    /// Finds a var by name without comparing every name: every checked var
    /// is looked up by name, and a scan per lookup made 10,000 key vars
    /// quadratic (0.2 s; 100,000 took minutes).
    index: Index,
}

/// How [`Env`] finds names. A dyno's env (~60 vars) keeps one FNV hash per
/// var and compares those first: comparing names byte by byte (musl's
/// `memcmp`) was a third of a boot's check, and a `HashMap` costs more to
/// build than it saves at that size. Large inputs get a map from the
/// standard (seeded, collision-resistant) hash of each name, which keeps
/// them linear without a copy of every name (a 5 MB file has 75,000).
#[derive(Clone, Debug)]
enum Index {
    /// `hashes[i]` is the FNV-1a hash of `vars[i].name`.
    Hashes(Vec<u64>),
    /// Name hash to position, and the positions whose hash was taken by
    /// another name (a 64-bit collision: in practice, never).
    Map {
        state: RandomState,
        first: HashMap<u64, usize>,
        spill: Vec<usize>,
    },
}

impl Default for Index {
    fn default() -> Self {
        Index::Hashes(Vec::new())
    }
}

/// Inputs with at least this many vars get a `HashMap`.
const MAP_FROM: usize = 256;

/// FNV-1a: a few instructions a byte, no allocation. Only ever a first
/// filter: names are compared in full before they count as equal.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

// Two environments are equal when their sources and vars are; the index is
// derived from the vars.
impl PartialEq for Env {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.vars == other.vars
    }
}

impl Eq for Env {}

impl Env {
    /// An environment from a source label and vars (later duplicates win,
    /// at the place of the first: the shell's rule).
    #[must_use]
    pub fn new(source: impl Into<String>, vars: Vec<Var>) -> Self {
        let mut kept: Vec<Var> = Vec::with_capacity(vars.len());
        let index = if vars.len() < MAP_FROM {
            let mut hashes: Vec<u64> = Vec::with_capacity(vars.len());
            for var in vars {
                let hash = fnv1a(&var.name);
                let same = hashes
                    .iter()
                    .zip(&kept)
                    .position(|(&h, v)| h == hash && v.name == var.name);
                if let Some(at) = same {
                    kept[at] = var;
                } else {
                    hashes.push(hash);
                    kept.push(var);
                }
            }
            Index::Hashes(hashes)
        } else {
            let state = RandomState::new();
            let mut first: HashMap<u64, usize> = HashMap::with_capacity(vars.len());
            let mut spill: Vec<usize> = Vec::new();
            for var in vars {
                let hash = state.hash_one(&var.name);
                let same = match first.get(&hash) {
                    Some(&at) if kept[at].name == var.name => Some(at),
                    Some(_) => spill.iter().copied().find(|&at| kept[at].name == var.name),
                    None => None,
                };
                if let Some(at) = same {
                    kept[at] = var;
                } else {
                    match first.entry(hash) {
                        Entry::Occupied(_) => spill.push(kept.len()),
                        Entry::Vacant(slot) => {
                            slot.insert(kept.len());
                        }
                    }
                    kept.push(var);
                }
            }
            Index::Map {
                state,
                first,
                spill,
            }
        };
        Env {
            source: source.into(),
            vars: kept,
            index,
        }
    }

    /// The value of a var, if set.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        let name = name.as_bytes();
        // `vars` is public and may have been changed after `new`: the index
        // only proposes candidates, each checked against the name; when it
        // finds nothing (a missing var is rare: a required var not set),
        // scan.
        let indexed = match &self.index {
            Index::Hashes(hashes) => {
                let hash = fnv1a(name);
                hashes
                    .iter()
                    .zip(&self.vars)
                    .find(|(h, v)| **h == hash && v.name == name)
                    .map(|(_, v)| v)
            }
            Index::Map {
                state,
                first,
                spill,
            } => first
                .get(&state.hash_one(name))
                .into_iter()
                .chain(spill)
                .filter_map(|&at| self.vars.get(at))
                .find(|v| v.name == name),
        };
        indexed
            .or_else(|| self.vars.iter().find(|v| v.name == name))
            .map(|v| v.value.as_slice())
    }

    /// The value of a var as text, if set and UTF-8.
    #[must_use]
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| std::str::from_utf8(v).ok())
    }
}

/// The formats an environment can be saved in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `heroku config --json`: one JSON object of strings.
    HerokuJson,
    /// dotenv, which also covers `heroku config --shell` (`KEY='value'`).
    Dotenv,
}

/// Guesses a saved environment's format from its content: a JSON object is
/// `heroku config --json`; anything made of `NAME=value` lines (comments and
/// blank lines allowed) is dotenv. `None` when it is neither.
#[must_use]
pub fn detect(content: &[u8]) -> Option<Format> {
    if looks_like_json(content) {
        Some(Format::HerokuJson)
    } else {
        parse_dotenv(content).ok().map(|_| Format::Dotenv)
    }
}

/// The first non-blank byte (after a BOM) opens a JSON object.
fn looks_like_json(content: &[u8]) -> bool {
    strip_bom(content)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{')
}

fn strip_bom(content: &[u8]) -> &[u8] {
    content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content)
}

/// Why a saved environment could not be parsed. Never holds input text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line (dotenv) or 0 when the format has no useful line.
    pub line: usize,
    /// What is wrong, in words that hold no input.
    pub reason: String,
}

/// Parses a dotenv file: `NAME=value` lines, optional `export `, single
/// quotes (literal), double quotes (`\n`, `\"`, `\\`, `\$` escapes, may span
/// lines), unquoted values with trailing whitespace and ` #comment` removed,
/// `#` comment lines, blank lines, CRLF line ends and a UTF-8 BOM.
///
/// # Errors
/// A line that is not an assignment, a name that is not a var name, or an
/// unterminated quote; the error names the line, never its content.
pub fn parse_dotenv(content: &[u8]) -> Result<Vec<Var>, ParseError> {
    let content = strip_bom(content);
    let mut vars = Vec::new();
    let mut rest = content;
    let mut line_no = 0usize;
    while !rest.is_empty() {
        line_no += 1;
        let (line, after) = split_line(rest);
        rest = after;
        let start_line = line_no;
        let line = line.trim_ascii_start();
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        let line = line
            .strip_prefix(b"export")
            .filter(|l| l.first().is_some_and(|b| *b == b' ' || *b == b'\t'))
            .map_or(line, <[u8]>::trim_ascii_start);
        let Some(eq) = line.iter().position(|&b| b == b'=') else {
            return Err(ParseError {
                line: start_line,
                reason: "expected NAME=value".into(),
            });
        };
        let name = line[..eq].trim_ascii_end();
        if !is_var_name(name) {
            return Err(ParseError {
                line: start_line,
                reason: "the name before '=' is not a config var name".into(),
            });
        }
        let raw = line[eq + 1..].trim_ascii_start();
        let value = match raw.first() {
            Some(b'\'') => {
                let (value, trailer) = parse_single_quoted(raw).ok_or_else(|| ParseError {
                    line: start_line,
                    reason: "a single quote is not closed on this line".into(),
                })?;
                check_trailer(trailer, start_line)?;
                value
            }
            Some(b'"') => {
                let (value, consumed_lines, trailer, remaining) =
                    parse_double_quoted(&raw[1..], rest).ok_or_else(|| ParseError {
                        line: start_line,
                        reason: "a double quote is never closed".into(),
                    })?;
                line_no += consumed_lines;
                rest = remaining;
                check_trailer(trailer, start_line)?;
                value
            }
            _ => strip_inline_comment(raw).trim_ascii_end().to_vec(),
        };
        vars.push(Var {
            name: name.to_vec(),
            value,
        });
    }
    Ok(vars)
}

/// Single-quoted text as a shell reads it, including the `'\''` idiom that
/// `heroku config --shell` prints for a quote inside a value: quoted
/// segments and `\'` glued together. Returns the value and what follows it.
fn parse_single_quoted(mut raw: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let mut value = Vec::with_capacity(raw.len());
    loop {
        if let Some(body) = raw.strip_prefix(b"'") {
            let end = body.iter().position(|&b| b == b'\'')?;
            value.extend_from_slice(&body[..end]);
            raw = &body[end + 1..];
        } else if let Some(after) = raw.strip_prefix(b"\\'") {
            value.push(b'\'');
            raw = after;
        } else {
            return Some((value, raw));
        }
    }
}

/// Splits off one line, without its `\n` or `\r\n`.
fn split_line(input: &[u8]) -> (&[u8], &[u8]) {
    let (line, rest) = match input.iter().position(|&b| b == b'\n') {
        Some(nl) => (&input[..nl], &input[nl + 1..]),
        None => (input, &input[input.len()..]),
    };
    (line.strip_suffix(b"\r").unwrap_or(line), rest)
}

/// After a closing quote only whitespace or a comment may follow.
fn check_trailer(trailer: &[u8], line: usize) -> Result<(), ParseError> {
    let trailer = trailer.trim_ascii();
    if trailer.is_empty() || trailer.starts_with(b"#") {
        Ok(())
    } else {
        Err(ParseError {
            line,
            reason: "unexpected text after the closing quote".into(),
        })
    }
}

/// A double-quoted value: the value, how many extra lines it took, what
/// followed the closing quote on its line, and the input after that line.
type DoubleQuoted<'a> = (Vec<u8>, usize, &'a [u8], &'a [u8]);

/// A double-quoted value that starts in `first` (the rest of its line) and
/// may continue over the following lines in `rest`. Returns the value, how
/// many extra lines it took, what followed the closing quote on its line,
/// and the input after that line.
fn parse_double_quoted<'a>(first: &'a [u8], rest: &'a [u8]) -> Option<DoubleQuoted<'a>> {
    let mut value = Vec::with_capacity(first.len());
    let mut line = first;
    let mut rest = rest;
    let mut extra = 0usize;
    loop {
        let mut i = 0;
        while i < line.len() {
            match line[i] {
                b'"' => return Some((value, extra, &line[i + 1..], rest)),
                b'\\' if i + 1 < line.len() => {
                    let escaped = line[i + 1];
                    match escaped {
                        b'n' => value.push(b'\n'),
                        b'r' => value.push(b'\r'),
                        b't' => value.push(b'\t'),
                        b'"' | b'\\' | b'$' | b'`' => value.push(escaped),
                        // An unknown escape stays as written.
                        _ => value.extend_from_slice(&[b'\\', escaped]),
                    }
                    i += 2;
                }
                b => {
                    value.push(b);
                    i += 1;
                }
            }
        }
        if rest.is_empty() {
            return None;
        }
        value.push(b'\n');
        let (next, after) = split_line(rest);
        line = next;
        rest = after;
        extra += 1;
    }
}

fn strip_inline_comment(raw: &[u8]) -> &[u8] {
    // `#` starts a comment only after whitespace, as in shells and most
    // dotenv loaders; `A#B` keeps its `#`.
    raw.windows(2)
        .position(|w| w[0].is_ascii_whitespace() && w[1] == b'#')
        .map_or(raw, |at| &raw[..at])
}

/// A config var name as Heroku and shells accept it: a letter or `_`, then
/// letters, digits and `_`. Heroku itself allows a little more (`.`, `-`),
/// which dotenv loaders accept too.
#[must_use]
pub fn is_var_name(name: &[u8]) -> bool {
    match name.split_first() {
        Some((first, rest)) => {
            (first.is_ascii_alphabetic() || *first == b'_')
                && rest
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        }
        None => false,
    }
}

/// Parses `heroku config --json`: one object whose values are strings.
///
/// # Errors
/// Invalid JSON, a top level that is not an object, or a value that is not a
/// string (named by its var, which is not secret).
pub fn parse_heroku_json(content: &[u8]) -> Result<Vec<Var>, ParseError> {
    // Parsed to a `Value` and walked by hand: serde's typed errors quote the
    // offending value ("invalid type: string \"…\""), which may be a key.
    let value: serde_json::Value =
        serde_json::from_slice(strip_bom(content)).map_err(|e| ParseError {
            line: e.line(),
            // serde_json stops at 128 levels (no stack overflow); say so,
            // rather than a bare "Syntax error". The message is a fixed
            // string, but only this one is matched: see above.
            reason: if e.to_string().starts_with("recursion limit exceeded") {
                format!(
                    "not valid JSON: nested more than 128 levels deep at column {}; `heroku config --json` prints one flat object",
                    e.column()
                )
            } else {
                format!("not valid JSON ({:?} error at column {})", e.classify(), e.column())
            },
        })?;
    let serde_json::Value::Object(map) = value else {
        return Err(ParseError {
            line: 0,
            reason: "expected a JSON object of config vars, as `heroku config --json` prints"
                .into(),
        });
    };
    let mut vars = Vec::with_capacity(map.len());
    for (name, value) in map {
        match value {
            serde_json::Value::String(s) => vars.push(Var {
                name: name.into_bytes(),
                value: s.into_bytes(),
            }),
            // `heroku config --json` prints null for a var set to nothing.
            serde_json::Value::Null => vars.push(Var {
                name: name.into_bytes(),
                value: Vec::new(),
            }),
            _ => {
                return Err(ParseError {
                    line: 0,
                    reason: format!(
                        "the value of {} is not a string",
                        crate::key::shown(std::ffi::OsStr::new(&name))
                    ),
                });
            }
        }
    }
    Ok(vars)
}

/// The process environment, byte for byte (non-UTF-8 names and values
/// included: they are checked, not dropped).
#[must_use]
pub fn read_process() -> Env {
    let vars = std::env::vars_os()
        .map(|(name, value)| Var {
            name: OsString::into_vec(name),
            value: OsString::into_vec(value),
        })
        .collect();
    Env::new("env", vars)
}

/// Reads a whole file (or stdin for `-`) up to [`MAX_INPUT_BYTES`].
///
/// # Errors
/// The path cannot be opened or read, is a directory, or is too large.
pub fn read_input(path: &Path) -> Result<Vec<u8>, Error> {
    let mut buf = Vec::new();
    if path.as_os_str() == "-" {
        io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::Read(path.to_owned(), e))?;
    } else {
        let file = fs::File::open(path).map_err(|e| Error::Read(path.to_owned(), e))?;
        let meta = file
            .metadata()
            .map_err(|e| Error::Read(path.to_owned(), e))?;
        if meta.is_dir() {
            return Err(Error::IsADirectory(path.to_owned()));
        }
        file.take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::Read(path.to_owned(), e))?;
    }
    if buf.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::TooLarge(path.to_owned(), MAX_INPUT_BYTES));
    }
    Ok(buf)
}

/// How to tell a saved environment's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detect {
    /// This format, whatever the content.
    Is(Format),
    /// A JSON object is `heroku config --json`; anything else is dotenv, so
    /// a malformed line is reported by line number (`--env-file`).
    JsonOrDotenv,
    /// [`detect`]: content in neither format is an unknown format (`lint`).
    Strict,
}

/// Parses saved content.
///
/// # Errors
/// The content is in no known format, or is malformed for its format.
pub fn parse(path: &Path, content: &[u8], how: Detect) -> Result<Env, Error> {
    let parse_error = |e: ParseError| Error::Parse(path.to_owned(), e.line, e.reason);
    // Each way parses the content once: detection by a trial parse, then
    // the parse again, read every env file twice.
    let json = match how {
        Detect::Is(format) => format == Format::HerokuJson,
        Detect::JsonOrDotenv | Detect::Strict => looks_like_json(content),
    };
    let vars = if json {
        parse_heroku_json(content).map_err(parse_error)?
    } else if how == Detect::Strict {
        parse_dotenv(content).map_err(|_| Error::UnknownFormat(path.to_owned()))?
    } else {
        parse_dotenv(content).map_err(parse_error)?
    };
    Ok(Env::new(label(path), vars))
}

fn label(path: &Path) -> String {
    crate::key::shown(path.as_os_str())
}

/// Reads a saved environment from a file or stdin (`-`).
///
/// # Errors
/// See [`read_input`] and [`parse`].
pub fn read_file(path: &Path, how: Detect) -> Result<Env, Error> {
    let content = read_input(path)?;
    parse(path, &content, how)
}

/// Reads Heroku's `ENV_DIR`: one regular file per config var, the file name
/// is the name and the content the value (Heroku writes no trailing
/// newline, so one that is there is part of the value). Entries that are not
/// regular files, or whose names are not var names, are skipped.
///
/// # Errors
/// The directory cannot be listed, or a file in it cannot be read.
pub fn read_env_dir(dir: &Path) -> Result<Env, Error> {
    let entries = fs::read_dir(dir).map_err(|e| Error::Read(dir.to_owned(), e))?;
    let mut vars = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::Read(dir.to_owned(), e))?;
        let name = OsString::into_vec(entry.file_name());
        let path: PathBuf = entry.path();
        let file_type = entry
            .file_type()
            .map_err(|e| Error::Read(path.clone(), e))?;
        if !file_type.is_file() || !is_var_name(&name) {
            tracing::debug!(path = %label(&path), "skipping: not a config var file");
            continue;
        }
        let value = read_input(&path)?;
        vars.push(Var { name, value });
    }
    // read_dir's order is the filesystem's; sort for a stable report.
    vars.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Env::new(label(dir), vars))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(vars: &[Var]) -> Vec<(String, String)> {
        vars.iter()
            .map(|v| {
                (
                    v.display_name(),
                    String::from_utf8_lossy(&v.value).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn dotenv_forms() {
        let input = b"\xEF\xBB\xBF# comment\r\n\r\nexport A=1\r\nB='x y' # c\nC=\"q\\\"r\\n\"\nD=plain # c\nE= spaced  \nF=a#b\nexport\tG=g\n";
        let vars = parse_dotenv(input).unwrap();
        assert_eq!(
            pairs(&vars),
            [
                ("A", "1"),
                ("B", "x y"),
                ("C", "q\"r\n"),
                ("D", "plain"),
                ("E", "spaced"),
                ("F", "a#b"),
                ("G", "g"),
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
        );
    }

    #[test]
    fn dotenv_multiline_double_quotes_count_lines() {
        let vars = parse_dotenv(b"A=\"one\ntwo\"\nB\n").unwrap_err();
        assert_eq!(vars.line, 3);
    }

    #[test]
    fn dotenv_heroku_shell_output() {
        // `'\''` is the shell's way to put a quote inside single quotes.
        let vars = parse_dotenv(b"SECURE_KEY='A,B'\nOTHER='it'\\''s'\n").unwrap();
        assert_eq!(
            pairs(&vars),
            [
                ("SECURE_KEY".into(), "A,B".into()),
                ("OTHER".into(), "it's".into())
            ]
        );
    }

    #[test]
    fn dotenv_errors_name_the_line_not_the_content() {
        let err = parse_dotenv(b"A=1\nSECRETVALUE\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(!err.reason.contains("SECRET"));
        assert_eq!(parse_dotenv(b"1A=x").unwrap_err().line, 1);
        assert_eq!(parse_dotenv(b"A='x").unwrap_err().line, 1);
        assert_eq!(parse_dotenv(b"A=\"x").unwrap_err().line, 1);
        assert_eq!(parse_dotenv(b"A='x' y").unwrap_err().line, 1);
    }

    #[test]
    fn dotenv_keeps_non_utf8_bytes() {
        let vars = parse_dotenv(b"A=\xff\xfe\n").unwrap();
        assert_eq!(vars[0].value, b"\xff\xfe");
    }

    #[test]
    fn heroku_json() {
        let vars = parse_heroku_json(br#"{"B":"2","A":"1","N":null}"#).unwrap();
        assert_eq!(vars.len(), 3);
        assert!(parse_heroku_json(b"[1]").is_err());
        let err = parse_heroku_json(br#"{"A":{"secret":"x"}}"#).unwrap_err();
        assert!(err.reason.contains('A') && !err.reason.contains("secret"));
        let err = parse_heroku_json(br#"{"A":"SECRET"#).unwrap_err();
        assert!(!err.reason.contains("SECRET"));
        let deep = format!("{{\"A\":{}", "[".repeat(100_000));
        let err = parse_heroku_json(deep.as_bytes()).unwrap_err();
        assert!(
            err.reason.contains("nested more than 128 levels"),
            "{}",
            err.reason
        );
    }

    #[test]
    fn detection() {
        assert_eq!(detect(b" \n{\"A\":\"1\"}"), Some(Format::HerokuJson));
        assert_eq!(detect(b"A=1\n"), Some(Format::Dotenv));
        assert_eq!(detect(b"A='1'\n"), Some(Format::Dotenv));
        assert_eq!(detect(b""), Some(Format::Dotenv));
        assert_eq!(detect(b"just some text\n"), None);
        assert_eq!(detect(b"\x7fELF\x02\x01"), None);
    }

    #[test]
    fn later_duplicates_win() {
        let env = Env::new(
            "t",
            vec![
                Var {
                    name: b"A".to_vec(),
                    value: b"1".to_vec(),
                },
                Var {
                    name: b"A".to_vec(),
                    value: b"2".to_vec(),
                },
            ],
        );
        assert_eq!(env.get("A"), Some(&b"2"[..]));
        assert_eq!(env.vars.len(), 1);
    }

    #[test]
    fn get_uses_the_index_and_survives_changed_vars() {
        let var = |n: &str, v: &str| Var {
            name: n.as_bytes().to_vec(),
            value: v.as_bytes().to_vec(),
        };
        let mut env = Env::new(
            "t",
            (0..1000)
                .map(|i| var(&format!("V{i}"), &i.to_string()))
                .collect(),
        );
        assert_eq!(env.get("V999"), Some(&b"999"[..]));
        assert_eq!(env.get("NOPE"), None);
        // The fields are public: a changed `vars` must not mislead `get`.
        env.vars.swap(0, 999);
        env.vars.push(var("LATE", "x"));
        assert_eq!(env.get("V999"), Some(&b"999"[..]));
        assert_eq!(env.get("V0"), Some(&b"0"[..]));
        assert_eq!(env.get("LATE"), Some(&b"x"[..]));
        assert_eq!(env, env.clone());
    }

    #[test]
    fn large_envs_dedupe_and_find_every_name() {
        let var = |n: usize, v: &str| Var {
            name: format!("VAR_{n}").into_bytes(),
            value: v.as_bytes().to_vec(),
        };
        let mut vars: Vec<Var> = (0..1000).map(|n| var(n, "first")).collect();
        vars.extend((0..1000).step_by(3).map(|n| var(n, "later")));
        let env = Env::new("t", vars);
        assert_eq!(env.vars.len(), 1000, "duplicates replaced in place");
        for n in 0..1000 {
            let want: &[u8] = if n % 3 == 0 { b"later" } else { b"first" };
            assert_eq!(env.get(&format!("VAR_{n}")), Some(want), "VAR_{n}");
            assert_eq!(env.vars[n].name, format!("VAR_{n}").into_bytes());
        }
        assert_eq!(env.get("VAR_1000"), None);
        // `vars` is public: a renamed var is still found (by the scan).
        let mut env = env;
        env.vars[5].name = b"RENAMED".to_vec();
        assert_eq!(env.get("RENAMED"), Some(&b"first"[..]));
        assert_eq!(env.get("VAR_5"), None);
    }

    #[test]
    fn var_debug_hides_value() {
        let var = Var {
            name: b"SECURE_KEY".to_vec(),
            value: b"TOPSECRET".to_vec(),
        };
        assert!(!format!("{var:?}").contains("TOPSECRET"));
    }
}
