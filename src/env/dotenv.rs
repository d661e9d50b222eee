//! dotenv files, which also covers `heroku config --shell` output.

use super::{ParseError, Var, strip_bom};
use crate::input;

/// Parses a dotenv file: `NAME=value` lines, optional `export `, single
/// quotes (literal, may span lines), double quotes (`\n`, `\"`, `\\`, `\$` escapes, may span
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
            return Err(ParseError::at(start_line, "expected NAME=value"));
        };
        let name = line[..eq].trim_ascii_end();
        if !is_var_name(name) {
            return Err(ParseError::at(
                start_line,
                "the name before '=' is not a config var name",
            ));
        }
        let raw = line[eq + 1..].trim_ascii_start();
        let value = match raw.first() {
            Some(b'\'') => {
                let (value, consumed_lines, trailer, remaining) =
                    parse_single_quoted(raw, rest).ok_or_else(|| {
                        ParseError::at(
                            start_line,
                            "a single quote opens here and is never closed; close it (a value may span lines inside quotes)",
                        )
                    })?;
                line_no += consumed_lines;
                rest = remaining;
                check_trailer(trailer, start_line)?;
                value
            }
            Some(b'"') => {
                let (value, consumed_lines, trailer, remaining) =
                    parse_double_quoted(&raw[1..], rest).ok_or_else(|| {
                        ParseError::at(start_line, "a double quote is never closed")
                    })?;
                line_no += consumed_lines;
                rest = remaining;
                check_trailer(trailer, start_line)?;
                value
            }
            _ => strip_inline_comment(raw).trim_ascii_end().to_vec(),
        };
        if vars.len() == input::MAX_VARS {
            return Err(ParseError::too_many_vars(start_line));
        }
        vars.push(Var {
            name: name.to_vec(),
            value,
        });
    }
    Ok(vars)
}

/// Single-quoted text as a shell reads it, including the `'\''` idiom that
/// `heroku config --shell` prints for a quote inside a value: quoted
/// segments and `\'` glued together. A quoted segment may span lines, as
/// in a shell and in the dotenv loaders (Ruby's dotenv, python-dotenv,
/// Node's dotenv): its newlines are part of the value, and a key var's
/// value with one in it is reported by the checks like any other. `raw` is
/// the rest of the value's line, `rest` the input after that line; returns
/// what [`parse_double_quoted`] returns.
fn parse_single_quoted<'a>(mut raw: &'a [u8], mut rest: &'a [u8]) -> Option<Quoted<'a>> {
    let mut value = Vec::with_capacity(raw.len());
    let mut extra = 0usize;
    loop {
        if let Some(mut body) = raw.strip_prefix(b"'") {
            loop {
                if let Some(end) = body.iter().position(|&b| b == b'\'') {
                    value.extend_from_slice(&body[..end]);
                    raw = &body[end + 1..];
                    break;
                }
                if rest.is_empty() {
                    return None;
                }
                value.extend_from_slice(body);
                value.push(b'\n');
                (body, rest) = split_line(rest);
                extra += 1;
            }
        } else if let Some(after) = raw.strip_prefix(b"\\'") {
            value.push(b'\'');
            raw = after;
        } else {
            return Some((value, extra, raw, rest));
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
        Err(ParseError::at(
            line,
            "unexpected text after the closing quote",
        ))
    }
}

/// A quoted value: the value, how many extra lines it took, what followed
/// the closing quote on its line, and the input after that line.
type Quoted<'a> = (Vec<u8>, usize, &'a [u8], &'a [u8]);

/// A double-quoted value that starts in `first` (the rest of its line) and
/// may continue over the following lines in `rest`. Returns the value, how
/// many extra lines it took, what followed the closing quote on its line,
/// and the input after that line.
fn parse_double_quoted<'a>(first: &'a [u8], rest: &'a [u8]) -> Option<Quoted<'a>> {
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
