//! Where the binary prints: stdout (the report) and stderr (messages and
//! logs), each through the run's [`Printer`]'s last guard. A run makes its
//! printer once its secrets are known, so nothing reaches either stream
//! before that: the logger is set up with the printer, and events before
//! it have no subscriber.
//!
//! stderr is guarded in batches at least as large as the secrets (64 KiB
//! at the least): one read of the secrets per batch keeps `-v` on 10,000
//! key vars linear. `main` calls [`finish`] last, which writes what is
//! held.

use std::io::{self, Write};
use std::sync::{Mutex, PoisonError};

use securekey_cli::redact::Printer;

/// stderr not yet written.
static HELD: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Writes a report (or other data) on stdout. A closed pipe
/// (`securekey check | head`) is the reader's choice, not an error.
///
/// # Errors
/// Writing failed otherwise.
pub(crate) fn stdout(p: &Printer, text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out
        .write_all(&p.guard(text.as_bytes()))
        .and_then(|()| out.flush())
    {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Adds text already shown through the printer to stderr, written once
/// the batch is large enough.
pub(crate) fn stderr(p: &Printer, bytes: &[u8]) {
    let mut held = HELD.lock().unwrap_or_else(PoisonError::into_inner);
    held.extend_from_slice(bytes);
    if held.len() >= p.secrets().bytes().max(64 * 1024) {
        write_held(p, &mut held);
    }
}

fn write_held(p: &Printer, held: &mut Vec<u8>) {
    // A closed stderr loses it: there is nowhere else to say so.
    let _ = io::stderr().lock().write_all(&p.guard(held));
    held.clear();
}

/// Writes what stderr holds. `main` calls it last.
pub(crate) fn finish(p: &Printer) {
    write_held(p, &mut HELD.lock().unwrap_or_else(PoisonError::into_inner));
}

/// stderr for the logger: each event held with the messages, in order.
pub(crate) struct Stderr(pub(crate) Printer);

impl Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        stderr(&self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
