//! The key file securekey's buildpack writes at dyno boot (and
//! `securekey write` anywhere): well-formed pairs by config var name.
//!
//! ```text
//! {"keys":{"SECURE_KEY":{"latest":"3F6D…","latest_id":"9c1e04ab","previous":"CF8B…","previous_id":"51f0d2c3"}},"version":1}
//! ```
//!
//! Read by one rule, the same in every language's reader: a regular file
//! (a symlink to one is fine) of at most [`MAX_BYTES`]; keys canonical (64
//! uppercase hex chars) and matching their ids, or the whole file is
//! refused.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::Error;
use crate::key::{Key, KeyPair, Slot};
pub use crate::limits::{FORMAT_VERSION, MAX_BYTES};
use crate::shown::Shown;

/// Where the key file is when `$SECUREKEY_FILE` does not say: under the
/// working directory. On Heroku the boot script sets `SECUREKEY_FILE` (to
/// `/app/.securekey/keys.json`, where the app runs), so this is the rule of
/// a laptop: `securekey write` and the app, in the project's folder.
pub const DEFAULT_PATH: &str = ".securekey/keys.json";

/// The var whose pair is used when none is named (then a file's only
/// var): the add-on's own app has it.
pub const DEFAULT_VAR: &str = "SECURE_KEY";

/// The var that names the key file.
pub const FILE_VAR: &str = "SECUREKEY_FILE";

/// `O_NONBLOCK` (the same on every Linux architecture): opening a FIFO for
/// reading never waits for a writer. Regular files ignore it. Unix only:
/// elsewhere no FIFO is a file in a folder, and the file type is checked
/// before the open and after it anyway.
#[cfg(unix)]
const O_NONBLOCK: i32 = 0o4000;

/// Where the key file is: `$SECUREKEY_FILE` when set and not empty, else
/// [`DEFAULT_PATH`] under the working directory. `securekey write` and
/// every reader (Rust, Ruby, Node, Python) follow this one rule.
#[must_use]
pub fn default_path() -> PathBuf {
    std::env::var_os(FILE_VAR)
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_PATH), PathBuf::from)
}

/// A key file's contents: well-formed pairs by config var name. `Debug`
/// shows names and key ids only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KeyFile {
    keys: BTreeMap<String, KeyPair>,
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(
                self.keys
                    .iter()
                    .map(|(var, pair)| (Shown(var).to_string(), pair)),
            )
            .finish()
    }
}

impl KeyFile {
    /// An empty key file.
    #[must_use]
    pub fn new() -> Self {
        KeyFile::default()
    }

    /// Adds (or replaces) the pair of a config var.
    pub fn insert(&mut self, var: impl Into<String>, pair: KeyPair) {
        self.keys.insert(var.into(), pair);
    }

    /// The pair of a config var, e.g. `SECURE_KEY`.
    #[must_use]
    pub fn get(&self, var: &str) -> Option<&KeyPair> {
        self.keys.get(var)
    }

    /// The pair of a config var, or an error naming the vars the file does
    /// hold (an app attached under another name has `…_SECURE_KEY`).
    ///
    /// # Errors
    /// [`Error::NoSuchVar`].
    pub fn pair(&self, var: &str) -> Result<&KeyPair, Error> {
        self.get(var)
            .ok_or_else(|| Error::NoSuchVar(var.to_owned(), self.keys.keys().cloned().collect()))
    }

    /// The var used when none is named: [`DEFAULT_VAR`] (`SECURE_KEY`) if
    /// the file holds it, else the file's only var. The one rule of every
    /// package (Ruby's `default_var`, Node's `chooseVar()`, Python's
    /// `pair()`).
    ///
    /// # Errors
    /// [`Error::NoDefaultVar`], naming the vars the file holds (names
    /// only) when it has no `SECURE_KEY` and not exactly one var.
    pub fn default_var(&self) -> Result<&str, Error> {
        if let Some((var, _)) = self.keys.get_key_value(DEFAULT_VAR) {
            return Ok(var);
        }
        match self.keys.keys().collect::<Vec<_>>()[..] {
            [only] => Ok(only),
            _ => Err(Error::NoDefaultVar(self.keys.keys().cloned().collect())),
        }
    }

    /// The pair of [`KeyFile::default_var`]: `SECURE_KEY`'s, else the
    /// file's only var's.
    ///
    /// # Errors
    /// [`Error::NoDefaultVar`].
    pub fn default_pair(&self) -> Result<&KeyPair, Error> {
        self.pair(self.default_var()?)
    }

    /// Every var and its pair, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &KeyPair)> {
        self.keys.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many pairs.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// No pairs.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The file's text: canonical keys, vars sorted, so the same pairs
    /// always give the same bytes. Holds the keys: it is what
    /// `securekey write` writes, mode 0600.
    #[must_use]
    pub fn to_json(&self) -> String {
        let keys: serde_json::Map<String, Value> = self
            .keys
            .iter()
            .map(|(var, pair)| {
                let previous = pair.previous();
                let entry = serde_json::json!({
                    "latest": pair.latest().expose(),
                    "previous": previous.map(Key::expose),
                    "latest_id": pair.latest().id().to_string(),
                    "previous_id": previous.map(|k| k.id().to_string()),
                });
                (var.clone(), entry)
            })
            .collect();
        let mut text = serde_json::json!({ "version": FORMAT_VERSION, "keys": keys }).to_string();
        text.push('\n');
        text
    }

    /// Parses a key file's text. Keys must be canonical and match their
    /// ids; `previous` and `previous_id` are both null or both set.
    ///
    /// # Errors
    /// [`Error::Malformed`] saying what is wrong, naming vars, never keys.
    pub fn parse(content: &[u8]) -> Result<Self, Error> {
        parse(content).map_err(Error::Malformed)
    }

    /// Loads a key file: a regular file (or a symlink to one) of at most
    /// [`MAX_BYTES`]. A FIFO or a device is refused at once, never read.
    ///
    /// # Errors
    /// [`Error::NoKeyFile`], [`Error::NotRegularFile`],
    /// [`Error::TooLarge`], [`Error::Read`] or [`Error::Invalid`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let content = read(path)?;
        parse(&content).map_err(|why| Error::Invalid(path.to_owned(), why))
    }

    /// Loads the key file at [`default_path`].
    ///
    /// # Errors
    /// See [`KeyFile::load`].
    pub fn load_default() -> Result<Self, Error> {
        KeyFile::load(default_path())
    }
}

/// Reads a key file by the one rule (see [`KeyFile::load`]).
fn read(path: &Path) -> Result<Vec<u8>, Error> {
    let io_err = |e: io::Error| match e.kind() {
        io::ErrorKind::NotFound => Error::NoKeyFile(path.to_owned()),
        _ => Error::Read(path.to_owned(), e),
    };
    // Looked at first, then looked at again once open: what is opened may
    // not be what was looked at.
    if !fs::metadata(path).map_err(io_err)?.is_file() {
        return Err(Error::NotRegularFile(path.to_owned()));
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, O_NONBLOCK);
    let file: File = options.open(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    if !meta.is_file() {
        return Err(Error::NotRegularFile(path.to_owned()));
    }
    if meta.len() > MAX_BYTES {
        return Err(Error::TooLarge(path.to_owned()));
    }
    let mut content = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut content)
        .map_err(io_err)?;
    if content.len() as u64 > MAX_BYTES {
        return Err(Error::TooLarge(path.to_owned()));
    }
    Ok(content)
}

fn parse(content: &[u8]) -> Result<KeyFile, String> {
    let value: Value = serde_json::from_slice(content)
        .map_err(|e| format!("not valid JSON (line {}, column {})", e.line(), e.column()))?;
    if value.get("version").and_then(Value::as_u64) != Some(FORMAT_VERSION)
        || !value.get("version").is_some_and(Value::is_u64)
    {
        return Err("expected \"version\": 1".to_owned());
    }
    let keys = value
        .get("keys")
        .and_then(Value::as_object)
        .ok_or("expected a \"keys\" object")?;
    let mut file = KeyFile::new();
    for (var, entry) in keys {
        if !entry.is_object() {
            return Err(format!("{}: expected an object", Shown(var)));
        }
        let latest = key(var, entry, Slot::Latest)?
            .ok_or_else(|| entry_error(var, Slot::Latest, "key is null"))?;
        let pair = match key(var, entry, Slot::Previous)? {
            Some(previous) => KeyPair::new(latest, previous),
            None => KeyPair::latest_only(latest),
        };
        file.insert(var.clone(), pair);
    }
    Ok(file)
}

/// One slot's key and id, both canonical and matching; `None` where both
/// are null (a previous key after the add-on's `NEW,`).
fn key(var: &str, entry: &Value, slot: Slot) -> Result<Option<Key>, String> {
    let field = |name: &str| {
        entry
            .get(name)
            .ok_or_else(|| format!("{}: no \"{name}\"", Shown(var)))
    };
    let text = field(slot.as_str())?;
    let id = field(&format!("{slot}_id"))?;
    if text.is_null() && id.is_null() && slot == Slot::Previous {
        return Ok(None);
    }
    let not_canonical = || entry_error(var, slot, "key is not 64 uppercase hex chars");
    let text = text.as_str().ok_or_else(not_canonical)?;
    let key = Key::parse(text.as_bytes())
        .filter(|k| k.expose() == text)
        .ok_or_else(not_canonical)?;
    if id.as_str() != Some(key.id().to_string().as_str()) {
        return Err(entry_error(
            var,
            slot,
            &format!("key does not match {slot}_id"),
        ));
    }
    Ok(Some(key))
}

/// Why a key file's text is not a key file (the `String` of
/// [`Error::Invalid`]); never holds key material.
fn entry_error(var: &str, slot: Slot, what: &str) -> String {
    format!("{}: the {slot} {what}", Shown(var))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
    const B: &str = "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";

    fn file() -> KeyFile {
        let mut file = KeyFile::new();
        let pair = KeyPair::parse(format!("{A},{B}").as_bytes());
        file.insert("SECURE_KEY", pair.expect("a good pair"));
        file
    }

    #[test]
    fn round_trip() {
        let file = file();
        let text = file.to_json();
        assert_eq!(KeyFile::parse(text.as_bytes()).ok(), Some(file));
    }

    #[test]
    fn parse_refuses_tampering_without_quoting_keys() {
        let text = file().to_json();
        for (from, to) in [(&A[..8], "00000000"), ("\"version\":1", "\"version\":1.0")] {
            let tampered = text.replacen(from, to, 1);
            let err = KeyFile::parse(tampered.as_bytes())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.starts_with("not a key file: "), "{err}");
            assert!(!err.contains(&A[..8]) && !err.contains(&B[..8]));
        }
    }

    fn with_vars(vars: &[&str]) -> KeyFile {
        let mut file = KeyFile::new();
        for var in vars {
            let pair = KeyPair::parse(format!("{A},{B}").as_bytes());
            file.insert(*var, pair.expect("a good pair"));
        }
        file
    }

    #[test]
    fn the_default_var_is_secure_key_else_the_only_var() {
        let both = with_vars(&["OTHER_SECURE_KEY", "SECURE_KEY"]);
        assert_eq!(both.default_var().ok(), Some("SECURE_KEY"));
        assert!(both.default_pair().is_ok());
        let only = with_vars(&["PAPAYA_SECURE_KEY"]);
        assert_eq!(only.default_var().ok(), Some("PAPAYA_SECURE_KEY"));
        assert_eq!(only.default_pair().ok(), only.get("PAPAYA_SECURE_KEY"));
    }

    #[test]
    fn no_default_var_names_the_vars_never_a_key() {
        let two = with_vars(&["ONE_SECURE_KEY", "TWO_SECURE_KEY", A]);
        let err = two.default_pair().err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "the key file has no SECURE_KEY and 3 vars (<redacted: a key?>, ONE_SECURE_KEY, TWO_SECURE_KEY): name the one to use (KeyFile::pair(\"…_SECURE_KEY\"))"
            )
        );
        let none = KeyFile::new().default_var().err().map(|e| e.to_string());
        assert!(none.is_some_and(|e| e.starts_with("the key file holds no vars")));
    }

    #[test]
    fn debug_shows_ids_only() {
        let shown = format!("{:?}", file());
        assert!(
            !shown.contains(&A[..8]) && !shown.contains(&B[..8]),
            "{shown}"
        );
        assert!(shown.contains("SECURE_KEY"));
    }
}
