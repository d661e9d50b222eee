//! Which vars are checked (docs/commands.md): the required ones, and the discovered
//! ones — by name (`SECURE_KEY`, `*_SECURE_KEY`, `SECUREKEY_*_KEY`) or by a
//! value with the exact shape of a current pair.

use std::collections::HashSet;
use std::path::Path;

use securekey::KEY_HEX_LEN;

use crate::env::{Env, Var, is_var_name};
use crate::error::Error;
use crate::input;

/// The var reported missing when no var is required by name and the env
/// has no `SecureKey` var at all (`SECURE_KEY`, nor an attachment's).
pub const DEFAULT_REQUIRED: &str = "SECURE_KEY";

/// The setting that lists required vars, comma- or space-separated.
pub const REQUIRE_VAR: &str = "SECUREKEY_REQUIRE";

/// The most vars one run checks (across every app, in `lint`): a Heroku
/// app has a few key vars, and each checked var keeps a report and its
/// findings until the end of the run (about 1 KiB), so this bounds memory
/// far below a dyno's 512 MiB.
pub const MAX_CHECKED: usize = 100_000;

/// The per-app settings file, at the app root.
pub const CONFIG_FILE: &str = "securekey.json";

/// A var to check, with its value: what the checks need, and no more.
#[derive(Clone, PartialEq, Eq)]
pub struct Selected<'a> {
    /// Its name.
    pub name: String,
    /// Required (absent is an error) or discovered.
    pub required: bool,
    /// Its value, when set.
    pub value: Option<&'a [u8]>,
    /// Not required by name: the default's stand-in when no `SecureKey` var
    /// is set at all.
    pub by_default: bool,
}

// A value may be key material: Debug shows whether it is set, not what;
// the name is shown as every name is printed (a key may be pasted there).
impl std::fmt::Debug for Selected<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Selected")
            .field("name", &self.name)
            .field("required", &self.required)
            .field("set", &self.value.is_some())
            .finish()
    }
}

/// Where the required list came from, for the log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequiredFrom {
    /// Command-line arguments.
    Arguments,
    /// `SECUREKEY_REQUIRE`.
    Setting,
    /// `securekey.json`.
    ConfigFile,
    /// Nothing by name: at least one `SecureKey` var must be set.
    #[default]
    Default,
}

/// Resolves the required vars: arguments, else `SECUREKEY_REQUIRE` (from
/// the checked environment, else the process's), else `"require"` in
/// `securekey.json` under `app_dir` (when there is one), else none: the
/// default, under which any `SecureKey` var will do (see [`select`]).
///
/// # Errors
/// A name that is not a var name, or an unreadable or malformed
/// `securekey.json`.
pub fn required(
    args: &[String],
    setting: Option<&[u8]>,
    app_dir: Option<&Path>,
) -> Result<(Vec<String>, RequiredFrom), Error> {
    if !args.is_empty() {
        let names = args
            .iter()
            .enumerate()
            .map(|(i, a)| validate_name(a, &format!("argument {}", i + 1)))
            .collect::<Result<_, _>>()?;
        return Ok((names, RequiredFrom::Arguments));
    }
    if let Some(setting) = setting {
        let names = require_setting(setting)?;
        if !names.is_empty() {
            return Ok((names, RequiredFrom::Setting));
        }
    }
    let Some(app_dir) = app_dir else {
        return Ok((Vec::new(), RequiredFrom::Default));
    };
    let path = app_dir.join(CONFIG_FILE);
    // A small regular file: a FIFO there would block every boot, and a
    // link to /dev/zero would never end.
    match input::read(&path, input::Kind::RegularFile, input::MAX_CONFIG_BYTES) {
        Ok(content) => {
            let names = parse_config(&path, &content)?;
            Ok((names, RequiredFrom::ConfigFile))
        }
        Err(Error::Read(_, e)) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok((Vec::new(), RequiredFrom::Default))
        }
        Err(e) => Err(e),
    }
}

/// The names in a `SECUREKEY_REQUIRE` value, comma- or space-separated
/// (none for a blank value).
///
/// # Errors
/// The value is not UTF-8, or an entry is not a var name.
pub fn require_setting(value: &[u8]) -> Result<Vec<String>, Error> {
    let text = std::str::from_utf8(value)
        .map_err(|_| Error::BadName(format!("{REQUIRE_VAR} is not UTF-8")))?;
    text.split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, n)| validate_name(n, &format!("{REQUIRE_VAR} entry {}", i + 1)))
        .collect()
}

fn parse_config(path: &Path, content: &[u8]) -> Result<Vec<String>, Error> {
    let bad = |why: &str| Error::Config(path.to_owned(), why.to_owned());
    let value: serde_json::Value = serde_json::from_slice(content)
        .map_err(|e| bad(&format!("not valid JSON at line {}", e.line())))?;
    let require = value
        .get("require")
        .ok_or_else(|| bad("no \"require\" list"))?
        .as_array()
        .ok_or_else(|| bad("\"require\" is not a list"))?;
    require
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let name = v
                .as_str()
                .ok_or_else(|| bad(&format!("\"require\" entry {} is not a string", i + 1)))?;
            validate_name(
                name,
                &format!("{} \"require\" entry {}", path.display(), i + 1),
            )
        })
        .collect()
}

/// A name must be a config var name. A value that looks like key material
/// (a comma, or a long run of hex) is refused without being echoed: it was
/// pasted where a name belongs.
fn validate_name(name: &str, what: &str) -> Result<String, Error> {
    let key_shaped = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| securekey::key_shaped(word.as_bytes()));
    if name.contains(',') || key_shaped {
        return Err(Error::BadName(format!(
            "{what} looks like a key, not a config var name; pass the var's NAME (e.g. SECURE_KEY), never its value"
        )));
    }
    if !is_var_name(name.as_bytes()) {
        return Err(Error::BadName(format!(
            "{what} is not a config var name: letters, digits and _, not starting with a digit"
        )));
    }
    Ok(name.to_owned())
}

/// Whether a name is one the add-on (or an attachment of it) writes.
#[must_use]
pub fn is_key_var_name(name: &[u8]) -> bool {
    name == DEFAULT_REQUIRED.as_bytes()
        || (name.ends_with(b"_SECURE_KEY") && name.len() > b"_SECURE_KEY".len())
        || (name.starts_with(b"SECUREKEY_")
            && name.ends_with(b"_KEY")
            && name.len() > b"SECUREKEY__KEY".len())
}

/// Whether a name is one of the tool's own settings (`SECUREKEY_*` not
/// ending in `_KEY`, docs/commands.md): never a key var, whatever its value (a
/// `SECUREKEY_SHA256` pin can look like a pair).
#[must_use]
pub fn is_setting_name(name: &[u8]) -> bool {
    name.starts_with(b"SECUREKEY_") && !name.ends_with(b"_KEY")
}

/// The values of every var that is a key var by its name or its value,
/// whether or not it is checked: what the output mask must know (with
/// `--no-discover`, or before arguments are parsed, too).
pub fn key_values(env: &Env) -> impl Iterator<Item = &[u8]> {
    env.vars()
        .iter()
        .filter(|v| discoverable(v))
        .map(|v| v.value.as_slice())
}

/// Whether a value has the exact shape of a current pair: 64 uppercase hex,
/// a comma, 64 uppercase hex.
#[must_use]
pub fn is_pair_shaped(value: &[u8]) -> bool {
    let upper_hex = |b: &u8| b.is_ascii_digit() || (b'A'..=b'F').contains(b);
    value.len() == 2 * KEY_HEX_LEN + 1
        && value[KEY_HEX_LEN] == b','
        && value[..KEY_HEX_LEN].iter().all(upper_hex)
        && value[KEY_HEX_LEN + 1..].iter().all(upper_hex)
}

/// The vars to check: the required ones in order (each once), then (unless
/// `discover` is off) every other var with a key name or a pair-shaped
/// value, in the environment's order. Vars whose names are not config var
/// names are skipped: no app could set them on Heroku ([`skipped`] names
/// them).
///
/// With nothing required by name, the `SecureKey` vars are checked whatever
/// `discover` says (`SECURE_KEY`, `*_SECURE_KEY`, `SECUREKEY_*_KEY`: an app
/// attached to the add-on under another name passes), and when there is
/// none, [`DEFAULT_REQUIRED`] is reported missing.
#[must_use]
pub fn select<'e>(env: &'e Env, required: &[String], discover: bool) -> Vec<Selected<'e>> {
    let mut out = select_named(env, required, discover);
    if required.is_empty() {
        if !discover {
            out.extend(key_vars_by_name(env));
        }
        if !out.iter().any(|s| is_key_var_name(s.name.as_bytes())) {
            out.insert(
                0,
                Selected {
                    name: DEFAULT_REQUIRED.to_owned(),
                    required: true,
                    value: None,
                    by_default: true,
                },
            );
        }
    }
    out
}

/// The vars named like the add-on's, by the config var name rule.
fn key_vars_by_name(env: &Env) -> impl Iterator<Item = Selected<'_>> {
    env.vars()
        .iter()
        .filter(|v| is_key_var_name(&v.name))
        .filter_map(|v| {
            config_var_name(v).map(|name| Selected {
                name: name.to_owned(),
                required: false,
                value: Some(&v.value),
                by_default: false,
            })
        })
}

fn select_named<'e>(env: &'e Env, required: &[String], discover: bool) -> Vec<Selected<'e>> {
    // A set, not a scan per name: required lists come from files and
    // settings too, and a scan made 80,000 names take 10 s.
    let mut seen: HashSet<&str> = HashSet::with_capacity(required.len());
    let mut out: Vec<Selected<'e>> = Vec::with_capacity(required.len());
    for name in required {
        if seen.insert(name) {
            out.push(Selected {
                name: name.clone(),
                required: true,
                value: env.get(name),
                by_default: false,
            });
        }
    }
    if !discover {
        return out;
    }
    for var in env.vars().iter().filter(|v| discoverable(v)) {
        // A name no app could set on Heroku (from JSON or the process
        // env: spaces, quotes, control characters) is skipped, never put
        // into a report or a fix command.
        let Some(name) = config_var_name(var) else {
            continue;
        };
        if !seen.contains(name) {
            out.push(Selected {
                name: name.to_owned(),
                required: false,
                value: Some(&var.value),
                by_default: false,
            });
        }
    }
    out
}

/// Whether discovery would check a var: a key name, or a pair-shaped
/// value (but the tool's own settings).
fn discoverable(var: &Var) -> bool {
    is_key_var_name(&var.name) || (is_pair_shaped(&var.value) && !is_setting_name(&var.name))
}

/// A var's name, when it is a config var name.
fn config_var_name(var: &Var) -> Option<&str> {
    std::str::from_utf8(&var.name)
        .ok()
        .filter(|_| is_var_name(&var.name))
}

/// The names of the vars [`select`] skips for their names (with
/// `discover`), as text.
pub fn skipped(env: &Env) -> impl Iterator<Item = String> + '_ {
    env.vars()
        .iter()
        .filter(|v| discoverable(v) && config_var_name(v).is_none())
        .map(|v| String::from_utf8_lossy(&v.name).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAIR: &str = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE,CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";

    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(
            "t",
            vars.iter()
                .map(|(n, v)| Var {
                    name: n.as_bytes().to_vec(),
                    value: v.as_bytes().to_vec(),
                })
                .collect(),
        )
    }

    #[test]
    fn key_names() {
        for yes in [
            "SECURE_KEY",
            "SERVICE_ONE_SECURE_KEY",
            "SECUREKEY_CHARCOAL_KEY",
        ] {
            assert!(is_key_var_name(yes.as_bytes()), "{yes}");
        }
        for no in [
            "_SECURE_KEY",
            "SECUREKEY__KEY",
            "SECUREKEY_REQUIRE",
            "SECUREKEY_FILE",
            "API_KEY",
            "SECURE_KEYS",
        ] {
            assert!(!is_key_var_name(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn discovery_by_name_and_shape() {
        let e = env(&[
            ("DATABASE_URL", "postgres://x"),
            ("SECUREKEY_CHARCOAL_KEY", "x"),
            ("TOKEN", PAIR),
            ("LOWER", &PAIR.to_ascii_lowercase()),
            ("SECURE_KEY", PAIR),
            // The tool's own settings are never keys, whatever they hold.
            ("SECUREKEY_SHA256", PAIR),
        ]);
        let names: Vec<_> = select(&e, &["SECURE_KEY".into()], true)
            .into_iter()
            .map(|s| (s.name, s.required))
            .collect();
        assert_eq!(
            names,
            [
                ("SECURE_KEY".to_owned(), true),
                ("SECUREKEY_CHARCOAL_KEY".to_owned(), false),
                ("TOKEN".to_owned(), false),
            ]
        );
        assert_eq!(select(&e, &["SECURE_KEY".into()], false).len(), 1);
    }

    #[test]
    fn required_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let args = vec!["A_KEY".to_owned()];
        assert_eq!(
            required(&args, Some(b"B_KEY"), Some(dir.path())).unwrap().1,
            RequiredFrom::Arguments
        );
        let (names, from) = required(&[], Some(b"B_KEY, C_KEY D_KEY"), Some(dir.path())).unwrap();
        assert_eq!((names.len(), from), (3, RequiredFrom::Setting));
        assert_eq!(
            required(&[], None, Some(dir.path())).unwrap(),
            (Vec::<String>::new(), RequiredFrom::Default)
        );
        std::fs::write(dir.path().join(CONFIG_FILE), br#"{"require":["X_KEY"]}"#).unwrap();
        assert_eq!(
            required(&[], Some(b" "), Some(dir.path())).unwrap(),
            (vec!["X_KEY".into()], RequiredFrom::ConfigFile)
        );
        std::fs::write(dir.path().join(CONFIG_FILE), br#"{"require":"X_KEY"}"#).unwrap();
        assert!(matches!(
            required(&[], None, Some(dir.path())),
            Err(Error::Config(..))
        ));
    }

    #[test]
    fn a_key_passed_as_a_name_is_not_echoed() {
        let dir = tempfile::tempdir().unwrap();
        let base36 = "fi9ugflsiscwcdv3g2aq2v2c2nwam2elripnkjbn1s6n5m6c4";
        for arg in [PAIR, &PAIR[65..], &PAIR[..64], base36] {
            let err = required(&[arg.to_owned()], None, Some(dir.path()))
                .unwrap_err()
                .to_string();
            assert!(err.contains("looks like a key"), "{err}");
            assert!(!err.contains(&arg[..8]));
        }
        let err = required(&["1BAD".into()], None, Some(dir.path()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a config var name"));
    }
}
