//! Environments and where they come from (the process env is read by
//! [`crate::settings`]): dotenv files and `heroku config --shell` ([`dotenv`]),
//! `heroku config --json` ([`heroku_json`]) and Heroku's `ENV_DIR`
//! ([`env_dir`]).
//!
//! Parsers are pure (`&[u8]` in, vars out); the `read_*` functions are the
//! edge that touches the process and the filesystem. Values stay bytes so a
//! non-UTF-8 value is checked (and reported) like any other, never a panic.
//! No error here ever quotes a value or a line: a malformed line may be a key.

use std::path::Path;

use crate::error::Error;
use crate::input;

pub mod dotenv;
pub mod env_dir;
pub mod heroku_json;
mod index;

pub use dotenv::{is_var_name, parse_dotenv};
pub use env_dir::read_env_dir;
pub use heroku_json::parse_heroku_json;
use index::Index;

/// One config var.
#[derive(Clone, PartialEq, Eq)]
pub struct Var {
    /// The name as given. Names are not secret; non-UTF-8 bytes are
    /// replaced when shown.
    pub name: Vec<u8>,
    /// The value, byte for byte.
    pub value: Vec<u8>,
}

// A value may be key material: Debug shows the name only.
impl std::fmt::Debug for Var {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Var {{ name: {:?}, value: <{} bytes> }}",
            String::from_utf8_lossy(&self.name),
            self.value.len()
        )
    }
}

/// A set of config vars from one source, in the source's order.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// Where the vars came from: `env`, `-` (stdin) or a path, as given
    /// (bytes that are not UTF-8 as U+FFFD).
    pub source: String,
    /// What reading it has to say (files an `ENV_DIR` skipped), for the log.
    pub notes: Vec<String>,
    /// The vars; a later var of the same name replaces an earlier one.
    /// Private, so the index always matches them.
    vars: Vec<Var>,
    /// Finds a var by name without comparing every name: every checked var
    /// is looked up by name, and a scan per lookup made 10,000 key vars
    /// quadratic (0.2 s; 100,000 took minutes).
    index: Index,
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
        let (vars, index) = Index::build(vars);
        Env {
            source: source.into(),
            notes: Vec::new(),
            vars,
            index,
        }
    }

    /// The vars, in the source's order.
    #[must_use]
    pub fn vars(&self) -> &[Var] {
        &self.vars
    }

    /// The value of a var, if set: one hash lookup, found or not (a scan
    /// for each missing name made 99,000 required names against 300,000
    /// vars take 88 s).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.index
            .find(&self.vars, name.as_bytes())
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
    /// The input holds more than [`input::MAX_VARS`] vars: parsing stopped
    /// there, well formed or not.
    pub too_many_vars: bool,
}

impl ParseError {
    /// What is wrong at a line (0: no useful line).
    pub(crate) fn at(line: usize, reason: impl Into<String>) -> Self {
        ParseError {
            line,
            reason: reason.into(),
            too_many_vars: false,
        }
    }

    /// More than [`input::MAX_VARS`] vars, found at a line.
    pub(crate) fn too_many_vars(line: usize) -> Self {
        ParseError {
            line,
            reason: format!("more than {} config vars", input::MAX_VARS),
            too_many_vars: true,
        }
    }
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
    let parse_error = |e: ParseError| {
        if e.too_many_vars {
            Error::TooManyVars(path.to_owned(), input::MAX_VARS)
        } else {
            Error::Parse(path.to_owned(), e.line, e.reason)
        }
    };
    let decoded = utf16_to_utf8(content).map_err(parse_error)?;
    let content = decoded.as_deref().unwrap_or(content);
    // Each way parses the content once: detection by a trial parse, then
    // the parse again, read every env file twice.
    let json = match how {
        Detect::Is(format) => format == Format::HerokuJson,
        Detect::JsonOrDotenv | Detect::Strict => looks_like_json(content),
    };
    let vars = if json {
        parse_heroku_json(content).map_err(parse_error)?
    } else if how == Detect::Strict {
        parse_dotenv(content).map_err(|e| {
            if e.too_many_vars {
                parse_error(e)
            } else {
                Error::UnknownFormat(path.to_owned())
            }
        })?
    } else {
        parse_dotenv(content).map_err(parse_error)?
    };
    Ok(Env::new(label(path), vars))
}

/// A path as the env's `source`: as given.
pub(crate) fn label(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// How to turn a file in `encoding` into what securekey reads.
fn to_utf8(encoding: &str) -> String {
    format!(
        "convert it to UTF-8: `iconv -f {encoding} -t UTF-8 env.json > env-utf8.json`, or in PowerShell `heroku config --json | Out-File -Encoding utf8 env.json`"
    )
}

/// A saved environment in UTF-16, as UTF-8; `None` for anything else.
///
/// Windows PowerShell's `heroku config --json > env.json` writes UTF-16
/// with a byte order mark (FF FE, little-endian). It is decoded rather
/// than refused: the BOM says what the bytes are, so the text is the one
/// the Heroku CLI printed, and std's decoder is strict (an unpaired
/// surrogate is an error, never a replacement character). The text grows
/// at most 1.5 times, within the input cap. A UTF-8 BOM is skipped by the
/// parsers; UTF-32 (whose little-endian BOM starts like UTF-16's) is
/// refused, with the fix.
///
/// # Errors
/// UTF-32, an odd number of bytes or an unpaired surrogate (the line is
/// named, never the text).
fn utf16_to_utf8(content: &[u8]) -> Result<Option<Vec<u8>>, ParseError> {
    if content.starts_with(b"\xFF\xFE\0\0") || content.starts_with(b"\0\0\xFE\xFF") {
        return Err(ParseError::at(
            0,
            format!(
                "the file is UTF-32 (it starts with a UTF-32 byte order mark); {}",
                to_utf8("UTF-32")
            ),
        ));
    }
    let (little_endian, body) = match content {
        [0xFF, 0xFE, body @ ..] => (true, body),
        [0xFE, 0xFF, body @ ..] => (false, body),
        _ => return Ok(None),
    };
    let what = if little_endian {
        "UTF-16LE"
    } else {
        "UTF-16BE"
    };
    if body.len() % 2 != 0 {
        return Err(ParseError::at(
            0,
            format!(
                "the file is {what} (it starts with a UTF-16 byte order mark) but ends in half a character: it was cut short; save it again and {}",
                to_utf8("UTF-16")
            ),
        ));
    }
    let units = body.chunks_exact(2).map(|unit| {
        let unit = [unit[0], unit[1]];
        if little_endian {
            u16::from_le_bytes(unit)
        } else {
            u16::from_be_bytes(unit)
        }
    });
    let mut text = Vec::with_capacity(body.len() / 2);
    let mut line = 1;
    for c in char::decode_utf16(units) {
        let Ok(c) = c else {
            return Err(ParseError::at(
                line,
                format!(
                    "the file is {what} (it starts with a UTF-16 byte order mark) but holds an unpaired surrogate, which is no character; {}",
                    to_utf8("UTF-16")
                ),
            ));
        };
        line += usize::from(c == '\n');
        text.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
    Ok(Some(text))
}

/// Reads a saved environment from a file or stdin (`-`).
///
/// # Errors
/// See [`input::read`] and [`parse`].
pub fn read_file(path: &Path, how: Detect) -> Result<Env, Error> {
    let content = input::read(path, input::Kind::FileOrStream, input::MAX_INPUT_BYTES)?;
    parse(path, &content, how)
}

#[cfg(test)]
mod tests;
