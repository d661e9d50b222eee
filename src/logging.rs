//! Logs (tracing) on stderr, filtered by `-v`/`-q` or `SECUREKEY_LOG`.
//! Nothing logged anywhere holds key material: only names, ids and counts.

use std::io::{self, IsTerminal};

use tracing::level_filters::LevelFilter;

use crate::cli::Common;

/// The setting that sets the log level.
const LOG_VAR: &str = "SECUREKEY_LOG";

pub(crate) fn init(common: &Common) {
    let level = match (common.quiet, common.verbose) {
        (true, _) => LevelFilter::ERROR,
        (false, 1) => LevelFilter::DEBUG,
        (false, 2..) => LevelFilter::TRACE,
        (false, 0) => std::env::var(LOG_VAR)
            .ok()
            .and_then(|v| v.trim().parse::<LevelFilter>().ok())
            .unwrap_or(LevelFilter::WARN),
    };
    let color = crate::commands::color_for(&io::stderr()) && io::stderr().is_terminal();
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(io::stderr)
        .with_ansi(color)
        .without_time()
        .with_target(false)
        .try_init();
}
