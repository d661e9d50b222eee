//! Integration tests: the real `securekey` binary in a cleared environment.
//! One test binary, a module per topic, to keep builds fast.

// The library's dependencies are not this crate's business.
#![allow(unused_crate_dependencies)]
// Helpers are `pub` for the sibling modules; nothing is exported.
#![allow(unreachable_pub)]
// Test helpers panic on a broken fixture, like the tests themselves
// (clippy.toml's allow-unwrap-in-tests covers only #[test] functions).
#![allow(clippy::unwrap_used)]

mod common;

mod architecture;
mod check;
mod docs;
mod faults;
mod hostile;
mod leak;
mod lint;
mod live;
mod live_bounds;
mod live_host;
mod markdown;
mod props;
mod rotation;
mod run;
mod safety;
mod write;
