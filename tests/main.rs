//! Integration tests: the real `securekey` binary in a cleared environment.
//! One test binary, a module per topic, to keep builds fast.

// The library's dependencies are not this crate's business.
#![allow(unused_crate_dependencies)]
// Helpers are `pub` for the sibling modules; nothing is exported.
#![allow(unreachable_pub)]

mod common;

mod check;
mod hostile;
mod leak;
mod lint;
mod props;
mod write;
