//! Where the binary prints: stdout (the report) and stderr (messages and
//! logs), both through the second guard of SPEC §10, a [`Mask`] of the key
//! vars' values read so far. Whatever else goes wrong, no 8 chars in a row
//! of a key var's value reach either stream.

use std::fmt;
use std::io::{self, Write};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use securekey::redact::{Mask, MaskedWriter};

/// The values the output must never show, as a mask.
static MASK: LazyLock<Mutex<Arc<Mask>>> = LazyLock::new(Mutex::default);

/// Adds values to mask: every checked var's raw value (malformed ones too),
/// as soon as it is read and before anything about it is printed.
pub(crate) fn know<'v>(values: impl IntoIterator<Item = &'v [u8]>) {
    let mut mask = MASK.lock().unwrap_or_else(PoisonError::into_inner);
    // Writers hold a copy of the mask only while they print, so this
    // clones nothing in practice.
    let mask = Arc::make_mut(&mut mask);
    for value in values {
        mask.add_value(value);
    }
}

fn mask() -> Arc<Mask> {
    Arc::clone(&MASK.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Standard output, masked.
pub(crate) fn stdout() -> MaskedWriter<io::StdoutLock<'static>, Arc<Mask>> {
    MaskedWriter::new(io::stdout().lock(), mask())
}

/// Standard error, masked: messages, and tracing-subscriber's writer.
pub(crate) fn stderr() -> MaskedWriter<io::Stderr, Arc<Mask>> {
    MaskedWriter::new(io::stderr(), mask())
}

/// One line on stderr (`securekey: …` messages), masked. A closed stderr
/// loses the line: there is nowhere else to say so.
pub(crate) fn say_line(line: fmt::Arguments<'_>) {
    let mut err = stderr();
    let _ = writeln!(err, "{line}");
    let _ = err.finish();
}

/// `eprintln!`, through the mask: `say!("securekey: …")`.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::say_line(format_args!($($arg)*))
    };
}
pub(crate) use say;
