# shellcheck shell=bash
# Shared helpers for the buildpack tests (tests/buildpack/*.sh): TAP-like
# `ok - …` / `not ok - …` lines, the closing count line, the test keys and
# the no-key-material assertion. Sourced by each test script.

# The buildpack's own helpers (bp_package_version and friends).
# shellcheck source=buildpack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../buildpack/lib.sh"
# shellcheck source=buildpack/release.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../buildpack/release.sh"

# Test keys (not secrets): a rotation goes A,B -> C,A.
KEY_A=3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE
KEY_B=CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA
KEY_C=0B5E7E1F6E8C7D35A1D0A4C2E6F9B8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A291
TEST_KEYS=("$KEY_A" "$KEY_B" "$KEY_C")

t_passed=0
t_failed=0

# ok NAME: a passing case.
ok() {
  t_passed=$((t_passed + 1))
  echo "ok - $*"
}

# not_ok NAME [DETAIL…]: a failing case; details go under it, indented.
not_ok() {
  local name="$1"
  shift
  t_failed=$((t_failed + 1))
  echo "not ok - $name"
  local line
  for line in "$@"; do
    printf '#   %s\n' "$line"
  done
}

# check NAME CMD…: ok if CMD succeeds, else not ok.
check() {
  local name="$1"
  shift
  if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# show FILE: a captured output, indented as a TAP comment, for a failure.
show() {
  sed 's/^/#     /' "$1" 2>/dev/null | head -n 40
}

# finish SUITE: the closing line, e.g. `classic: 12 passed, 0 failed`;
# returns non-zero if anything failed.
finish() {
  echo "$1: ${t_passed} passed, ${t_failed} failed"
  [[ "$t_failed" -eq 0 ]]
}

# bail SUITE TITLE [DETAIL…]: a failed precondition; the suite stops here.
bail() {
  local suite="$1"
  shift
  not_ok "$@"
  finish "$suite" || true
  exit 1
}

# The patterns file for leak checks: every 8-char window of every test key.
# Written once, under the test's temp dir.
key_windows() {
  local out="$1" key i
  : >"$out"
  for key in "${TEST_KEYS[@]}"; do
    for ((i = 0; i + 8 <= ${#key}; i++)); do
      echo "${key:i:8}" >>"$out"
    done
  done
}

# no_key_material PATTERNS PATH…: true if no file under PATH (a file or a
# whole directory, binaries included) holds any 8-char window of a test
# key, in any case. Names the files that leak, if any (never the key).
no_key_material() {
  local patterns="$1" hits status=0
  shift
  hits="$(grep -rliaF -f "$patterns" -- "$@")" || status=$?
  case "$status" in
    0) printf '#   key material in: %s\n' "$hits" ;;
    1) return 0 ;; # no match
    *) echo "#   grep failed on: $*" ;;
  esac
  return 1
}

# git_tree_copy ROOT DEST: the buildpack as `heroku buildpacks:add` of its
# git URL (or the Buildpack Registry) gets it: the files git tracks in ROOT,
# as they are in the working tree (new files too, not ignored ones), and no
# vendored binaries. Without git, the buildpack's own files.
git_tree_copy() {
  local root="$1" dest="$2"
  mkdir -p "$dest"
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    # A tracked file deleted in the working tree is skipped.
    (cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$dest" 2>/dev/null) || true
  else
    cp -R "$root/bin" "$root/buildpack" "$root/Cargo.toml" "$root/Cargo.lock" "$root/src" "$dest/"
  fi
  rm -rf "$dest/buildpack/vendor" "$dest/dist" "$dest/target"
}

# Writes an ENV_DIR as Heroku hands it to a build: one file per config
# var, the exact value (no trailing newline). env_dir DIR NAME=VALUE…
env_dir() {
  local dir="$1" kv
  shift
  mkdir -p "$dir"
  for kv in "$@"; do
    printf '%s' "${kv#*=}" >"$dir/${kv%%=*}"
  done
}

# key_id KEY: the id securekey names a key by (docs/checks.md): the first 8 hex
# chars of SHA-256 over the key's text.
key_id() {
  printf '%s' "$1" | sha256sum | cut -c1-8
}

# holds KEY_FILE LATEST PREVIOUS: the key file has this pair for SECURE_KEY
# (PREVIOUS `None`: the latest key alone).
holds() {
  python3 -c 'import json, sys
entry = json.load(open(sys.argv[1]))["keys"]["SECURE_KEY"]
previous = None if sys.argv[3] == "None" else sys.argv[3]
sys.exit(0 if (entry["latest"], entry["previous"]) == (sys.argv[2], previous) else 1)' "$@"
}

# release_server DIR LOG: `python3 -m http.server` for DIR on 127.0.0.1 and
# a free port (port 0), its request log in LOG; sets `port` and
# `server_pid`, or returns 1. The server prints its port once it listens:
# a fifo hands that line over without a waiting loop. The caller stops it
# (kill "$server_pid").
release_server() {
  local dir="$1" log="$2" fifo line=""
  fifo="$(mktemp -u "${TMPDIR:-/tmp}/release-server.XXXXXX")"
  mkfifo "$fifo"
  python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$dir" >"$fifo" 2>"$log" &
  # shellcheck disable=SC2034 # the suite stops it
  server_pid="$!"
  read -r line <"$fifo" || true
  rm -f "$fifo"
  port="$(sed -n 's/^Serving HTTP on [^ ]* port \([0-9][0-9]*\) .*$/\1/p' <<<"$line")"
  [[ -n "$port" ]]
}

# release_tree DIST DEST VERSION: DEST/vVERSION/ holds the release assets of
# DIST (what a release serves at /releases/download/vVERSION/), plus
# stand-in macOS assets (this machine cannot build them) in SHA256SUMS.
release_tree() {
  local dist="$1" dest="$2" version="$3" asset
  mkdir -p "$dest/v$version"
  cp "$dist"/securekey-* "$dist/SHA256SUMS" "$dest/v$version/"
  for asset in securekey-darwin-x86_64 securekey-darwin-aarch64; do
    if [[ ! -f "$dist/$asset" ]]; then
      printf '#!/bin/sh\necho "stand-in %s"\n' "$asset" >"$dest/v$version/$asset"
      (cd "$dest/v$version" && sha256sum -- "$asset") >>"$dest/v$version/SHA256SUMS"
    fi
  done
}
