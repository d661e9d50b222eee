//! One config var's value, as arbitrary bytes, through `KeyPair::parse` and
//! every check: no panic, a parsed pair is canonical, and no finding's or
//! report's `Debug` holds 8 chars of any 64-hex run in the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use securekey_cli::KeyPair;
use securekey_cli::env::{Env, Var};

fuzz_target!(|data: &[u8]| {
    if let Some(pair) = KeyPair::parse(data) {
        let (latest, previous) = pair.both().expect("a parsed pair has both keys");
        let canonical = format!("{},{}", latest.expose(), previous.expose());
        assert!(KeyPair::parse(canonical.as_bytes()).as_ref() == Some(&pair));
    }
    // The value twice, so `duplicate-pair` runs too.
    let var = |name: &str| Var {
        name: name.as_bytes().to_vec(),
        value: data.to_vec(),
    };
    let env = Env::new("fuzz", vec![var("SECURE_KEY"), var("OTHER_SECURE_KEY")]);
    let selected = securekey_cli::select::select(&env, &["SECURE_KEY".to_owned()], true);
    let (reports, findings) = securekey_cli::checks::check_env(&selected, &env.source, Some("app"));
    let shown = format!("{findings:?}{reports:?}{env:?}").to_ascii_uppercase();
    for run in data
        .split(|b| !b.is_ascii_hexdigit())
        .filter(|r| r.len() >= 64)
    {
        let run = run.to_ascii_uppercase();
        for window in run.windows(8).filter_map(|w| std::str::from_utf8(w).ok()) {
            assert!(!shown.contains(window), "key material in Debug output");
        }
    }
});
