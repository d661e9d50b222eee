//! `lint`: saved environments of several apps side by side, with the
//! cross-app checks (`copied`, `swapped`). Every source is read first;
//! the report is printed once all their secrets are known.

use std::path::Path;

use securekey_cli::env::{self, Env, is_var_name};
use securekey_cli::error::Error;
use securekey_cli::exit::ExitCode;
use securekey_cli::pipeline::{self, Lint, LintSource};
use securekey_cli::redact::Secrets;

use super::{Ended, emit, exit_code, log_notes, start};
use crate::cli::Common;

/// Lints saved environments side by side.
pub(super) fn run(args: &[String], common: &Common, mut secrets: Secrets) -> Ended {
    let sources = match LintSource::parse_all(args) {
        Ok(sources) => sources,
        Err(e) => return start(common, secrets).fail(e),
    };
    let mut lint = Lint::default();
    let mut failed = None;
    for source in &sources {
        let added = read(&source.path).and_then(|env| {
            secrets.extend(pipeline::secrets(&env, &[]));
            secrets.add_words(source.label.as_bytes());
            lint.add(&source.label, &env, common.discover)
        });
        if let Err(e) = added {
            failed = Some(e);
            break;
        }
    }
    let run = start(common, secrets);
    if let Some(e) = failed {
        return run.fail(e);
    }
    let outcome = lint.finish(&common.policy);
    log_notes(&run.printer, &outcome.notes);
    let result = emit(&run.printer, &outcome.report, common).map(|()| exit_code(&outcome.report));
    Ended {
        printer: run.printer,
        result: result.map(|code: ExitCode| code),
    }
}

/// Reads one saved environment: a file, stdin (`-`), or an `ENV_DIR`.
/// A folder holding saved env files (`service-1.env`) is no `ENV_DIR`,
/// whose files are each one config var: lint does not guess which it is.
fn read(path: &Path) -> Result<Env, Error> {
    if path.as_os_str() != "-" && path.is_dir() {
        refuse_a_folder_of_envs(path)?;
        return env::read_env_dir(path);
    }
    env::read_file(path, env::Detect::Strict)
}

fn refuse_a_folder_of_envs(dir: &Path) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::Read(dir.to_owned(), e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let saved_env = entry.file_type().is_ok_and(|t| t.is_file())
            && !is_var_name(name.as_encoded_bytes())
            && Path::new(&name)
                .extension()
                .is_some_and(|e| e == "env" || e == "json");
        if saved_env {
            return Err(Error::Usage(format!(
                "{} is a folder of saved environments ({} is one), not an ENV_DIR (one file per config var); lint each as its own app: securekey lint {}/*",
                dir.display(),
                name.to_string_lossy(),
                dir.display().to_string().trim_end_matches('/')
            )));
        }
    }
    Ok(())
}
