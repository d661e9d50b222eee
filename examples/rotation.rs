//! Graceful rotation with securekey, as the add-on's docs describe it: a
//! client that presents the previous key is accepted and handed the
//! latest; an unknown key is refused.
//!
//! Run: `cargo run --example rotation`. It plays both sides in one process:
//! the boot script's `securekey write` (here: the library writing the key
//! file) and a server loading it.

// Examples build against all of the package's dependencies; they use one.
#![allow(unused_crate_dependencies)]

use securekey_cli::{KeyFile, KeyPair, Slot};

/// What the server answers a client.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    /// The key was current: carry on.
    Welcome,
    /// The key was valid until the last rotation: here is the new one.
    /// (The new key goes to the client only over the authenticated channel
    /// it just proved itself on; it is never logged.)
    Rotate { new_key: String },
    /// Not a key of ours.
    Refused,
}

fn handshake(keys: &KeyPair, presented: &str) -> Answer {
    match keys.verify(presented) {
        Some(Slot::Latest) => Answer::Welcome,
        Some(Slot::Previous) => Answer::Rotate {
            new_key: keys.latest().expose().to_owned(),
        },
        None => Answer::Refused,
    }
}

/// The example checks itself: a broken promise is an error, not a panic.
fn expect(holds: bool, promise: &str) -> Result<(), String> {
    if holds {
        Ok(())
    } else {
        Err(format!("broken: {promise}"))
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keys from a public write-up of the add-on; the add-on has just rotated:
    // NEW in front, OLD behind.
    let old = "CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA";
    let new = "3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE";
    let value = format!("{new},{old}");

    // At boot: `securekey write` puts the checked pair in the key file.
    let dir = std::env::temp_dir().join(format!("securekey-example-{}", std::process::id()));
    let path = dir.join("keys.json");
    let mut file = KeyFile::new();
    file.insert(
        "SECURE_KEY",
        KeyPair::parse(value.as_bytes()).ok_or("SECURE_KEY is not a well-formed pair")?,
    );
    securekey_cli::key_file::write(&file, &path)?;

    // In the app: load the key file, then answer clients.
    let keys = KeyFile::load(&path)?;
    let pair = keys
        .get("SECURE_KEY")
        .ok_or("no SECURE_KEY in the key file")?;
    println!("loaded {pair:?}"); // Debug shows key ids only.

    expect(
        handshake(pair, old)
            == Answer::Rotate {
                new_key: new.to_owned(),
            },
        "the previous key is accepted and answered with the latest",
    )?;
    println!(
        "client with the previous key: accepted, handed the latest ({})",
        pair.latest()
    );

    expect(
        handshake(pair, new) == Answer::Welcome,
        "the latest key is accepted",
    )?;
    println!("client with the latest key: accepted");

    let unknown = "0".repeat(64);
    expect(
        handshake(pair, &unknown) == Answer::Refused,
        "an unknown key is refused",
    )?;
    expect(
        handshake(pair, "") == Answer::Refused,
        "an empty key is refused",
    )?;
    println!("client with an unknown key: refused");

    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
