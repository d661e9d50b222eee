#!/usr/bin/env bash
# tests/packages/rust/test.sh: the securekey crate's own suite with its
# features on (the tower layer and the axum extractor through a real axum
# server on 127.0.0.1 and ureq; `cargo test --workspace` builds the crate
# without them), then install.sh: the .crate and the git install line in
# clean projects, their `cargo tree`s checked.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
cargo test --locked -p securekey --all-features
out="${CARGO_TARGET_DIR:-$root/target}/packages-rust"
bash "$root/tests/packages/rust/install.sh" "$out"
echo "ok: the crate's tests with its features, and the installs from the .crate and from git"
