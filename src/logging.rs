//! Logs (tracing) on stderr, filtered by `-v`/`-q` or `SECUREKEY_LOG`,
//! written by tracing-subscriber's `fmt` layer through the run's printer.
//! Set up once the run's secrets are known; nothing logged holds key
//! material: only names, ids and counts.

use securekey_cli::commands::{Options, print};
use securekey_cli::pipeline::{Level, Note};
use securekey_cli::redact::Printer;
use tracing::level_filters::LevelFilter;

use crate::output::Stderr;

/// The log level: `-q` errors only, `-v` debug, `-vv` trace, else
/// `SECUREKEY_LOG`, else warnings.
pub(crate) fn level(options: &Options, setting: Option<&str>) -> LevelFilter {
    match (options.quiet, options.verbose) {
        (true, _) => LevelFilter::ERROR,
        (false, 1) => LevelFilter::DEBUG,
        (false, 2..) => LevelFilter::TRACE,
        (false, 0) => setting
            .and_then(|v| v.trim().parse::<LevelFilter>().ok())
            .unwrap_or(LevelFilter::WARN),
    }
}

/// Sets up the logger: one line per event on stderr, no timestamps (the
/// platform's log router adds its own), ANSI colour only when `color`.
pub(crate) fn init(level: LevelFilter, color: bool, printer: &Printer) {
    let printer = printer.clone();
    // Only fails if a subscriber is already set, which nothing else does.
    let _ = tracing_subscriber::fmt()
        .with_writer(move || Stderr(printer.clone()))
        .with_max_level(level)
        .without_time()
        .with_target(false)
        .with_ansi(color)
        .try_init();
}

/// Logs the run's notes at `level` and above, shown in one batch.
pub(crate) fn notes(p: &Printer, notes: &[Note], level: LevelFilter) {
    let Some(max) = level.into_level() else {
        return;
    };
    for (level, line) in print::note_lines(p, notes, max) {
        match level {
            Level::ERROR => tracing::error!("{line}"),
            Level::WARN => tracing::warn!("{line}"),
            Level::INFO => tracing::info!("{line}"),
            Level::DEBUG => tracing::debug!("{line}"),
            Level::TRACE => tracing::trace!("{line}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn common(quiet: bool, verbose: u8) -> Options {
        Options {
            discover: true,
            quiet,
            verbose,
            ..Options::default()
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
