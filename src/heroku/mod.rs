//! The Heroku Platform API, for `lint --app/--addon`: where it is
//! ([`ApiUrl`], the Heroku CLI's `HEROKU_HOST` rule), what it said
//! ([`crate::facts`], plain data for the live checks, which live below them), and, with the `live`
//! feature, the token ([`token`]), the HTTP client ([`client`]) and the
//! read itself ([`live`]).
//!
//! Nothing here runs unless `lint` is given `--app` or `--addon`: no TLS
//! set-up, no token lookup, on the boot path (docs/performance.md).

pub mod client;
pub mod live;
pub mod time;
pub mod token;

/// The API's default host.
pub const DEFAULT_API_URL: &str = "https://api.heroku.com";

/// The domains the Heroku CLI accepts in `HEROKU_HOST`.
const HEROKU_DOMAINS: [&str; 4] = [
    "heroku.com",
    "herokai.com",
    "herokuspace.com",
    "herokudev.com",
];

/// Where the Platform API is, and the `~/.netrc` machine that holds its
/// token there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiUrl {
    /// The base URL, without a trailing `/`.
    pub base: String,
    /// The `~/.netrc` machine: `api.heroku.com`, or the custom host.
    pub netrc_machine: String,
    /// A `HEROKU_HOST` that was set but not used (not a Heroku domain nor
    /// this machine): the CLI warns and uses the default, and so do we.
    pub ignored_host: bool,
}

impl ApiUrl {
    /// `HEROKU_HOST` by the Heroku CLI's rule (`@heroku-cli/command`'s
    /// `vars.js`): a value starting with `http` is the API URL itself,
    /// anything else is a host with `api.` in front; unset or empty, the
    /// default. Like the CLI, a host outside Heroku's domains is ignored,
    /// so the token is never sent to another site; stricter than the CLI,
    /// `localhost` and `127.0.0.1` count only as the URL's host itself
    /// (the CLI accepts any value that contains them).
    #[must_use]
    pub fn from_host(host: Option<&str>) -> Self {
        let default = ApiUrl {
            base: DEFAULT_API_URL.to_owned(),
            netrc_machine: "api.heroku.com".to_owned(),
            ignored_host: false,
        };
        let Some(host) = host.map(str::trim).filter(|h| !h.is_empty()) else {
            return default;
        };
        if !is_allowed(host) {
            return ApiUrl {
                ignored_host: true,
                ..default
            };
        }
        if host.starts_with("http") {
            let authority = host
                .split_once("://")
                .map_or(host, |(_, rest)| rest)
                .split('/')
                .next()
                .unwrap_or_default();
            ApiUrl {
                base: host.trim_end_matches('/').to_owned(),
                netrc_machine: authority.to_owned(),
                ignored_host: false,
            }
        } else {
            ApiUrl {
                base: format!("https://api.{host}"),
                netrc_machine: format!("api.{host}"),
                ignored_host: false,
            }
        }
    }
}

/// A Heroku domain, or this machine.
fn is_allowed(host: &str) -> bool {
    let clean = host
        .strip_prefix("https://")
        .or_else(|| host.strip_prefix("http://"))
        .unwrap_or(host);
    let authority = clean.split('/').next().unwrap_or_default();
    // `host:port`, or `[::1]:port`.
    let name = match authority.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => authority,
    };
    let name = name.to_ascii_lowercase();
    HEROKU_DOMAINS
        .iter()
        .any(|d| name == *d || name.ends_with(&format!(".{d}")))
        || matches!(name.as_str(), "localhost" | "127.0.0.1" | "[::1]")
}

/// An app name or id fit for a URL path: a Heroku app name, or a UUID.
#[must_use]
pub fn is_app_ident(name: &str) -> bool {
    crate::redact::is_heroku_app_name(name) || is_uuid(name)
}

/// An add-on name or id fit for a URL path: letters, digits, `-` and `_`
/// (`securekey-solid-14332`, or a UUID), at most 100 chars.
#[must_use]
pub fn is_addon_ident(name: &str) -> bool {
    (1..=100).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heroku_host_by_the_clis_rule() {
        let url = |h: Option<&str>| ApiUrl::from_host(h);
        assert_eq!(url(None).base, "https://api.heroku.com");
        assert_eq!(url(Some("")).base, "https://api.heroku.com");
        let local = url(Some("http://127.0.0.1:5000/"));
        assert_eq!(local.base, "http://127.0.0.1:5000");
        assert_eq!(local.netrc_machine, "127.0.0.1:5000");
        let staging = url(Some("staging.herokudev.com"));
        assert_eq!(staging.base, "https://api.staging.herokudev.com");
        assert_eq!(staging.netrc_machine, "api.staging.herokudev.com");
        assert_eq!(
            url(Some("https://api.heroku.com")).base,
            "https://api.heroku.com"
        );
        for other in [
            "evil.example",
            "http://evil.example/127.0.0.1",
            "https://heroku.com.evil.example",
        ] {
            let u = url(Some(other));
            assert!(u.ignored_host, "{other}");
            assert_eq!(u.base, DEFAULT_API_URL);
        }
    }

    #[test]
    fn idents() {
        assert!(is_app_ident("service-1"));
        assert!(is_app_ident("01234567-89ab-cdef-0123-456789abcdef"));
        assert!(!is_app_ident("../x"));
        assert!(is_addon_ident("securekey-solid-14332"));
        assert!(!is_addon_ident("a/b"));
        assert!(!is_addon_ident(""));
    }
}
