//! Reading what the user hands in, within caps. Every byte securekey reads
//! from a file or stdin comes through here, so memory stays a small
//! multiple of the input and under the caps, whatever the input (docs/performance.md:
//! never above a standard dyno's 512 MiB), and past a cap the run stops
//! with a clear error (exit 2).

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use crate::error::Error;

/// The most read from one file or stdin, and from one `ENV_DIR` in all.
/// Heroku caps all of an app's config vars together at 64 KiB, so this is
/// generous; it only keeps a hostile input from taking the dyno's memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The most config vars in one environment. A 64 KiB Heroku config holds
/// at most about 16,000; a million vars cost about 150 MiB of bookkeeping
/// (a 64 MiB input of empty vars would otherwise make 20 million).
pub const MAX_VARS: usize = 1_000_000;

/// The most read from a settings file (`securekey.json`): a list of names.
pub const MAX_CONFIG_BYTES: u64 = 64 * 1024;

/// What a path may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A saved environment: a file, or a stream (stdin as `-`, a FIFO from
    /// `<(heroku config --json)`, a device).
    FileOrStream,
    /// A settings or key file: a regular file only. A FIFO would block the
    /// boot forever, and a device is no file of settings.
    RegularFile,
}

/// Reads a whole file, or stdin for `-`, up to `cap` bytes.
///
/// # Errors
/// The path cannot be opened or read, is a directory, is not a regular
/// file where one is needed, or holds more than `cap` bytes.
pub fn read(path: &Path, kind: Kind, cap: u64) -> Result<Vec<u8>, Error> {
    let io_err = |e| Error::Read(path.to_owned(), e);
    let content = if path.as_os_str() == "-" && kind == Kind::FileOrStream {
        let (stdin, size) = open_stdin().map_err(|e| match e {
            StdinError::Closed => Error::StdinClosed,
            StdinError::Io(e) => io_err(e),
        })?;
        if size > cap {
            return Err(Error::TooLarge(path.to_owned(), cap));
        }
        read_capped(stdin, cap, size).map_err(|e| {
            if e.raw_os_error() == Some(EBADF) {
                Error::StdinNotReadable
            } else {
                io_err(e)
            }
        })?
    } else {
        // Looked at before it is opened: opening a FIFO blocks until a
        // writer comes, and a sparse file's size is known without reading.
        let meta = fs::metadata(path).map_err(io_err)?;
        if meta.is_dir() {
            return Err(Error::IsADirectory(path.to_owned()));
        }
        if kind == Kind::RegularFile && !meta.is_file() {
            return Err(Error::NotRegularFile(path.to_owned()));
        }
        if meta.is_file() && meta.len() > cap {
            return Err(Error::TooLarge(path.to_owned(), cap));
        }
        let file = fs::File::open(path).map_err(io_err)?;
        read_capped(file, cap, meta.len()).map_err(io_err)?
    };
    content.ok_or_else(|| Error::TooLarge(path.to_owned(), cap))
}

/// `EBADF`, the same number on Linux (every arch) and the BSDs: what a read
/// of a descriptor not open for reading fails with.
const EBADF: i32 = 9;

/// Why stdin cannot be read.
enum StdinError {
    /// Closed, or /dev/null.
    Closed,
    /// Its descriptor could not be duplicated or looked at.
    Io(io::Error),
}

/// stdin as a file of its own, and its size when it is a regular file (a
/// redirect, `< env.json`).
///
/// std hides the two ways stdin can be missing, and a release would pass
/// on input that was never read (`check --env-file - --allow missing <&-`
/// exited 0):
/// - its start-up code opens /dev/null on a closed fd 0 before `main`
///   runs (`sanitize_standard_fds` in std's Unix `init`), so `<&-` reads as
///   an empty file. A stdin that is /dev/null is refused, whoever opened it:
///   `-` means something was piped in, and /dev/null holds no environment
///   (`--env-file /dev/null` stays a path like any other);
/// - `Stdin` reads `EBADF` (fd 0 open only for writing, `0>file`) as end of
///   file (`handle_ebadf` in `std::io::stdio`). A duplicate of fd 0 read as
///   a `File` reports it, without any unsafe code.
fn open_stdin() -> Result<(fs::File, u64), StdinError> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let stdin = io::stdin();
    let fd = stdin.as_fd().try_clone_to_owned().map_err(|e| {
        // Closed after start-up (or std's guard skipped): no descriptor.
        if e.raw_os_error() == Some(EBADF) {
            StdinError::Closed
        } else {
            StdinError::Io(e)
        }
    })?;
    let file = fs::File::from(fd);
    let meta = file.metadata().map_err(StdinError::Io)?;
    let is_null = meta.file_type().is_char_device()
        && fs::metadata("/dev/null").is_ok_and(|null| null.rdev() == meta.rdev());
    if is_null {
        return Err(StdinError::Closed);
    }
    let size = if meta.is_file() { meta.len() } else { 0 };
    Ok((file, size))
}

/// Reads to the end, or `None` as soon as more than `cap` bytes came. The
/// buffer never holds more than `cap` bytes (growing by doubling, as
/// `read_to_end` does, took a `/dev/zero` input to twice the cap).
fn read_capped(mut reader: impl Read, cap: u64, size_hint: u64) -> io::Result<Option<Vec<u8>>> {
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let hint = usize::try_from(size_hint).unwrap_or(usize::MAX);
    let mut buf: Vec<u8> = Vec::with_capacity(hint.min(cap));
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(Some(buf)),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n > cap - buf.len() {
            return Ok(None);
        }
        if buf.capacity() - buf.len() < n {
            let grow = buf.capacity().max(n).min(cap - buf.len());
            buf.reserve_exact(grow);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_the_cap_without_growing_past_it() {
        let zeros = io::repeat(0).take(10_000);
        assert!(read_capped(zeros, 4096, 0).unwrap().is_none());
        let exact = read_capped(&[7u8; 4096][..], 4096, 0).unwrap().unwrap();
        assert_eq!(exact.len(), 4096);
        assert!(exact.capacity() <= 4096);
    }

    #[test]
    fn regular_files_only_where_asked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        fs::write(&file, "x").unwrap();
        assert_eq!(read(&file, Kind::RegularFile, 10).unwrap(), b"x");
        assert!(matches!(
            read(Path::new("/dev/null"), Kind::RegularFile, 10),
            Err(Error::NotRegularFile(_))
        ));
        assert!(matches!(
            read(&file, Kind::RegularFile, 0),
            Err(Error::TooLarge(..))
        ));
        assert!(matches!(
            read(dir.path(), Kind::FileOrStream, 10),
            Err(Error::IsADirectory(_))
        ));
    }
}
