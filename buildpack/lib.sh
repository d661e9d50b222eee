# shellcheck shell=bash
# Shared helpers for the classic buildpack's bin/* scripts: Heroku's build
# output conventions, the machine's arch, and finding the securekey binary.
# Sourced, never run; the caller sets `set -euo pipefail`.
#
# Output conventions (https://devcenter.heroku.com/articles/buildpack-api):
# step lines start with `-----> `, details are indented 7 spaces, errors start
# with ` !     ` and go to stderr.

# A step in the build log.
bp_topic() {
  printf -- '-----> %s\n' "$*"
}

# A detail line under the current step.
bp_info() {
  printf '       %s\n' "$*"
}

# Indents whatever is piped in as details (a command's output).
bp_indent() {
  sed -u 's/^/       /'
}

# An error, on stderr; each argument is one line.
bp_error() {
  local line
  for line in "$@"; do
    printf ' !     %s\n' "$line" >&2
  done
}

# The version in the [package] table of ROOT/Cargo.toml: the buildpack's and
# the tarballs' version.
bp_package_version() {
  awk -F'"' '
    /^\[/ { in_package = ($0 == "[package]") }
    in_package && /^version[[:space:]]*=/ { print $2; exit }
  ' "$1/Cargo.toml"
}

# The machine's arch, as `uname -m` names it on Linux: x86_64 or aarch64.
bp_arch() {
  local machine
  machine="$(uname -m)"
  case "$machine" in
    x86_64 | amd64) echo x86_64 ;;
    aarch64 | arm64) echo aarch64 ;;
    *) echo "$machine" ;;
  esac
}

# The hash of the buildpack's own source (Cargo.toml, Cargo.lock, src/), the
# cache key of a binary built from it. Paths are relative, so the hash does
# not depend on where the buildpack was unpacked.
bp_source_hash() {
  local bp_dir="$1"
  (
    cd "$bp_dir" || exit 1
    find Cargo.toml Cargo.lock src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -c1-64
}

# Finds a securekey binary for this machine and sets BP_BINARY to its path,
# from the first place that has one:
#   1. buildpack/vendor/<arch>/securekey (a packaged buildpack);
#   2. CACHE_DIR/securekey/<source hash>/securekey (an earlier build);
#   3. a fresh `cargo build --release --locked` of the buildpack's own source,
#      with its target dir in CACHE_DIR, kept there under the source hash.
# Says which as a detail line. On failure it says why with ` !     ` and
# returns 1.
# shellcheck disable=SC2034 # BP_BINARY is read by the caller.
bp_find_binary() {
  local bp_dir="$1" cache_dir="$2" arch hash cached target_dir
  arch="$(bp_arch)"
  BP_BINARY=""

  if [[ -x "$bp_dir/buildpack/vendor/$arch/securekey" ]]; then
    bp_info "Using the securekey binary packaged for $arch"
    BP_BINARY="$bp_dir/buildpack/vendor/$arch/securekey"
    return 0
  fi

  if [[ ! -f "$bp_dir/Cargo.toml" || ! -f "$bp_dir/Cargo.lock" || ! -d "$bp_dir/src" ]]; then
    bp_error "This buildpack has no securekey binary for $arch and no source to build one." \
      "Use a packaged buildpack (securekey-buildpack-<version>.tgz from the releases), which ships binaries for x86_64 and aarch64."
    return 1
  fi

  hash="$(bp_source_hash "$bp_dir")"
  cached="$cache_dir/securekey/bin-$hash/securekey"
  if [[ -x "$cached" ]]; then
    bp_info "Using securekey built earlier from this source (cache ${hash:0:12})"
    BP_BINARY="$cached"
    return 0
  fi

  if ! command -v cargo >/dev/null 2>&1; then
    bp_error "This buildpack has no securekey binary for $arch, and cargo is not on PATH to build one." \
      "Use a packaged buildpack (securekey-buildpack-<version>.tgz from the releases), which ships binaries for x86_64 and aarch64." \
      "or list a Rust buildpack (one that puts cargo on PATH) before this one."
    return 1
  fi

  bp_info "Building securekey from source with cargo (source ${hash:0:12}); later builds reuse it"
  target_dir="$cache_dir/securekey/target"
  mkdir -p "$target_dir"
  if ! (cd "$bp_dir" && CARGO_TARGET_DIR="$target_dir" cargo build --release --locked --bin securekey) 2>&1 | bp_indent; then
    bp_error "cargo build failed (output above)."
    return 1
  fi
  # Keep one built binary: the one for this source.
  rm -rf "$cache_dir"/securekey/bin-*
  mkdir -p "${cached%/*}"
  cp "$target_dir/release/securekey" "$cached.tmp"
  mv "$cached.tmp" "$cached"
  BP_BINARY="$cached"
}
