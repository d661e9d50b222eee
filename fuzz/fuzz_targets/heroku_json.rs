//! `parse_heroku_json` on arbitrary bytes: no panic (nesting included), and
//! what it accepts checks cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use securekey_cli::env::{self, Env};

fuzz_target!(|data: &[u8]| {
    if let Ok(vars) = env::parse_heroku_json(data) {
        let env = Env::new("fuzz", vars);
        let selected = securekey_cli::select::select(&env, &["SECURE_KEY".to_owned()], true);
        let _ = securekey_cli::checks::check_env(&selected, &env.source, Some("app"));
    }
});
