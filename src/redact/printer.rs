//! The one step where untrusted text becomes output: [`Printer`], made
//! once the run's secrets are all known.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use super::escape::{shortened, terminal};
use super::secrets::Secrets;

/// Prints untrusted text (names, labels, paths, messages that hold them)
/// with the run's secrets redacted, escaped for its medium, and guards
/// finished output once more. Only made from a complete [`Secrets`]: a
/// run learns its secrets first, then prints.
#[derive(Clone, Debug)]
pub struct Printer {
    secrets: Arc<Secrets>,
    /// Texts that could hold a window of a secret, redacted: a report
    /// redacts all of its texts in one batch ([`Printer::prepare`]), not
    /// one read of the secrets per field.
    redacted: Arc<Mutex<HashMap<String, String>>>,
}

impl Printer {
    /// A printer for a run whose secrets are `secrets`.
    #[must_use]
    pub fn new(secrets: Secrets) -> Self {
        Printer {
            secrets: Arc::new(secrets),
            redacted: Arc::default(),
        }
    }

    /// The secrets it guards.
    #[must_use]
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// Redacts, in one batch, the texts about to be printed.
    pub fn prepare<'a>(&self, texts: impl IntoIterator<Item = &'a str>) {
        let mut cache = self.redacted.lock().unwrap_or_else(PoisonError::into_inner);
        let todo: Vec<&str> = texts
            .into_iter()
            .filter(|t| !cache.contains_key(*t) && self.secrets.may_hold(t.as_bytes()))
            .collect();
        for (text, redacted) in todo.iter().zip(self.secrets.redact_all(&todo)) {
            cache.insert((*text).to_owned(), redacted.into_owned());
        }
    }

    /// `text`, redacted (from the batch when it was prepared).
    fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.secrets.may_hold(text.as_bytes()) {
            return self.secrets.redact(text);
        }
        self.prepare([text]);
        let cache = self.redacted.lock().unwrap_or_else(PoisonError::into_inner);
        Cow::Owned(cache.get(text).cloned().unwrap_or_default())
    }

    /// A name, label or path in a field of a report line: redacted,
    /// shortened, escaped for a terminal.
    #[must_use]
    pub fn field(&self, text: &str) -> String {
        terminal(&shortened(&self.redact(text))).into_owned()
    }

    /// A message or a log line (which may hold names and paths): redacted
    /// and escaped for a terminal, not shortened.
    #[must_use]
    pub fn line(&self, text: &str) -> String {
        terminal(&self.redact(text)).into_owned()
    }

    /// A path, as [`Printer::line`] shows it (bytes that are not UTF-8 as
    /// U+FFFD).
    #[must_use]
    pub fn path(&self, path: &Path) -> String {
        self.line(&path.to_string_lossy())
    }

    /// A name, label or path for JSON: redacted and shortened;
    /// `serde_json` escapes it.
    #[must_use]
    pub fn json(&self, text: &str) -> String {
        shortened(&self.redact(text)).into_owned()
    }

    /// A message for JSON: redacted; `serde_json` escapes it.
    #[must_use]
    pub fn json_line(&self, text: &str) -> String {
        self.redact(text).into_owned()
    }

    /// The last guard, over finished output (a report, a batch of log
    /// events): bytes of any window of a secret masked.
    #[must_use]
    pub fn guard<'a>(&self, out: &'a [u8]) -> Cow<'a, [u8]> {
        match self.secrets.mask(out) {
            Some(masked) => Cow::Owned(masked),
            None => Cow::Borrowed(out),
        }
    }
}
