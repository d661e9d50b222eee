#!/usr/bin/env bash
# tests/packages/rust/install.sh OUT_DIR: the Rust reader for the
# conformance table (tests/buildpack/50-readers-conformance.sh), left as
# OUT_DIR/reader.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:?usage: $0 OUT_DIR}"
mkdir -p "$out"
(cd "$root" && cargo build --locked --quiet --example verify)
cp "${CARGO_TARGET_DIR:-$root/target}/debug/examples/verify" "$out/reader"
