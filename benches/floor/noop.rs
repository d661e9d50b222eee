//! The floor for `scripts/bench`: a static binary that does nothing, built
//! like securekey (musl, static, non-PIE, stripped). Whatever it costs is the
//! price of starting any process; docs/performance.md allows `securekey check` 2.5× this
//! and `securekey write` 3×.
//!
//! It lives in `benches/floor/` so Cargo does not take it for a bench target.

fn main() {}
