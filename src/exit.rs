//! Exit codes, named in one place.

/// What the process tells its caller (release phase, boot script, CI).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExitCode {
    /// No errors (warnings allowed unless `--strict`).
    #[default]
    Ok = 0,
    /// Errors found in the keys, or warnings under `--strict`.
    Findings = 1,
    /// Usage, configuration or I/O failure: nothing was checked, or nothing
    /// could be written.
    Failure = 2,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::ExitCode;

    #[test]
    fn codes_are_documented_values() {
        assert_eq!(ExitCode::Ok as u8, 0);
        assert_eq!(ExitCode::Findings as u8, 1);
        assert_eq!(ExitCode::Failure as u8, 2);
    }
}
