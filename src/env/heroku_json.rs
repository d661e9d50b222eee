//! `heroku config --json` output.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use super::{ParseError, Var, strip_bom};
use crate::input;

/// Parses `heroku config --json`: one object whose values are strings
/// (or null, for a var set to nothing). Vars come sorted by name; a name
/// given twice keeps its last value.
///
/// Each value is held as its raw JSON text until its type is known, so a
/// value that is no string (a 60 MB array) is refused without being built
/// into a tree first.
///
/// # Errors
/// Invalid JSON, a top level that is not an object, more than
/// [`input::MAX_VARS`] vars, or a value that is not a string (named by its
/// var, unless the name looks like a key).
pub fn parse_heroku_json(content: &[u8]) -> Result<Vec<Var>, ParseError> {
    // serde's typed errors quote the offending value ("invalid type:
    // string \"…\""), which may be a key: only positions and the error's
    // class are ever shown.
    let invalid = |e: &serde_json::Error| {
        // serde_json stops at 128 levels (no stack overflow); say so,
        // rather than a bare "Syntax error". The message is a fixed string,
        // but only this one is matched: see above.
        let reason = if e.to_string().starts_with("recursion limit exceeded") {
            format!(
                "not valid JSON: nested more than 128 levels deep at column {}; `heroku config --json` prints one flat object",
                e.column()
            )
        } else {
            format!(
                "not valid JSON ({:?} error at column {})",
                e.classify(),
                e.column()
            )
        };
        ParseError::at(e.line(), reason)
    };
    let content = strip_bom(content);
    let not_an_object = || {
        ParseError::at(
            0,
            "expected a JSON object of config vars, as `heroku config --json` prints",
        )
    };
    // The top level must open an object; anything else is refused before
    // it is parsed into anything.
    if content.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        // Invalid JSON is said to be so; raw JSON text is checked, not built.
        serde_json::from_slice::<&RawValue>(content).map_err(|e| invalid(&e))?;
        return Err(not_an_object());
    }
    // Counted before the parse builds anything: a 64 MB object of empty
    // vars would be millions of map entries.
    if top_level_entries(content) > input::MAX_VARS {
        return Err(ParseError::too_many_vars(0));
    }
    let map: BTreeMap<String, &RawValue> =
        serde_json::from_slice(content).map_err(|e| invalid(&e))?;
    let mut vars = Vec::with_capacity(map.len());
    for (name, raw) in map {
        let text = raw.get();
        let value = match text.as_bytes().first() {
            Some(b'"') => serde_json::from_str::<String>(text)
                .map_err(|e| invalid(&e))?
                .into_bytes(),
            // `heroku config --json` prints null for a var set to nothing.
            _ if text == "null" => Vec::new(),
            // The name is not shown: the file's values are not yet known
            // to the output guard, and a name may hold a piece of one.
            _ => {
                return Err(ParseError::at(
                    0,
                    format!(
                        "the value of its var #{} (by name order) is not a string; heroku config --json writes strings",
                        vars.len() + 1
                    ),
                ));
            }
        };
        vars.push(Var {
            name: name.into_bytes(),
            value,
        });
    }
    Ok(vars)
}

/// How many entries the top-level object holds, at most (its commas at
/// depth one, plus one): one pass, nothing allocated. For valid JSON it is
/// exact; for invalid JSON the parse reports what is wrong. The live read
/// counts a config with it before parsing (`heroku::client`).
#[must_use]
pub fn top_level_entries(content: &[u8]) -> usize {
    let (mut depth, mut commas) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in content {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' if depth == 1 => commas += 1,
            _ => {}
        }
    }
    commas + 1
}

#[cfg(test)]
mod tests {
    use super::top_level_entries;

    #[test]
    fn counts_top_level_entries_only() {
        assert_eq!(
            top_level_entries(br#"{"A":"x,y","B":[1,2,{"c":3}],"C\",":null}"#),
            3
        );
    }
}
