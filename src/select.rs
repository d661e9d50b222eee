//! Which vars are checked (SPEC §3): the required ones, and the discovered
//! ones — by name (`SECURE_KEY`, `*_SECURE_KEY`, `SECUREKEY_*_KEY`) or by a
//! value with the exact shape of a current pair.

use std::collections::HashSet;
use std::path::Path;

use crate::env::{Env, Var, is_var_name};
use crate::error::Error;
use crate::input;
use securekey::KEY_HEX_LEN;
use crate::redact::Untrusted;

/// The var checked when nothing else is required.
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
}

// A value may be key material: Debug shows whether it is set, not what;
// the name is shown as every name is printed (a key may be pasted there).
impl std::fmt::Debug for Selected<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Selected")
            .field("name", &Untrusted::new(self.name.as_bytes()))
            .field("required", &self.required)
            .field("set", &self.value.is_some())
            .finish()
    }
}

/// Where the required list came from, for the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequiredFrom {
    /// Command-line arguments.
    Arguments,
    /// `SECUREKEY_REQUIRE`.
    Setting,
    /// `securekey.json`.
    ConfigFile,
    /// The default, `SECURE_KEY`.
    Default,
}

/// Resolves the required vars: arguments, else `SECUREKEY_REQUIRE` (from
/// the checked environment, else the process's), else `"require"` in
/// `securekey.json` under `app_dir`, else `SECURE_KEY`.
///
/// # Errors
/// A name that is not a var name, or an unreadable or malformed
/// `securekey.json`.
pub fn required(
    args: &[String],
    setting: Option<&[u8]>,
    app_dir: &Path,
) -> Result<(Vec<String>, RequiredFrom), Error> {
    if !args.is_empty() {
        let names: Vec<&str> = args.iter().map(String::as_str).collect();
        refuse_a_split_key(&names, "the arguments")?;
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
    let path = app_dir.join(CONFIG_FILE);
    // A small regular file: a FIFO there would block every boot, and a
    // link to /dev/zero would never end.
    match input::read(&path, input::Kind::RegularFile, input::MAX_CONFIG_BYTES) {
        Ok(content) => {
            let names = parse_config(&path, &content)?;
            Ok((names, RequiredFrom::ConfigFile))
        }
        Err(Error::Read(_, e)) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok((vec![DEFAULT_REQUIRED.to_owned()], RequiredFrom::Default))
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
    let names: Vec<&str> = text
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|s| !s.is_empty())
        .collect();
    refuse_a_split_key(&names, &format!("the names in {REQUIRE_VAR}"))?;
    names
        .into_iter()
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
    let names: Vec<&str> = require
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    refuse_a_split_key(
        &names,
        &format!("the names in {} \"require\"", Untrusted::path(path)),
    )?;
    require
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let name = v
                .as_str()
                .ok_or_else(|| bad(&format!("\"require\" entry {} is not a string", i + 1)))?;
            validate_name(
                name,
                &format!("{} \"require\" entry {}", Untrusted::path(path), i + 1),
            )
        })
        .collect()
}

/// Required names that, read together, are key-shaped: a key cut into
/// valid names (`ABCDEF01 BCDEF012 …` by a shell, commas or a JSON list)
/// is refused like a key given as one name, without being echoed. Each
/// piece alone is too short to look like a key, but printed one per line
/// the pieces spell it (SPEC §10: grouped with spaces or other separators).
/// One name is [`validate_name`]'s.
fn refuse_a_split_key(names: &[&str], what: &str) -> Result<(), Error> {
    if names.len() > 1 && crate::redact::looks_like_key(names.join(" ").as_bytes()) {
        return Err(Error::BadName(format!(
            "{what} look like a key together, not config var names; pass the vars' NAMES (e.g. SECURE_KEY), never a value"
        )));
    }
    Ok(())
}

/// A name must be a config var name. A value that looks like key material
/// (a comma, or a long run of hex) is refused without being echoed: it was
/// pasted where a name belongs.
fn validate_name(name: &str, what: &str) -> Result<String, Error> {
    if name.contains(',') || crate::redact::looks_like_key(name.as_bytes()) {
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
/// ending in `_KEY`, SPEC §3): never a key var, whatever its value (a
/// `SECUREKEY_SHA256` pin can look like a pair).
#[must_use]
pub fn is_setting_name(name: &[u8]) -> bool {
    name.starts_with(b"SECUREKEY_") && !name.ends_with(b"_KEY")
}

/// What the output mask must know of one environment: the values of the
/// required vars, and of every var that is a key var by its name or its
/// value, checked or not (`--no-discover`). A discovered var is a key var,
/// so no value comes twice (twice would double the mask's work).
pub fn mask_values<'e>(env: &'e Env, selected: &[Selected<'e>]) -> impl Iterator<Item = &'e [u8]> {
    let required: Vec<&'e [u8]> = selected
        .iter()
        .filter(|s| s.required)
        .filter_map(|s| s.value)
        .collect();
    required.into_iter().chain(key_values(env))
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
/// names are skipped: no app could set them on Heroku ([`warn_skipped`]
/// says so).
#[must_use]
pub fn select<'e>(env: &'e Env, required: &[String], discover: bool) -> Vec<Selected<'e>> {
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

/// Warns of each var [`select`] skipped for its name (with `discover`).
///
/// Call it once the output's mask knows the selected values, not before:
/// a skipped name is printed (redacted only where it looks like a key by
/// itself), and it may hold a piece of a checked key (SPEC §10).
pub fn warn_skipped(env: &Env, discover: bool) {
    if !discover {
        return;
    }
    for var in env
        .vars()
        .iter()
        .filter(|v| discoverable(v) && config_var_name(v).is_none())
    {
        tracing::warn!(
            name = %Untrusted::new(&var.name),
            source = %env.source,
            "skipping a var whose name is not a config var name (letters, digits and _)"
        );
    }
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
            required(&args, Some(b"B_KEY"), dir.path()).unwrap().1,
            RequiredFrom::Arguments
        );
        let (names, from) = required(&[], Some(b"B_KEY, C_KEY D_KEY"), dir.path()).unwrap();
        assert_eq!((names.len(), from), (3, RequiredFrom::Setting));
        assert_eq!(
            required(&[], None, dir.path()).unwrap(),
            (vec!["SECURE_KEY".into()], RequiredFrom::Default)
        );
        std::fs::write(dir.path().join(CONFIG_FILE), br#"{"require":["X_KEY"]}"#).unwrap();
        assert_eq!(
            required(&[], Some(b" "), dir.path()).unwrap(),
            (vec!["X_KEY".into()], RequiredFrom::ConfigFile)
        );
        std::fs::write(dir.path().join(CONFIG_FILE), br#"{"require":"X_KEY"}"#).unwrap();
        assert!(matches!(
            required(&[], None, dir.path()),
            Err(Error::Config(..))
        ));
    }

    /// Found by fuzz/pipeline: each 8-char piece of this key starts with a
    /// letter, so each is a valid name, and was printed as a missing var.
    #[test]
    fn a_key_cut_into_valid_names_is_refused() {
        let key = "ABCDEF01BCDEF012CDEF0123DEF01234EF012345F0123456A1234567B2345678";
        let pieces: Vec<String> = key
            .as_bytes()
            .chunks(8)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        let no_echo = |err: Error| {
            let err = err.to_string();
            assert!(err.contains("look like a key"), "{err}");
            assert!(pieces.iter().all(|p| !err.contains(p.as_str())), "{err}");
        };
        let dir = tempfile::tempdir().unwrap();
        no_echo(required(&pieces, None, dir.path()).unwrap_err());
        no_echo(required(&pieces[..2], None, dir.path()).unwrap_err());
        for sep in [",", " ", ", ", "\n"] {
            no_echo(require_setting(pieces.join(sep).as_bytes()).unwrap_err());
        }
        let config = serde_json::json!({ "require": pieces }).to_string();
        std::fs::write(dir.path().join(CONFIG_FILE), config).unwrap();
        no_echo(required(&[], None, dir.path()).unwrap_err());
        // Names that only share hex letters are names.
        let names = vec!["FACE_KEY".to_owned(), "BEEF_KEY".to_owned()];
        assert_eq!(required(&names, None, dir.path()).unwrap().0, names);
    }

    #[test]
    fn a_key_passed_as_a_name_is_not_echoed() {
        let dir = tempfile::tempdir().unwrap();
        let base36 = "fi9ugflsiscwcdv3g2aq2v2c2nwam2elripnkjbn1s6n5m6c4";
        for arg in [PAIR, &PAIR[65..], &PAIR[..64], base36] {
            let err = required(&[arg.to_owned()], None, dir.path())
                .unwrap_err()
                .to_string();
            assert!(err.contains("looks like a key"), "{err}");
            assert!(!err.contains(&arg[..8]));
        }
        let err = required(&["1BAD".into()], None, dir.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a config var name"));
    }
}
