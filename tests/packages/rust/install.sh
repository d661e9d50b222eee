#!/usr/bin/env bash
# tests/packages/rust/install.sh OUT_DIR: the `securekey` crate as an app
# gets it. `cargo package` builds the .crate (the file crates.io would
# serve, checked to build on its own), which is unpacked and used by a
# clean project outside the repository: its conformance reader (the
# crate's own examples/verify.rs), left as OUT_DIR/reader. The project's
# `cargo tree` is kept in OUT_DIR/tree.txt, to show no CLI crate in it,
# and no HTTP or async crate: those come only with the `tower` and `axum`
# features, which a second project turns on (OUT_DIR/tree-axum.txt: the
# protocol's types, still no runtime or server). A third project takes the
# crate as the README's install line does, `git = …, tag = "v0.1.0"`, from
# a clone of this repository's last commit (OUT_DIR/reader-git).
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
# An app that depends on the crate gets no CLI, logging, HTTP or async
# crate.
if grep -E '^(clap|tracing|tracing-subscriber|dlmalloc|ureq|rustls|tokio|mio|hyper|hyper-util|http|http-body|axum|axum-core|tower|tower-layer|tower-service|pin-project-lite|futures-util) ' "$out/tree.txt" >&2; then
  echo "the securekey crate pulls the binary's or the middleware's crates into an app without its features (above)" >&2
  exit 1
fi
cp "$target/packages-app/debug/reader" "$out/reader"

# With the middleware features: the layer and the extractor build from the
# artifact, and bring no runtime, server or client.
rm -rf "$out/app-axum"
mkdir -p "$out/app-axum/src"
cat >"$out/app-axum/Cargo.toml" <<TOML
[package]
name = "app-axum"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
securekey = { path = "$out/crate/securekey-$version", features = ["tower", "axum"] }

[workspace]
TOML
cat >"$out/app-axum/src/main.rs" <<'RUST'
//! The middleware's types from the packaged crate.
fn main() {
    let key = securekey::Key::parse("AB".repeat(32).as_bytes()).expect("a key");
    let guard = securekey::Guard::new(securekey::KeyPair::latest_only(key)).public_path("/health");
    println!("{:?}", guard.layer());
}
RUST
cp "$root/Cargo.lock" "$out/app-axum/Cargo.lock"
(cd "$out/app-axum" && CARGO_TARGET_DIR="$target/packages-app" cargo run --quiet --offline) >"$out/axum-run.txt"
(cd "$out/app-axum" && cargo tree --offline --edges normal --prefix none) >"$out/tree-axum.txt"
grep -q '^http ' "$out/tree-axum.txt" || {
  echo "the tower and axum features bring no http crate: not turned on?" >&2
  exit 1
}
if grep -E '^(tokio|mio|hyper|hyper-util|axum|ureq|rustls|clap) ' "$out/tree-axum.txt" >&2; then
  echo "the tower/axum features pull a runtime, server or client into an app (above)" >&2
  exit 1
fi

# The README's install line: a git dependency by tag, which cargo finds in
# the repository's workspace by the package's name. From a local clone
# (file://, offline): the last commit, tagged v0.1.0 in the clone only.
rm -rf "$out/repo" "$out/app-git"
git clone --quiet --no-local "$root" "$out/repo"
git -C "$out/repo" tag -f v0.1.0 >/dev/null
mkdir -p "$out/app-git/src"
cat >"$out/app-git/Cargo.toml" <<TOML
[package]
name = "app-git"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
securekey = { git = "file://$out/repo", tag = "v0.1.0" }

[[bin]]
name = "reader"
path = "src/main.rs"

[workspace]
TOML
cp "$root/packages/rust/examples/verify.rs" "$out/app-git/src/main.rs"
# Not --offline: cargo refuses to check out even a file:// repository
# offline. The workspace's Cargo.lock keeps every registry crate at the
# version already there; git (the CLI) does the fetch, from the disk.
cp "$root/Cargo.lock" "$out/app-git/Cargo.lock"
(cd "$out/app-git" && CARGO_NET_GIT_FETCH_WITH_CLI=true CARGO_TARGET_DIR="$target/packages-app-git" cargo build --quiet)
cp "$target/packages-app-git/debug/reader" "$out/reader-git"
# It runs: a key file written here (a fixture key, no secret), read back.
key="$(printf 'AB%.0s' {1..32})"
id="$(printf '%s' "$key" | sha256sum | cut -c1-8)"
printf '{"version":1,"keys":{"SECURE_KEY":{"latest":"%s","latest_id":"%s","previous":null,"previous_id":null}}}\n' \
  "$key" "$id" >"$out/git-keys.json"
got="$(SECUREKEY_FILE="$out/git-keys.json" "$out/reader-git" present SECURE_KEY)"
[[ "$got" == "$id" ]] || {
  echo "the crate from git reads the key file wrong: $got, not $id" >&2
  exit 1
}
