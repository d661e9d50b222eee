//! Heroku's `ENV_DIR`: one file per config var, as `bin/compile` gets it.

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use super::{Env, Var, is_var_name, label, read_input};
use crate::error::Error;

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
