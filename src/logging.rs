//! Logs (tracing) on stderr, filtered by `-v`/`-q` or `SECUREKEY_LOG`,
//! written by tracing-subscriber's `fmt` layer through the run's printer.
//! Set up once the run's secrets are known; nothing logged holds key
//! material: only names, ids and counts.

use securekey_cli::redact::Printer;
use tracing::level_filters::LevelFilter;

use crate::cli::Common;
use crate::output::Stderr;

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

/// Sets up the logger: one line per event on stderr, no timestamps (the
/// platform's log router adds its own), ANSI colour only when `color`.
pub(crate) fn init(common: &Common, color: bool, printer: &Printer) {
    let setting = std::env::var(LOG_VAR).ok();
    let printer = printer.clone();
    // Only fails if a subscriber is already set, which nothing else does.
    let _ = tracing_subscriber::fmt()
        .with_writer(move || Stderr(printer.clone()))
        .with_max_level(level(common, setting.as_deref()))
        .without_time()
        .with_target(false)
        .with_ansi(color)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use securekey_cli::report::{OutputFormat, Policy};

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
