//! The Heroku Platform API, for `lint --app/--addon`: where it is
//! ([`api_base`], the Heroku CLI's `HEROKU_HOST` rule), what it said
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

use crate::error::Error;

/// The API's default host.
pub const DEFAULT_API_URL: &str = "https://api.heroku.com";

/// The domains the Heroku CLI sends its token to (`@heroku-cli/command`'s
/// `ALLOWED_HEROKU_DOMAINS`): a host that is one of them or ends in `.` and
/// one of them.
const HEROKU_DOMAINS: [&str; 4] = [
    "heroku.com",
    "herokai.com",
    "herokuspace.com",
    "herokudev.com",
];

/// This machine, by the names the token may go to in clear text (the
/// Heroku CLI's `LOCALHOST_DOMAINS`, plus IPv6's loopback).
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// Where the Platform API is, and the `~/.netrc` machine that holds its
/// token there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiBase {
    /// The base URL, without a trailing `/`: `scheme://host[:port][/path]`,
    /// rebuilt from what the URL parser found (never userinfo, a query or
    /// a fragment).
    pub base: String,
    /// The `~/.netrc` machine: `api.heroku.com`, or the custom host (with
    /// its port), as the Heroku CLI's `apiHost`.
    pub netrc_machine: String,
}

/// `HEROKU_HOST` as the setting's value (`None` or empty: unset) into the
/// API's base URL, by the Heroku CLI's rule (`@heroku-cli/command`'s
/// `vars.ts`): a value starting with `http` is the API URL itself, anything
/// else is a host with `https://api.` in front.
///
/// The URL is parsed by the `http` crate's [`http::Uri`], the parser ureq
/// itself uses to decide where a request goes, so what is checked here is
/// where the token would be sent: no second parser to disagree with it.
/// The token goes only to `https` on a Heroku domain, or to `http` or
/// `https` on this machine ([`LOOPBACK`]). Stricter than the CLI, which
/// warns and falls back to the default: any other value is refused, and so
/// is a value with userinfo, a query or a fragment (which the CLI would
/// pass on, and a hand-made cut once misread as a Heroku host). Pure: the
/// caller reads the setting.
///
/// # Errors
/// [`Error::HerokuHost`]: the value, its credentials shown as `***`, and why.
pub fn api_base(host: Option<&str>) -> Result<ApiBase, Error> {
    let Some(value) = host.filter(|h| !h.is_empty()) else {
        return Ok(ApiBase {
            base: DEFAULT_API_URL.to_owned(),
            netrc_machine: "api.heroku.com".to_owned(),
        });
    };
    let url = if value.starts_with("http") {
        value.to_owned()
    } else {
        format!("https://api.{value}")
    };
    let refuse = |why: &str| {
        Error::HerokuHost(format!(
            "HEROKU_HOST={}: {why}; unset it for https://api.heroku.com, or set a Heroku host (`heroku.com`, `https://api.heroku.com`) or this machine (`http://127.0.0.1:5000`)",
            shown_host(value)
        ))
    };
    // http::Uri drops a fragment without a word: `#` is looked for here,
    // as RFC 3986 has it begin one wherever it stands.
    if url.contains('#') {
        return Err(refuse("a URL with a fragment (`#…`)"));
    }
    let uri: http::Uri = url
        .parse()
        .map_err(|_| refuse("not a URL (`https://HOST[:PORT]`) nor a host"))?;
    let (Some(scheme), Some(authority), Some(host)) =
        (uri.scheme_str(), uri.authority(), uri.host())
    else {
        return Err(refuse("not a URL (`https://HOST[:PORT]`) nor a host"));
    };
    if authority.as_str().contains('@') {
        return Err(refuse(
            "a URL with credentials (`user:password@`): the Platform API takes a token (HEROKU_API_KEY), never a password in the URL",
        ));
    }
    if uri.query().is_some() {
        return Err(refuse("a URL with a query (`?…`)"));
    }
    let host = host.to_ascii_lowercase();
    // The parser's host, with the port it read: anything else in the
    // authority (a port past 65535) is not a place to send the token.
    let port = uri.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
    if !authority
        .as_str()
        .eq_ignore_ascii_case(&format!("{host}{port}"))
    {
        return Err(refuse("not a URL (`https://HOST[:PORT]`) nor a host"));
    }
    let loopback = LOOPBACK.contains(&host.as_str());
    let heroku = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && HEROKU_DOMAINS
            .iter()
            .any(|d| host == *d || host.strip_suffix(d).is_some_and(|s| s.ends_with('.')));
    match scheme {
        "https" if heroku || loopback => {}
        "http" if loopback => {}
        "http" if heroku => {
            return Err(refuse(
                "http:// would send the token in clear text to a remote host; use https://",
            ));
        }
        "http" | "https" => {
            return Err(refuse(
                "not a Heroku domain (heroku.com, herokai.com, herokuspace.com, herokudev.com) nor this machine (localhost, 127.0.0.1, [::1]), so the token is not sent there",
            ));
        }
        _ => return Err(refuse("not an http:// or https:// URL")),
    }
    let path = uri.path().trim_end_matches('/');
    Ok(ApiBase {
        base: format!("{scheme}://{host}{port}{path}"),
        netrc_machine: format!("{host}{port}"),
    })
}

/// A `HEROKU_HOST` value as an error shows it: what stands between the
/// scheme (or the start) and the last `@` is credentials, shown as `***`
/// (as bin/compile masks a download URL). Only for showing: a value whose
/// `@` is not userinfo loses a little more than it needs to, never less.
fn shown_host(value: &str) -> String {
    let start = value.find("://").map_or(0, |i| i + 3);
    match value[start..].rfind('@') {
        Some(at) => format!("{}***{}", &value[..start], &value[start + at..]),
        None => value.to_owned(),
    }
}

/// The secret a `HEROKU_HOST` value may hold, for the output guard: the
/// password of its userinfo (or the whole userinfo when it has no `:`,
/// which may be a token).
#[must_use]
pub fn host_secret(host: Option<&str>) -> Option<&str> {
    let value = host?;
    let start = value.find("://").map_or(0, |i| i + 3);
    let userinfo = &value[start..start + value[start..].rfind('@')?];
    Some(
        userinfo
            .split_once(':')
            .map_or(userinfo, |(_, password)| password),
    )
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
        let ok = |h: &str| api_base(Some(h)).unwrap();
        assert_eq!(api_base(None).unwrap().base, DEFAULT_API_URL);
        assert_eq!(ok("").base, DEFAULT_API_URL);
        let local = ok("http://127.0.0.1:5000/");
        assert_eq!(local.base, "http://127.0.0.1:5000");
        assert_eq!(local.netrc_machine, "127.0.0.1:5000");
        assert_eq!(ok("http://[::1]:80").base, "http://[::1]:80");
        assert_eq!(ok("https://LOCALHOST:1/v3/").base, "https://localhost:1/v3");
        let staging = ok("staging.herokudev.com");
        assert_eq!(staging.base, "https://api.staging.herokudev.com");
        assert_eq!(staging.netrc_machine, "api.staging.herokudev.com");
        assert_eq!(ok("heroku.com").base, DEFAULT_API_URL);
        assert_eq!(ok("https://API.Heroku.com").base, DEFAULT_API_URL);
    }

    #[test]
    fn hostile_heroku_hosts_are_refused() {
        for (value, why) in [
            ("http://evil.example?.heroku.com", "a query"),
            ("https://evil.example?@api.heroku.com", "a query"),
            ("https://api.heroku.com?x", "a query"),
            ("evil.example?.heroku.com", "a query"),
            ("#.heroku.com", "a fragment"),
            ("https://evil.example#.heroku.com", "a fragment"),
            ("http://api.heroku.com", "clear text"),
            ("https://deploy:Pa55w0rdQz@api.heroku.com", "credentials"),
            ("https://a@b@api.heroku.com", "credentials"),
            ("evil.example", "not a Heroku domain"),
            ("https://heroku.com.evil.example", "not a Heroku domain"),
            ("https://evilheroku.com", "not a Heroku domain"),
            ("https://api.heroku.com.", "not a Heroku domain"),
            ("http://evil.example/127.0.0.1", "not a Heroku domain"),
            ("http://127.0.0.2:80", "not a Heroku domain"),
            ("http://127.0.0.1:99999", "not a URL"),
            ("127.0.0.1:5000", "not a Heroku domain"),
            ("ftp://api.heroku.com", "not a URL"),
            ("https://api heroku.com", "not a URL"),
            ("httpbin.org", "not a URL"),
        ] {
            let err = api_base(Some(value)).unwrap_err().to_string();
            assert!(err.contains(why), "{value}: {err}");
            assert!(!err.contains("Pa55w0rd"), "{err}");
        }
        let err = api_base(Some("https://deploy:Pa55w0rdQz@api.heroku.com"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("HEROKU_HOST=https://***@api.heroku.com: "),
            "{err}"
        );
        assert_eq!(
            host_secret(Some("https://deploy:Pa55w0rdQz@api.heroku.com")),
            Some("Pa55w0rdQz")
        );
        assert_eq!(host_secret(Some("https://TOKEN@x")), Some("TOKEN"));
        assert_eq!(host_secret(Some("https://api.heroku.com")), None);
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
