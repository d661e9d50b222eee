#!/usr/bin/env bash
# tests/packages/rust/install.sh OUT_DIR: the `securekey` crate as an app
# gets it. `cargo package` builds the .crate (the file crates.io would
# serve, checked to build on its own), which is unpacked and used by a
# clean project outside the repository: its conformance reader (the
# crate's own examples/verify.rs), left as OUT_DIR/reader. The project's
# `cargo tree` is kept in OUT_DIR/tree.txt, to show no CLI crate in it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:?usage: $0 OUT_DIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"

(cd "$root" && cargo package --locked --quiet -p securekey --allow-dirty)
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/packages/rust/Cargo.toml" | head -n1)"
crate="$target/package/securekey-$version.crate"
[[ -f "$crate" ]] || {
  echo "no $crate after cargo package" >&2
  exit 1
}
rm -rf "$out/crate" "$out/app"
mkdir -p "$out/crate" "$out/app/src"
tar -xzf "$crate" -C "$out/crate"

# The app: the crate from its unpacked artifact, the reader its example.
cat >"$out/app/Cargo.toml" <<TOML
[package]
name = "app"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
securekey = { path = "$out/crate/securekey-$version" }

[[bin]]
name = "reader"
path = "src/main.rs"

[workspace]
TOML
cp "$out/crate/securekey-$version/examples/verify.rs" "$out/app/src/main.rs"
# Cargo.lock from the workspace: the same versions, and no registry query.
cp "$root/Cargo.lock" "$out/app/Cargo.lock"
(cd "$out/app" && CARGO_TARGET_DIR="$target/packages-app" cargo build --quiet --offline)
(cd "$out/app" && cargo tree --offline --edges normal --prefix none) >"$out/tree.txt"
# An app that depends on the crate gets no CLI, logging or HTTP crate.
if grep -E '^(clap|tracing|tracing-subscriber|dlmalloc|ureq|rustls) ' "$out/tree.txt" >&2; then
  echo "the securekey crate pulls the binary's crates into an app (above)" >&2
  exit 1
fi
cp "$target/packages-app/debug/reader" "$out/reader"
