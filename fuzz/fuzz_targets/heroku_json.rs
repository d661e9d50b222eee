//! `parse_heroku_json` on arbitrary bytes: no panic (nesting included), and
//! what it accepts checks cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use securekey::env::{self, Env};

fuzz_target!(|data: &[u8]| {
    if let Ok(vars) = env::parse_heroku_json(data) {
        let env = Env::new("fuzz", vars);
        let selected = securekey::select::select(&env, &["SECURE_KEY".to_owned()], true);
        let _ = securekey::checks::check_env(&selected, &env.source, Some("app"));
    }
});
