//! Logs (tracing) on stderr, filtered by `-v`/`-q` or `SECUREKEY_LOG`.
//! Nothing logged anywhere holds key material: only names, ids and counts.
//!
//! The subscriber is this file's own, not tracing-subscriber's: the program
//! has no spans and logs a handful of events, and setting up
//! tracing-subscriber's registry was a tenth of every run's cost (SPEC §9:
//! the binary runs at every dyno boot).

use std::fmt::{self, Write as _};
use std::io::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

use crate::cli::Common;

/// The setting that sets the log level.
const LOG_VAR: &str = "SECUREKEY_LOG";

/// The log level: `-q` errors only, `-v` debug, `-vv` trace, else
/// `SECUREKEY_LOG`, else warnings.
pub(crate) fn level(common: &Common, setting: Option<&str>) -> LevelFilter {
    match (common.quiet, common.verbose) {
        (true, _) => LevelFilter::ERROR,
        (false, 1) => LevelFilter::DEBUG,
        (false, 2..) => LevelFilter::TRACE,
        (false, 0) => setting
            .and_then(|v| v.trim().parse::<LevelFilter>().ok())
            .unwrap_or(LevelFilter::WARN),
    }
}

pub(crate) fn init(common: &Common) {
    let setting = std::env::var(LOG_VAR).ok();
    let logger = StderrLogger {
        max: level(common, setting.as_deref()),
        color: crate::commands::color_for(&io::stderr()),
    };
    // Only fails if a subscriber is already set, which nothing else does.
    let _ = tracing::subscriber::set_global_default(logger);
}

/// One line per event on stderr: `LEVEL message field=value …`.
struct StderrLogger {
    max: LevelFilter,
    color: bool,
}

impl StderrLogger {
    fn label(&self, level: Level) -> String {
        let (name, code) = match level {
            Level::ERROR => ("ERROR", "31"),
            Level::WARN => (" WARN", "33"),
            Level::INFO => (" INFO", "32"),
            Level::DEBUG => ("DEBUG", "34"),
            Level::TRACE => ("TRACE", "35"),
        };
        if self.color {
            format!("\x1b[{code}m{name}\x1b[0m")
        } else {
            name.to_owned()
        }
    }
}

/// Collects an event's message and fields into one line.
struct Line(String);

impl Visit for Line {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value}");
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

impl Subscriber for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= self.max
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(self.max)
    }

    // securekey opens no spans; these keep the trait's contract anyway.
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = Line(self.label(*event.metadata().level()));
        event.record(&mut line);
        line.0.push('\n');
        // Logging must never fail the run; a closed stderr loses the line.
        let _ = io::stderr().lock().write_all(line.0.as_bytes());
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use securekey::report::{OutputFormat, Policy};

    fn common(quiet: bool, verbose: u8) -> Common {
        Common {
            format: OutputFormat::Human,
            policy: Policy::default(),
            discover: true,
            quiet,
            verbose,
        }
    }

    #[test]
    fn levels() {
        assert_eq!(level(&common(false, 0), None), LevelFilter::WARN);
        assert_eq!(
            level(&common(false, 0), Some(" debug ")),
            LevelFilter::DEBUG
        );
        assert_eq!(
            level(&common(false, 0), Some("nonsense")),
            LevelFilter::WARN
        );
        assert_eq!(level(&common(false, 1), Some("error")), LevelFilter::DEBUG);
        assert_eq!(level(&common(false, 2), None), LevelFilter::TRACE);
        assert_eq!(level(&common(true, 0), Some("trace")), LevelFilter::ERROR);
    }
}
