//! The rotation drill (docs/using-the-keys.md): two apps share one add-on's pair — the
//! server owns it as `SECURE_KEY`, the client has it attached as
//! `SERVICE_ONE_SECURE_KEY` — and go through a rotation while requests
//! flow. The add-on rewrites both config vars at once, but each app sees
//! the new pair only when its dynos restart (`securekey write` at boot, the
//! real binary, into the app's own key file), and the two restart at
//! different moments.
//!
//! With the library on both sides (the server's `verify`, the client's
//! `keys_to_present`) no request is ever refused. A client that presents
//! only its latest key is refused for as long as it has rotated and its
//! server has not: the drill shows that window exists.

use proptest::prelude::*;
use proptest::test_runner::Config;
use securekey_cli::{KeyFile, KeyPair, Slot};

use crate::common::{A, B, C, TestEnv};

/// The requests of one drill, and when the rotation happens.
const TICKS: usize = 12;
const ROTATION: usize = 3;

/// One app: its dir (its dyno's disk), its config var, and the pair its
/// running dyno loaded at boot.
struct App {
    disk: TestEnv,
    var: &'static str,
    loaded: KeyPair,
}

impl App {
    /// Boots a dyno: `securekey write` from the app's env, then the app
    /// loads its key file.
    fn boot(disk: TestEnv, var: &'static str, value: &str) -> Self {
        let pair = Self::write_and_load(&disk, var, value);
        App {
            disk,
            var,
            loaded: pair,
        }
    }

    fn restart(&mut self, value: &str) {
        self.loaded = Self::write_and_load(&self.disk, self.var, value);
    }

    fn write_and_load(disk: &TestEnv, var: &str, value: &str) -> KeyPair {
        // Each app requires its own var, as its SECUREKEY_REQUIRE would.
        disk.run_env(
            ["write", "-q", "-o", "keys.json"],
            &[(var, value), ("SECUREKEY_REQUIRE", var)],
        )
        .code(0);
        let file = KeyFile::load(disk.path().join("keys.json")).unwrap();
        file.get(var).unwrap().clone()
    }
}

/// What one drill saw.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    /// Requests refused with the library's client order.
    refused: usize,
    /// Requests answered `Previous` (the server handed the client its
    /// latest key).
    rotated: usize,
    /// Requests a latest-only client would have had refused.
    refused_latest_only: usize,
}

/// Plays the drill: the rotation at `ROTATION`, the server's dyno restarting
/// at `server_at`, the client's at `client_at`, one request per tick.
fn drill(server_at: usize, client_at: usize) -> Tally {
    let before = format!("{B},{A}"); // B is the latest
    let after = format!("{C},{B}"); // the add-on rotated: C in front
    let mut server = App::boot(TestEnv::new(), "SECURE_KEY", &before);
    let mut client = App::boot(TestEnv::new(), "SERVICE_ONE_SECURE_KEY", &before);
    let mut tally = Tally::default();
    for tick in 0..TICKS {
        // The add-on has rotated by now; a dyno sees it when it restarts.
        if tick >= ROTATION && tick == server_at {
            server.restart(&after);
        }
        if tick >= ROTATION && tick == client_at {
            client.restart(&after);
        }
        let answer = client
            .loaded
            .keys_to_present()
            .find_map(|key| server.loaded.verify(key.expose()));
        match answer {
            None => tally.refused += 1,
            Some(Slot::Previous) => tally.rotated += 1,
            Some(Slot::Latest) => {}
        }
        if server
            .loaded
            .verify(client.loaded.latest().expose())
            .is_none()
        {
            tally.refused_latest_only += 1;
        }
    }
    tally
}

#[test]
fn every_restart_order_refuses_nothing_and_the_window_is_real() {
    // The client restarts three ticks before its server: a latest-only
    // client is refused for exactly those three requests; the library's
    // client retries with its previous key and is accepted.
    let client_first = drill(ROTATION + 3, ROTATION);
    assert_eq!(client_first.refused, 0);
    assert_eq!(client_first.refused_latest_only, 3);
    // The server first: the client's latest is the server's previous, so
    // even a latest-only client is accepted, and handed the new key.
    let server_first = drill(ROTATION, ROTATION + 3);
    assert_eq!(server_first.refused, 0);
    assert_eq!(server_first.refused_latest_only, 0);
    assert_eq!(server_first.rotated, 3);
    // Together: nothing to notice.
    let together = drill(ROTATION + 1, ROTATION + 1);
    assert_eq!(together, Tally::default());
}

proptest! {
    // Each case boots four dynos (four runs of the binary).
    #![proptest_config(Config { cases: 24, ..Config::default() })]

    /// At random moments, in either order: zero refusals with the library,
    /// and a latest-only client refused for exactly as long as it is ahead.
    #[test]
    fn random_restart_moments(server_at in ROTATION..TICKS, client_at in ROTATION..TICKS) {
        let tally = drill(server_at, client_at);
        prop_assert_eq!(tally.refused, 0);
        prop_assert_eq!(tally.refused_latest_only, server_at.saturating_sub(client_at));
        prop_assert_eq!(tally.rotated, client_at.saturating_sub(server_at));
    }
}
