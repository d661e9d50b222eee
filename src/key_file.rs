//! Writing the key file (docs/heroku.md, "The key file"): the only code that writes files. Its
//! format and reader are the `securekey` crate's ([`KeyFile`]).
//!
//! Written at dyno boot so the app reads keys that the release phase never
//! saw (add-on rotations skip it). All or nothing: a temp file in the same
//! folder, mode 0600, renamed over the path. Only a regular file (or
//! nothing) is ever replaced: a symlink, folder, FIFO, device or socket at
//! the path is refused and left as it is; the temp file is removed on
//! every failure.
//!
//! Nothing is fsynced. A dyno's disk is ephemeral and the file is rewritten
//! at every boot, so after a crash there is no old file worth keeping whole:
//! the next boot writes it again. An fsync would buy nothing and cost every
//! boot 0.4 ms here, up to 14 ms on a loaded disk. The rename alone keeps
//! readers from ever seeing half a file.

use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use securekey::KeyFile;

use crate::error::Error;

/// The key file's mode.
const FILE_MODE: u32 = 0o600;

/// The mode of a folder the writer creates.
const DIR_MODE: u32 = 0o700;

/// Writes the key file atomically (see the module docs).
///
/// # Errors
/// [`Error::Symlink`] when the path is a symlink, [`Error::Write`] for any
/// I/O failure; in both cases an existing file is untouched and no temp
/// file is left.
pub fn write(file: &KeyFile, path: &Path) -> Result<(), Error> {
    write_atomic(path, file.to_json().as_bytes())
}

/// `--output`, else the one rule of writer and readers alike
/// ([`securekey::default_path`]): `$SECUREKEY_FILE` when set and not
/// empty, else `.securekey/keys.json` under the working directory.
#[must_use]
pub fn path(output: Option<&Path>) -> PathBuf {
    output.map_or_else(securekey::default_path, Path::to_owned)
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
    // Refused before anything is made: no folder, no temp file.
    replaceable(path)?;
    let way = Way::survey(&dir, path)?;
    let created = create_folders(way.missing).map_err(err)?;

    let (tmp, mut file) = create_temp(&dir, file_name).map_err(err)?;
    let mut guard = TempGuard(Some(&tmp));
    // The umask may have taken bits away; set exactly 0600.
    file.set_permissions(Permissions::from_mode(FILE_MODE))
        .map_err(err)?;
    file.write_all(content).map_err(err)?;
    // Owned by the app before it is in place: no moment exists where the
    // app's user finds a complete file it cannot read.
    if let Some((uid, gid)) = hand_over(&file, &way.owner).map_err(err)? {
        for folder in &created {
            // lchown: a folder this run made, never what a link points to.
            std::os::unix::fs::lchown(folder, Some(uid), Some(gid)).map_err(err)?;
        }
        std::os::unix::fs::fchown(&file, Some(uid), Some(gid)).map_err(err)?;
    }
    drop(file);
    // Looked at again, the last thing before the rename: what was there
    // when the run began may have been swapped while the file was written.
    //
    // The race that remains is the few instructions between this lstat and
    // rename(2). Closing it takes renameat2(RENAME_EXCHANGE), which std
    // does not offer and `unsafe_code = "forbid"` rules out. Only someone
    // who may write the key file's folder can swap the entry in it, and
    // they could unlink that entry themselves; in a sticky folder (/tmp)
    // they can place only their own entries (no device: mknod needs root;
    // no one else's file: protected_hardlinks). A rename replaces the
    // entry itself, never writes through it: a symlink or device swapped
    // in is unlinked, its target untouched, and a folder makes the rename
    // fail (EISDIR).
    replaceable(path)?;
    fs::rename(&tmp, path).map_err(err)?;
    guard.0 = None;
    Ok(())
}

/// Refuses a key file path that holds anything but a regular file (or
/// nothing): the rename would replace a FIFO, a device (`-o /dev/null` as
/// root), a socket or a symlink with a file of keys. `lstat`, never
/// following a link, and never opening what is there (opening a FIFO
/// blocks). A path that cannot be looked at (a file where a folder should
/// be) is left to the survey and the rename to report.
fn replaceable(path: &Path) -> Result<(), Error> {
    use std::os::unix::fs::FileTypeExt;
    let Ok(meta) = fs::symlink_metadata(path) else {
        return Ok(());
    };
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_symlink() {
        return Err(Error::Symlink(path.to_owned()));
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    };
    Err(Error::NotAFileToReplace(path.to_owned(), what))
}

/// Creates the temp file in `dir`, mode 0600 before the umask. The name is
/// unique per process, per call and by chance, so concurrent writers (two
/// processes in one dyno) never share one, and a temp file left by a boot
/// that was killed (a restarted container reuses its pids) never blocks the
/// next: a name taken is tried again with another. `create_new` (`O_EXCL`)
/// never follows a symlink.
fn create_temp(dir: &Path, file_name: &std::ffi::OsStr) -> std::io::Result<(PathBuf, fs::File)> {
    use std::hash::{BuildHasher, RandomState};
    let chance = RandomState::new();
    let mut tries = 0u32;
    loop {
        let tmp = dir.join(format!(
            ".{}.tmp-{}-{}-{:08x}",
            file_name.to_string_lossy(),
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            chance.hash_one(tries) & 0xffff_ffff
        ));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .open(&tmp)
        {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 16 => tries += 1,
            other => return other.map(|file| (tmp, file)),
        }
    }
}

/// The way to the key file's folder, from one `lstat` of each of its
/// ancestors (the folder included).
struct Way {
    /// The folders to create, innermost first.
    missing: Vec<PathBuf>,
    /// The owner of the nearest folder that exists ($HOME, when the key
    /// file's folder is new): who the app is.
    owner: fs::Metadata,
}

impl Way {
    /// Walks up from `dir`. Refuses a symlink on the way that neither root
    /// nor the writer made: under Dokku the writer runs as root in a
    /// `$HOME` the app's user owns, and a link that user planted
    /// (`~/.securekey -> /etc/x`) would send root's write, and the keys,
    /// anywhere. Errors name the key file's `path`.
    fn survey(dir: &Path, path: &Path) -> Result<Self, Error> {
        use std::os::unix::fs::MetadataExt;
        let err = |e| Error::Write(path.to_owned(), e);
        let mut missing = Vec::new();
        let mut nearest: Option<(&Path, fs::Metadata)> = None;
        // Why the walk could not see past a folder it cannot read (no
        // search permission, a file where a folder should be).
        let mut blocked = None;
        // The writer's user, asked only when a symlink someone other than
        // root made is on the way (a path without one costs no syscall).
        let mut writer = None;
        for at in dir.ancestors().filter(|a| !a.as_os_str().is_empty()) {
            match fs::symlink_metadata(at) {
                Ok(meta) => {
                    if meta.file_type().is_symlink() && meta.uid() != 0 {
                        // /proc/self belongs to the process's effective user.
                        let writer = *writer.get_or_insert_with(|| {
                            fs::metadata("/proc/self").map(|m| m.uid()).ok()
                        });
                        if Some(meta.uid()) != writer {
                            return Err(Error::ForeignSymlink(at.to_owned()));
                        }
                    }
                    if nearest.is_none() && blocked.is_none() {
                        nearest = Some((at, meta));
                    }
                }
                Err(_) if nearest.is_some() || blocked.is_some() => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(at.to_owned()),
                Err(e) => blocked = Some(e),
            }
        }
        if let Some(e) = blocked {
            return Err(err(e));
        }
        let owner = match nearest {
            // A link (root's or the writer's): the owner is its target's.
            Some((at, meta)) if meta.file_type().is_symlink() => fs::metadata(at),
            Some((_, meta)) => Ok(meta),
            // A relative path none of whose folders exist yet.
            None => fs::metadata("."),
        };
        Ok(Self {
            missing,
            owner: owner.map_err(err)?,
        })
    }
}

/// Creates the `missing` folders (innermost first), each 0700 whatever the
/// umask, and returns the ones it created, outermost first.
fn create_folders(missing: Vec<PathBuf>) -> std::io::Result<Vec<PathBuf>> {
    let mut created = Vec::with_capacity(missing.len());
    for folder in missing.into_iter().rev() {
        match DirBuilder::new().mode(DIR_MODE).create(&folder) {
            // Another writer made it first: it is not ours to hand over.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            other => other?,
        }
        // The mode above is masked by the umask; the folder must be 0700.
        fs::set_permissions(&folder, Permissions::from_mode(DIR_MODE))?;
        created.push(folder);
    }
    Ok(created)
}

/// The owner to give what this run creates: the app's, when the writer
/// runs as root for an app that runs as another user (Dokku and herokuish
/// source `.profile.d` as root, then start the app as its own user). `None`
/// when the writer is the app's user already, or is not root (it could not
/// give files away).
fn hand_over(tmp: &fs::File, app: &fs::Metadata) -> std::io::Result<Option<(u32, u32)>> {
    use std::os::unix::fs::MetadataExt;
    // A new file belongs to the writer: its owner is who we are.
    let writer = tmp.metadata()?.uid();
    Ok((writer == 0 && app.uid() != 0).then(|| (app.uid(), app.gid())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use securekey::KeyPair;

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
    fn write_is_0600_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/keys.json");
        write(&file(), &path).unwrap();
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
