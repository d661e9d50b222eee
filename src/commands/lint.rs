//! `lint`: saved environments of several apps side by side, with the
//! cross-app checks (`copied`, `swapped`).

use securekey_cli::env;
use securekey_cli::error::Error;
use securekey_cli::pipeline::{Lint, LintSource};
use securekey_cli::report::Report;

use super::Common;
use crate::output;

/// Lints saved environments side by side.
pub(super) fn run(sources: &[String], common: &Common) -> Result<Report, Error> {
    let mut lint = Lint::default();
    // Logs about one app wait for the mask to know every app's keys.
    output::hold_stderr();
    for arg in sources {
        let source = LintSource::parse(arg);
        let path = &source.path;
        let env = if path.as_os_str() != "-" && path.is_dir() {
            env::read_env_dir(path)?
        } else {
            env::read_file(path, env::Detect::Strict)?
        };
        lint.add(&source, &env, common.discover, &mut |values| {
            output::know(values);
        })?;
    }
    output::release_stderr();
    Ok(lint.finish(&common.policy))
}
