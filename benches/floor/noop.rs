//! The floor for `scripts/bench`: a static binary that does nothing, built
//! like securekey (musl, static, stripped). Whatever it costs is the price of
//! starting any process; securekey's target is 1.5× this.
//!
//! It lives in `benches/floor/` so Cargo does not take it for a bench target.

fn main() {}
