//! App names for the fix commands a report suggests (`heroku … -a <app>`):
//! nothing a shell would run lands in a command a user will paste.

/// What a fix command says where the app name is not fit to print.
pub const APP_PLACEHOLDER: &str = "<app>";

/// Heroku's rule for app names: 3 to 30 lowercase letters, digits and
/// dashes, starting with a letter and ending with a letter or a digit.
#[must_use]
pub fn is_heroku_app_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=30).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// The app for a fix command: the name when it is a Heroku app name, else
/// [`APP_PLACEHOLDER`].
#[must_use]
pub fn app_or_placeholder(app: Option<&str>) -> &str {
    match app {
        Some(name) if is_heroku_app_name(name) => name,
        _ => APP_PLACEHOLDER,
    }
}

/// `-a NAME` for a fix command, or `-a <app>` (see [`app_or_placeholder`]).
#[must_use]
pub fn app_flag(app: Option<&str>) -> String {
    format!("-a {}", app_or_placeholder(app))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_names() {
        for good in [
            "service-1",
            "abc",
            "sleepy-reef-39125",
            "abcdefghijklmnopqrstuvwxyz1234",
        ] {
            assert!(is_heroku_app_name(good), "{good}");
            assert_eq!(app_flag(Some(good)), format!("-a {good}"));
        }
        for bad in [
            "",
            "ab",
            "1app",
            "-app",
            "app-",
            "App",
            "abcdefghijklmnopqrstuvwxyz12345",
            "x;touch /tmp/p #",
            "$(id)",
            "a b",
            "app\n",
            "my_app",
        ] {
            assert!(!is_heroku_app_name(bad), "{bad:?}");
            assert_eq!(app_flag(Some(bad)), "-a <app>");
        }
        assert_eq!(app_flag(None), "-a <app>");
    }
}
