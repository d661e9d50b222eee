//! `heroku config --json` output.

use super::{ParseError, Var, strip_bom};

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
