//! Where the binary prints: stdout (the report) and stderr (messages and
//! logs), both through the second guard of SPEC §10, a [`Mask`] of the key
//! vars' values read so far. Whatever else goes wrong, no 8 chars in a row
//! of a key var's value reach either stream.
//!
//! stderr is one writer for the whole run, shared by messages and the
//! logger: past a few hundred key vars the mask screens output in batches
//! (one pass over the key material per batch), and a writer per line would
//! make `-v` on a big env quadratic. `main` calls [`finish`] before it
//! exits, which writes what is still held.

use std::fmt;
use std::io::{self, Write};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

use securekey_cli::redact::{Mask, MaskedWriter};

/// The values the output must never show, as a mask.
static MASK: LazyLock<Mutex<Arc<Mask>>> = LazyLock::new(Mutex::default);

/// The run's stderr, made on first use with the mask of that moment.
static STDERR: Mutex<Option<MaskedWriter<io::Stderr, Arc<Mask>>>> = Mutex::new(None);

/// stderr held back while `lint` reads its sources (see [`hold_stderr`]).
static HELD: Mutex<Option<Vec<u8>>> = Mutex::new(None);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while printing poisons nothing worth refusing to print for.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Adds values to mask: every key var's raw value (malformed ones too), as
/// soon as it is read and before anything about it is printed.
pub(crate) fn know<'v>(values: impl IntoIterator<Item = &'v [u8]>) {
    // What stderr holds was written before these values were known; it
    // goes out with the mask it was written under, and the next line
    // starts a writer with the new one.
    finish_stderr();
    let mut mask = lock(&MASK);
    let mask = Arc::make_mut(&mut mask);
    for value in values {
        mask.add_value(value);
    }
}

fn mask() -> Arc<Mask> {
    Arc::clone(&lock(&MASK))
}

/// Standard output, masked: one writer for the report.
pub(crate) fn stdout() -> MaskedWriter<io::StdoutLock<'static>, Arc<Mask>> {
    MaskedWriter::new(io::stdout().lock(), mask())
}

/// The run's standard error, masked: messages, and tracing-subscriber's
/// writer (`with_writer(output::stderr)`).
pub(crate) fn stderr() -> Stderr {
    Stderr
}

/// A handle to the run's stderr writer.
pub(crate) struct Stderr;

impl Stderr {
    fn with<R>(f: impl FnOnce(&mut MaskedWriter<io::Stderr, Arc<Mask>>) -> R) -> R {
        let mut writer = lock(&STDERR);
        f(writer.get_or_insert_with(|| MaskedWriter::new(io::stderr(), mask())))
    }
}

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(held) = lock(&HELD).as_mut() {
            held.extend_from_slice(buf);
            return Ok(buf.len());
        }
        Stderr::with(|w| w.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        Stderr::with(Write::flush)
    }
}

/// One line on stderr (`securekey: …` messages), masked. A closed stderr
/// loses the line: there is nowhere else to say so.
pub(crate) fn say_line(line: fmt::Arguments<'_>) {
    let mut err = stderr();
    let _ = writeln!(err, "{line}");
    let _ = err.flush();
}

fn finish_stderr() {
    if let Some(mut writer) = lock(&STDERR).take() {
        // Nowhere to report a closed stderr.
        let _ = writer.finish();
    }
}

/// Holds stderr back until [`release_stderr`]: `lint` logs about one app
/// before it has read the next, whose key values the mask must know too
/// (a name in one app may hold a piece of another's key).
pub(crate) fn hold_stderr() {
    *lock(&HELD) = Some(Vec::new());
}

/// Writes what stderr held, through the mask as it now is.
pub(crate) fn release_stderr() {
    let held = lock(&HELD).take();
    if let Some(held) = held {
        finish_stderr();
        let mut err = stderr();
        // Nowhere to report a closed stderr.
        let _ = err.write_all(&held);
        let _ = err.flush();
    }
}

/// Writes whatever stderr still holds. `main` calls it last.
pub(crate) fn finish() {
    release_stderr();
    finish_stderr();
}

/// `eprintln!`, through the mask: `say!("securekey: …")`.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::say_line(format_args!($($arg)*))
    };
}
pub(crate) use say;
