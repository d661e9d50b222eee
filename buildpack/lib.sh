# shellcheck shell=bash
# Shared helpers for the classic buildpack's bin/* and the CNB's bin/build
# (buildpack/cnb/lib.sh is a link to this file): Heroku's build output
# conventions, the package's fields, the arch mapping, config vars, the
# SECUREKEY_BUILD_STRICT rule, installing the binary, and the file steps a
# failed build takes back. Finding and downloading the binary is the classic
# buildpack's alone (buildpack/release.sh). Sourced, never run; the caller
# sets `set -euo pipefail`.
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

# An error, on stderr; each argument is one line. BP_ERRORED says one was
# printed (bin/compile adds a last-resort one otherwise).
BP_ERRORED=0
# shellcheck disable=SC2034 # BP_ERRORED is read by bin/compile.
bp_error() {
  local line
  BP_ERRORED=1
  for line in "$@"; do
    printf ' !     %s\n' "$line" >&2
  done
}

# bp_absolute PATH: PATH made absolute against the working directory, its
# `.` and `..` resolved, symlinks kept; PATH need not exist.
bp_absolute() {
  case "$1" in
    /*) realpath -ms -- "$1" 2>/dev/null || printf '%s' "$1" ;;
    *) realpath -ms -- "$PWD/$1" 2>/dev/null || printf '%s/%s' "$PWD" "$1" ;;
  esac
}

# bp_package_field ROOT NAME: a string field of the [package] table of
# ROOT/Cargo.toml (`NAME = "…"`), or nothing.
bp_package_field() {
  awk -F'"' -v name="$2" '
    /^\[/ { in_package = ($0 == "[package]") }
    in_package && $1 ~ ("^" name "[[:space:]]*=[[:space:]]*$") { print $2; exit }
  ' "$1/Cargo.toml"
}

# The version in the [package] table of ROOT/Cargo.toml: the buildpack's and
# the tarballs' version, and the release a git-URL install downloads.
bp_package_version() {
  bp_package_field "$1" version
}

# The project's repository URL (Cargo.toml's `repository`): the one place
# that names where releases are published.
bp_package_repository() {
  bp_package_field "$1" repository
}

# bp_arch [MACHINE]: the arch as `uname -m` names it on Linux (x86_64 or
# aarch64), for MACHINE (a `uname -m` name, or the CNB's amd64/arm64) or
# else this machine. Any other name is echoed as it is.
bp_arch() {
  local machine="${1:-}"
  [[ -n "$machine" ]] || machine="$(uname -m)"
  case "$machine" in
    x86_64 | amd64) echo x86_64 ;;
    aarch64 | arm64) echo aarch64 ;;
    *) echo "$machine" ;;
  esac
}

# bp_cnb_arch ARCH: the CNB's name (amd64, arm64) for a bp_arch name; the
# CNB's vendor/<name>/ folders use it.
bp_cnb_arch() {
  case "$(bp_arch "$1")" in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    *) echo "$1" ;;
  esac
}

# The hash of the buildpack's own source (Cargo.toml, Cargo.lock, src/ and
# the securekey crate it builds on, packages/rust), the cache key of a binary
# built from it. Paths are relative, so the hash does
# not depend on where the buildpack was unpacked.
bp_source_hash() {
  local bp_dir="$1"
  (
    cd "$bp_dir" || exit 1
    find Cargo.toml Cargo.lock src packages/rust/Cargo.toml packages/rust/src -type f -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -c1-64
}

# bp_config NAME ENV_DIR: a config var's value, from the ENV_DIR file (how
# Heroku hands config vars to a build) or else from the build's own env;
# nothing when neither has it. Never print what it returns to the log.
bp_config() {
  local name="$1" env_dir="${2:-}"
  if [[ -n "$env_dir" && -f "$env_dir/$name" ]]; then
    cat -- "$env_dir/$name"
  else
    printf '%s' "${!name:-}"
  fi
}

# The arches releases ship a binary for (scripts/package's securekey-<arch>).
bp_released_arch() {
  case "$1" in
    x86_64 | aarch64) return 0 ;;
    *) return 1 ;;
  esac
}

# bp_build_strict ENV_DIR: true when SECUREKEY_BUILD_STRICT=1 (an ENV_DIR
# file, else the build's env): a failed early check fails the build. Both
# builds' one rule.
bp_build_strict() {
  [[ "$(bp_config SECUREKEY_BUILD_STRICT "${1:-}")" == 1 ]]
}

# bp_copy_binary SRC DEST: the binary copied to DEST, executable (0755).
# Both builds install it this way (the classic one into its staging folder).
bp_copy_binary() {
  cp -- "$1" "$2" && chmod 0755 -- "$2"
}

# bp_binary_runs BINARY [VERSION]: true when BINARY runs on this machine and
# says it is securekey VERSION, as the real binary does (`securekey
# --version` prints exactly "securekey 0.1.0"); without VERSION (a packaged
# buildpack has no Cargo.toml), any version. Sets BP_RUN_VERSION to what it
# said, else BP_RUN_PROBLEM to why not.
# Its output is never shown: a binary that is not the release may print
# anything.
# shellcheck disable=SC2034 # BP_RUN_* are read by the caller.
bp_binary_runs() {
  local out status=0 timeout=()
  if command -v timeout >/dev/null 2>&1; then timeout=(timeout 60); fi
  BP_RUN_VERSION=""
  out="$("${timeout[@]}" "$1" --version </dev/null 2>/dev/null)" || status=$?
  case "$status" in
    0) ;;
    126 | 127) BP_RUN_PROBLEM="it cannot be executed here (exit $status: not a program for this machine)" ;;
    124) BP_RUN_PROBLEM="\`securekey --version\` did not finish within 60 seconds" ;;
    *) BP_RUN_PROBLEM="\`securekey --version\` failed (exit $status)" ;;
  esac
  [[ "$status" -eq 0 ]] || return 1
  if [[ -n "${2:-}" && "$out" != "securekey $2" ]]; then
    BP_RUN_PROBLEM="\`securekey --version\` did not say \"securekey $2\", the version of this buildpack"
    return 1
  fi
  if [[ ! "$out" =~ ^securekey\ [0-9][0-9A-Za-z.+-]*$ ]]; then
    BP_RUN_PROBLEM="\`securekey --version\` did not say \"securekey <version>\""
    return 1
  fi
  BP_RUN_VERSION="$out"
}

# ------------------------------------------ what a failed build takes back
# bin/compile changes the slug (BUILD_DIR) and the cache only through these,
# so that a build that fails leaves both as they were (bp_undo).

# Files and folders this build created, in order; temp files and folders.
BP_CREATED=()
BP_TEMPS=()

# bp_fs_reason MESSAGE: the reason at the end of a tool's error message
# ("mkdir: cannot create directory 'x': File exists" -> "File exists").
bp_fs_reason() {
  local reason="${1##*: }"
  printf '%s' "${reason:-$1}"
}

# bp_mkdir DIR: creates DIR and its missing parents, each recorded for
# bp_undo. On failure sets BP_FS_PROBLEM (the reason, e.g. "File exists",
# "Read-only file system") and returns 1.
bp_mkdir() {
  local d="$1" missing=() err
  while [[ -n "$d" && ! -d "$d" ]]; do
    missing=("$d" "${missing[@]}")
    d="${d%/*}"
  done
  for d in "${missing[@]}"; do
    if ! err="$(mkdir -- "$d" 2>&1)"; then
      BP_FS_PROBLEM="$(bp_fs_reason "$err")"
      return 1
    fi
    BP_CREATED+=("$d")
  done
}

# bp_place SRC DEST: renames SRC (a temp file next to DEST's folder) to
# DEST, recorded for bp_undo when DEST is new. Sets BP_FS_PROBLEM on failure.
bp_place() {
  local err existed=0
  [[ -e "$2" ]] && existed=1
  if ! err="$(mv -f -- "$1" "$2" 2>&1)"; then
    BP_FS_PROBLEM="$(bp_fs_reason "$err")"
    return 1
  fi
  if [[ "$existed" -eq 0 ]]; then BP_CREATED+=("$2"); fi
}

# bp_undo: removes every temp file and what this build created (newest
# first; a folder only if it is empty again).
bp_undo() {
  local i path
  bp_clean_temps
  for ((i = ${#BP_CREATED[@]} - 1; i >= 0; i--)); do
    path="${BP_CREATED[i]}"
    if [[ -d "$path" && ! -L "$path" ]]; then
      rmdir -- "$path" 2>/dev/null || true
    else
      rm -f -- "$path"
    fi
  done
  BP_CREATED=()
}

# bp_clean_temps: removes the temp files and folders.
bp_clean_temps() {
  if [[ "${#BP_TEMPS[@]}" -gt 0 ]]; then rm -rf -- "${BP_TEMPS[@]}"; fi
  BP_TEMPS=()
}

# bp_cache_error DIR: the error for a build cache folder that cannot be
# made or written (BP_FS_PROBLEM says why).
bp_cache_error() {
  bp_error "Could not use the build cache: $1 (${BP_FS_PROBLEM:-cannot write}). Nothing was installed." \
    "Something that is not a folder may be in its way, or the disk is full. On Heroku, purge the" \
    "build cache and build again: heroku builds:cache:purge -a <app> (the heroku-builds CLI plugin)."
}
