//! The inputs of `scripts/bench`, the same at every run: a fixed seed, no
//! clock, no /dev/urandom. Writes files into DIR and prints nothing (the
//! files hold key material: test keys, but keys).
//!
//!   gen DIR
//!
//! - `realistic.env`: a dyno's env, 60 `NAME=value` lines (3 key vars), for
//!   `env -i` (no quotes: each line is one word).
//! - `keys1.env`, `keys10000.env`, `keys33000.env`: N key vars, distinct pairs.
//! - `apps/app-NNN.{env,json}`: 500 apps' saved envs of 64 KB each (Heroku's
//!   config size cap), every other one as `heroku config --shell` and the rest
//!   as `heroku config --json`: mostly ordinary vars, 2 to 4 key vars each,
//!   holding the pairs of 40 add-ons shared between apps, and a hand-made copy
//!   one rotation behind in every 25th app (lint's `copied` warning).
//! - `apps.args`: the `lint` arguments, `app-NNN=PATH`, one a line.
//!
//! It lives in `benches/inputs/` so Cargo does not take it for a bench target.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// Heroku's cap on an app's config vars, names and values together.
const CONFIG_CAP: usize = 64 * 1024;
const APPS: usize = 500;
const ADDONS: usize = 40;

/// splitmix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        // n is small: the remainder fits any usize.
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    /// A key as the add-on sets it: 32 bytes, 64 uppercase hex chars.
    fn key(&mut self) -> String {
        let mut key = String::with_capacity(64);
        for _ in 0..4 {
            let _ = write!(key, "{:016X}", self.next());
        }
        key
    }

    fn pair(&mut self) -> String {
        format!("{},{}", self.key(), self.key())
    }

    /// `len` chars from `alphabet`.
    fn text(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| char::from(alphabet[self.below(alphabet.len())]))
            .collect()
    }
}

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LOWER_HEX: &[u8] = b"0123456789abcdef";

/// The vars most apps have, as `heroku config` shows them: add-on URLs,
/// Heroku's own vars, tokens.
fn common(rng: &mut Rng, app: &str) -> Vec<(String, String)> {
    vec![
        (
            "DATABASE_URL".into(),
            format!(
                "postgres://u{}:p{}@ec2-54-83-{}-{}.compute-1.amazonaws.com:5432/d{}",
                rng.text(LOWER_HEX, 13),
                rng.text(LOWER_HEX, 64),
                rng.below(255),
                rng.below(255),
                rng.text(LOWER_HEX, 13)
            ),
        ),
        (
            "REDIS_URL".into(),
            format!(
                "rediss://:p{}@ec2-3-{}-{}-6.compute-1.amazonaws.com:25180",
                rng.text(LOWER_HEX, 64),
                rng.below(255),
                rng.below(255)
            ),
        ),
        ("HEROKU_APP_NAME".into(), app.into()),
        ("HEROKU_APP_ID".into(), uuid(rng)),
        (
            "HEROKU_RELEASE_VERSION".into(),
            format!("v{}", 1 + rng.below(900)),
        ),
        ("HEROKU_SLUG_COMMIT".into(), rng.text(LOWER_HEX, 40)),
        ("LANG".into(), "en_US.UTF-8".into()),
        ("TZ".into(), "UTC".into()),
        ("RACK_ENV".into(), "production".into()),
        ("WEB_CONCURRENCY".into(), "2".into()),
        ("PAPERTRAIL_API_TOKEN".into(), rng.text(ALNUM, 21)),
        (
            "SENTRY_DSN".into(),
            format!(
                "https://{}@o{}.ingest.sentry.io/{}",
                rng.text(LOWER_HEX, 32),
                rng.below(1_000_000),
                rng.below(1_000_000)
            ),
        ),
    ]
}

/// The app's own setting number `i`: words, URLs, numbers, hex tokens.
fn setting(rng: &mut Rng, i: usize) -> (String, String) {
    let value = match rng.below(4) {
        0 => {
            let len = 8 + rng.below(40);
            rng.text(ALNUM, len)
        }
        1 => format!(
            "https://api.example.com/v{}/{}",
            rng.below(9),
            rng.text(ALNUM, 30)
        ),
        2 => rng.below(100_000).to_string(),
        _ => rng.text(LOWER_HEX, 40),
    };
    (format!("APP_SETTING_{i}"), value)
}

fn uuid(rng: &mut Rng) -> String {
    let h = rng.text(LOWER_HEX, 32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// `heroku config --shell`: NAME=value, single-quoted when the shell needs it.
fn shell_line(name: &str, value: &str) -> String {
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_-.,/:@".contains(&b))
    {
        format!("{name}={value}\n")
    } else {
        format!("{name}='{value}'\n")
    }
}

/// A line of `heroku config --json` (two-space indent; the values here need
/// no escapes).
fn json_line(name: &str, value: &str) -> String {
    format!("  \"{name}\": \"{value}\"")
}

/// The add-ons' pairs: each has a latest, a previous and the key before it
/// (what a copy one rotation behind holds).
struct Addon {
    latest: String,
    previous: String,
    older: String,
}

fn app_env(rng: &mut Rng, addons: &[Addon], n: usize, json: bool) -> String {
    let name = format!("app-{n:03}");
    let own = &addons[n % ADDONS];
    let mut keys = vec![(
        "SECURE_KEY".to_string(),
        format!("{},{}", own.latest, own.previous),
    )];
    for a in 0..=rng.below(3) {
        let addon = &addons[(n * 7 + 3 + a * 11) % ADDONS];
        keys.push((
            format!("SERVICE_{a}_SECURE_KEY"),
            format!("{},{}", addon.latest, addon.previous),
        ));
    }
    if n % 25 == 24 {
        // Copied by hand before the last rotation: one rotation behind.
        let addon = &addons[(n + 1) % ADDONS];
        keys.push((
            "LEGACY_SECURE_KEY".into(),
            format!("{},{}", addon.previous, addon.older),
        ));
    }
    let line = |k: &str, v: &str| {
        if json {
            json_line(k, v)
        } else {
            shell_line(k, v)
        }
    };
    let mut lines: Vec<String> = Vec::new();
    let mut size = if json { 4 } else { 0 };
    let mut push = |lines: &mut Vec<String>, l: String| -> bool {
        let cost = l.len() + usize::from(json) * 2;
        if size + cost > CONFIG_CAP {
            return false;
        }
        size += cost;
        lines.push(l);
        true
    };
    for (k, v) in &keys {
        push(&mut lines, line(k, v));
    }
    for (k, v) in common(rng, &name) {
        push(&mut lines, line(&k, &v));
    }
    // Settings up to the cap.
    for i in 1.. {
        let (k, v) = setting(rng, i);
        if !push(&mut lines, line(&k, &v)) {
            break;
        }
    }
    // Config vars come back sorted by name, the keys among the rest.
    lines.sort();
    if json {
        format!("{{\n{}\n}}\n", lines.join(",\n"))
    } else {
        lines.concat()
    }
}

fn key_vars(rng: &mut Rng, n: usize) -> String {
    let mut out = String::with_capacity(n * 150);
    for i in 0..n {
        let name = if i == 0 {
            "SECURE_KEY".to_string()
        } else {
            format!("APP{i}_SECURE_KEY")
        };
        let _ = writeln!(out, "{name}={}", rng.pair());
    }
    out
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: gen DIR");
    let dir = Path::new(&dir);
    let mut rng = Rng(0x5EC0_2E4E_7000_0001);
    let write = |name: &str, content: &str| {
        fs::write(dir.join(name), content).unwrap_or_else(|e| panic!("writing {name}: {e}"));
    };

    // A dyno's env: 57 ordinary vars, and 3 key vars (the add-on's own, an
    // attachment, a 2014 colour name).
    let mut realistic = vec![
        ("SECURE_KEY".to_string(), rng.pair()),
        ("SERVICE_ONE_SECURE_KEY".to_string(), rng.pair()),
        ("SECUREKEY_CHARCOAL_KEY".to_string(), rng.pair()),
        ("DYNO".to_string(), "web.1".to_string()),
        ("PORT".to_string(), "31337".to_string()),
    ];
    realistic.extend(common(&mut rng, "service-2"));
    realistic.extend((1..=43).map(|i| setting(&mut rng, i)));
    let mut lines = String::new();
    for (k, v) in &realistic {
        let _ = writeln!(lines, "{k}={v}");
    }
    write("realistic.env", &lines);

    for n in [1, 10_000, 33_000] {
        write(&format!("keys{n}.env"), &key_vars(&mut rng, n));
    }

    let addons: Vec<Addon> = (0..ADDONS)
        .map(|_| Addon {
            latest: rng.key(),
            previous: rng.key(),
            older: rng.key(),
        })
        .collect();
    fs::create_dir_all(dir.join("apps")).expect("creating apps/");
    let mut args = String::new();
    for n in 0..APPS {
        let json = n % 2 == 1;
        let file = format!("apps/app-{n:03}.{}", if json { "json" } else { "env" });
        write(&file, &app_env(&mut rng, &addons, n, json));
        let _ = writeln!(args, "app-{n:03}={}", dir.join(&file).display());
    }
    write("apps.args", &args);
}
