//! The key file (SPEC §6): the only code that writes files.
//!
//! Written at dyno boot so the app reads keys that the release phase never
//! saw (add-on rotations skip it). All or nothing: a temp file in the same
//! folder, mode 0600, renamed over the path; a symlink at the path is
//! refused, never followed; the temp file is removed on every failure.
//!
//! Nothing is fsynced. A dyno's disk is ephemeral and the file is rewritten
//! at every boot, so after a crash there is no old file worth keeping whole:
//! the next boot writes it again. An fsync would buy nothing and cost every
//! boot 0.4 ms here, up to 14 ms on a loaded disk. The rename alone keeps
//! readers from ever seeing half a file.

use std::collections::BTreeMap;
use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::{Error, KeyFileError};
use crate::key::{Key, KeyPair, Slot, shown};

/// The key file format's version.
pub const FORMAT_VERSION: u32 = 1;

/// Where the key file goes when neither `--output` nor `SECUREKEY_FILE` says.
pub const DEFAULT_PATH: &str = ".securekey/keys.json";

/// The setting (and the var exported to the app) that names the key file.
pub const FILE_VAR: &str = "SECUREKEY_FILE";

/// The key file's mode.
const FILE_MODE: u32 = 0o600;

/// The mode of a folder the writer creates.
const DIR_MODE: u32 = 0o700;

/// A key file's contents: well-formed pairs by config var name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyFile {
    keys: BTreeMap<String, KeyPair>,
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

    /// The file's text: canonical keys, vars sorted, so the same input
    /// always gives the same bytes.
    #[must_use]
    pub fn to_json(&self) -> String {
        let keys: serde_json::Map<String, serde_json::Value> = self
            .keys
            .iter()
            .map(|(var, pair)| {
                let entry = serde_json::json!({
                    "latest": pair.latest().expose(),
                    "previous": pair.previous().expose(),
                    "latest_id": pair.latest().id().to_string(),
                    "previous_id": pair.previous().id().to_string(),
                });
                (var.clone(), entry)
            })
            .collect();
        let mut text = serde_json::json!({ "version": FORMAT_VERSION, "keys": keys }).to_string();
        text.push('\n');
        text
    }

    /// Parses a key file. Keys must be canonical and match their ids.
    ///
    /// # Errors
    /// What is wrong, naming vars (unless a name looks like a key), never
    /// keys.
    pub fn parse(content: &[u8]) -> Result<Self, KeyFileError> {
        let value: serde_json::Value =
            serde_json::from_slice(content).map_err(|e| KeyFileError::Json {
                line: e.line(),
                column: e.column(),
            })?;
        if value.get("version").and_then(serde_json::Value::as_u64)
            != Some(u64::from(FORMAT_VERSION))
        {
            return Err(KeyFileError::Version);
        }
        let keys = value
            .get("keys")
            .and_then(serde_json::Value::as_object)
            .ok_or(KeyFileError::NoKeys)?;
        let mut file = KeyFile::new();
        for (var, entry) in keys {
            let shown_var = || shown(std::ffi::OsStr::new(var));
            let field = |name: String| {
                entry
                    .get(&name)
                    .and_then(serde_json::Value::as_str)
                    .ok_or_else(|| KeyFileError::Missing {
                        var: shown_var(),
                        field: name,
                    })
            };
            let key = |slot: Slot| -> Result<Key, KeyFileError> {
                let text = field(slot.as_str().to_owned())?;
                let key = Key::parse(text.as_bytes())
                    .filter(|k| k.expose() == text)
                    .ok_or_else(|| KeyFileError::NotCanonical {
                        var: shown_var(),
                        slot,
                    })?;
                if field(format!("{slot}_id"))? != key.id().to_string() {
                    return Err(KeyFileError::IdMismatch {
                        var: shown_var(),
                        slot,
                    });
                }
                Ok(key)
            };
            file.insert(
                var.clone(),
                KeyPair::new(key(Slot::Latest)?, key(Slot::Previous)?),
            );
        }
        Ok(file)
    }

    /// Loads a key file from disk.
    ///
    /// # Errors
    /// [`Error::KeyFileRead`] when it cannot be read, [`Error::KeyFile`] when
    /// it is not a valid key file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let content = fs::read(path).map_err(|e| Error::KeyFileRead(path.to_owned(), e))?;
        KeyFile::parse(&content).map_err(|e| Error::KeyFile(path.to_owned(), e))
    }

    /// Loads the key file the boot script wrote: `$SECUREKEY_FILE`, else
    /// `.securekey/keys.json` under the current directory.
    ///
    /// # Errors
    /// See [`KeyFile::load`].
    pub fn load_default() -> Result<Self, Error> {
        KeyFile::load(default_path(None))
    }

    /// Writes the file atomically (see the module docs).
    ///
    /// # Errors
    /// [`Error::Symlink`] when the path is a symlink, [`Error::Write`] for any
    /// I/O failure; in both cases an existing file is untouched and no temp
    /// file is left.
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        write_atomic(path, self.to_json().as_bytes())
    }
}

/// `--output`, else `$SECUREKEY_FILE` (if set and not empty), else
/// `.securekey/keys.json`.
#[must_use]
pub fn default_path(output: Option<&Path>) -> PathBuf {
    if let Some(path) = output {
        return path.to_owned();
    }
    match std::env::var_os(FILE_VAR) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(DEFAULT_PATH),
    }
}

/// Numbers temp files within one process.
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Removes the temp file unless it was renamed into place.
struct TempGuard<'a>(Option<&'a Path>);

impl Drop for TempGuard<'_> {
    fn drop(&mut self) {
        if let Some(path) = self.0 {
            let _ = fs::remove_file(path);
        }
    }
}

fn write_atomic(path: &Path, content: &[u8]) -> Result<(), Error> {
    let err = |e| Error::Write(path.to_owned(), e);
    let file_name = path.file_name().ok_or_else(|| {
        err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path names no file",
        ))
    })?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => return Err(Error::Symlink(path.to_owned())),
        Ok(meta) if meta.is_dir() => {
            return Err(err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a directory",
            )));
        }
        _ => {}
    }
    if !dir.exists() {
        DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(&dir)
            .map_err(err)?;
        // The mode above is masked by the umask; the folder must be 0700.
        fs::set_permissions(&dir, Permissions::from_mode(DIR_MODE)).map_err(err)?;
    }

    // Unique per process and per call, so concurrent writers (two dynos'
    // boot scripts never share a disk, but two processes in one can) never
    // share a temp file; `create_new` (O_EXCL) never follows a symlink.
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        file_name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(&tmp)
        .map_err(err)?;
    let mut guard = TempGuard(Some(&tmp));
    // The umask may have taken bits away; set exactly 0600.
    file.set_permissions(Permissions::from_mode(FILE_MODE))
        .map_err(err)?;
    file.write_all(content).map_err(err)?;
    drop(file);
    // rename(2) replaces a symlink that appeared since the check above
    // rather than following it.
    fs::rename(&tmp, path).map_err(err)?;
    guard.0 = None;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
    const B: &str = "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";

    fn file() -> KeyFile {
        let mut f = KeyFile::new();
        f.insert(
            "SECURE_KEY",
            KeyPair::parse(format!("{A},{B}").as_bytes()).unwrap(),
        );
        f
    }

    #[test]
    fn round_trip() {
        let f = file();
        let parsed = KeyFile::parse(f.to_json().as_bytes()).unwrap();
        assert_eq!(parsed, f);
        assert_eq!(parsed.get("SECURE_KEY").unwrap().latest().expose(), A);
    }

    #[test]
    fn parse_refuses_tampering_without_quoting_keys() {
        let json = file().to_json();
        for bad in [
            json.replace(A, &A.to_ascii_lowercase()),
            json.replace(&A[..10], "0000000000"),
            json.replace("\"version\":1", "\"version\":2"),
            "{".to_owned(),
        ] {
            let err = KeyFile::parse(bad.as_bytes()).unwrap_err().to_string();
            for key in [A, B] {
                assert!(
                    !err.contains(&key[..8]) && !err.to_ascii_uppercase().contains(&key[8..16]),
                    "{err}"
                );
            }
        }
    }

    #[test]
    fn write_is_0600_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/keys.json");
        file().write(&path).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }
}
