//! Heroku's `ENV_DIR`: one file per config var, as `bin/compile` gets it.

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use super::{Env, Var, is_var_name, label};
use crate::error::Error;
use crate::input;

/// Reads Heroku's `ENV_DIR`: one regular file per config var, the file name
/// is the name and the content the value (Heroku writes no trailing
/// newline, so one that is there is part of the value). Entries that are not
/// regular files, or whose names are not var names, are skipped.
///
/// # Errors
/// The directory cannot be listed, a file in it cannot be read, or it holds
/// more than [`input::MAX_VARS`] vars or [`input::MAX_INPUT_BYTES`] in all.
pub fn read_env_dir(dir: &Path) -> Result<Env, Error> {
    let entries = fs::read_dir(dir).map_err(|e| Error::Read(dir.to_owned(), e))?;
    let mut vars = Vec::new();
    let mut notes = Vec::new();
    let mut total: u64 = 0;
    for entry in entries {
        let entry = entry.map_err(|e| Error::Read(dir.to_owned(), e))?;
        let name = OsString::into_vec(entry.file_name());
        let path: PathBuf = entry.path();
        let file_type = entry
            .file_type()
            .map_err(|e| Error::Read(path.clone(), e))?;
        if !file_type.is_file() || !is_var_name(&name) {
            notes.push(format!("skipping {}: not a config var file", label(&path)));
            continue;
        }
        if vars.len() == input::MAX_VARS {
            return Err(Error::TooManyVars(dir.to_owned(), input::MAX_VARS));
        }
        // One cap for the whole folder, not one per file: sixteen sparse
        // 60 MB files would otherwise be read in full.
        let left = input::MAX_INPUT_BYTES - total;
        let value = input::read(&path, input::Kind::FileOrStream, left).map_err(|e| match e {
            Error::TooLarge(..) => Error::TooLarge(dir.to_owned(), input::MAX_INPUT_BYTES),
            other => other,
        })?;
        total += value.len() as u64;
        vars.push(Var { name, value });
    }
    // read_dir's order is the filesystem's; sort for a stable report.
    vars.sort_by(|a, b| a.name.cmp(&b.name));
    let mut env = Env::new(label(dir), vars);
    env.notes = notes;
    Ok(env)
}
