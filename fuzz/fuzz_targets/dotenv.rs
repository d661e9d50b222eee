//! `parse_dotenv` (and format detection) on arbitrary bytes: no panic; what
//! it accepts has var names only, and checks cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use securekey_cli::env::{self, Env};

fuzz_target!(|data: &[u8]| {
    let _ = env::detect(data);
    match env::parse_dotenv(data) {
        Ok(vars) => {
            for var in &vars {
                assert!(
                    env::is_var_name(&var.name),
                    "a name that is not a var name was accepted"
                );
            }
            let env = Env::new("fuzz", vars);
            let selected = securekey_cli::select::select(&env, &["SECURE_KEY".to_owned()], true);
            let _ = securekey_cli::checks::check_env(&selected, &env.source, None);
        }
        Err(e) => assert!(e.line >= 1, "a dotenv error names its line"),
    }
});
