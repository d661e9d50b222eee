#!/usr/bin/env bash
# tests/buildpack/11-classic-from-source.sh DIST_DIR
#
# The classic buildpack without vendored binaries (split from
# 10-classic-lifecycle.sh): the packaged buildpack with its binaries
# removed (no source either: a clear error), the git tree without cargo on
# PATH (a clear error), a build from source with cargo, and the cache hit
# on the next build, with no cargo. No output may hold key material.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$here/lib.sh"

dist="${1:?usage: $0 DIST_DIR}"
version="$(bp_package_version "$root")"
tarball="$dist/securekey-buildpack-$version.tgz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"
key_windows "$work/key-windows"

# shellcheck source=tests/buildpack/classic-setup.sh
source "$here/classic-setup.sh"
env_dir "$work/env-good" "SECURE_KEY=$KEY_A,$KEY_B" "DATABASE_URL=postgres://u:p@h:5432/d"

# ------------------------------------------------ no vendored binary: source
# A buildpack installed from the git URL has the source and no binaries.
git_bp="$work/buildpack-git"
mkdir -p "$git_bp"
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  # The working tree as a clone would have it (tracked and new files, not
  # ignored ones); a tracked file deleted in the working tree is skipped.
  (cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$git_bp" 2>/dev/null) || true
else
  cp -R "$root/bin" "$root/buildpack" "$root/Cargo.toml" "$root/Cargo.lock" "$root/src" "$git_bp/"
fi
rm -rf "$git_bp/buildpack/vendor"

# The packaged buildpack with its binaries removed has neither.
bare_bp="$work/buildpack-bare"
cp -R "$bp" "$bare_bp"
rm -rf "$bare_bp/buildpack/vendor"
cp -R "$here/fixtures/classic/app" "$work/build_bare"
status=0
compile compile-bare "$bare_bp" "$work/build_bare" "$work/cache-bare" "$work/env-good" || status=$?
if [[ "$status" -eq 1 ]] && grep -q '^ !     .*no securekey binary for' "$out/compile-bare.err"; then
  ok "compile with no vendored binary and no source stops with a ' !     ' error"
else
  not_ok "compile with no vendored binary and no source stops with a ' !     ' error" \
    "exit $status" "$(show "$out/compile-bare.err")"
fi

cp -R "$here/fixtures/classic/app" "$work/build_nocargo"
status=0
compile compile-nocargo "$git_bp" "$work/build_nocargo" "$work/cache-src" "$work/env-good" || status=$?
if [[ "$status" -eq 1 ]] && grep -q '^ !     .*cargo is not on PATH' "$out/compile-nocargo.err"; then
  ok "compile with no vendored binary and no cargo on PATH stops with a ' !     ' error"
else
  not_ok "compile with no vendored binary and no cargo on PATH stops with a ' !     ' error" \
    "exit $status" "$(show "$out/compile-nocargo.err")"
fi

if cargo="$(command -v cargo)"; then
  # One real build from source, then a cache hit with no cargo at all.
  cp -R "$here/fixtures/classic/app" "$work/build_src"
  status=0
  compile compile-src "$git_bp" "$work/build_src" "$work/cache-src" "$work/env-good" \
    PATH="${cargo%/*}:$base_path" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" \
    RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" || status=$?
  if [[ "$status" -eq 0 ]] && grep -q 'Building securekey from source' "$out/compile-src.out" &&
    grep -q '^       SECURE_KEY  *ok' "$out/compile-src.out" &&
    [[ -x "$work/build_src/.heroku/securekey/bin/securekey" ]]; then
    ok "compile with no vendored binary builds from source with cargo"
  else
    not_ok "compile with no vendored binary builds from source with cargo" \
      "exit $status" "$(show "$out/compile-src.out")" "$(show "$out/compile-src.err")"
  fi

  cp -R "$here/fixtures/classic/app" "$work/build_src2"
  status=0
  compile compile-src-cached "$git_bp" "$work/build_src2" "$work/cache-src" "$work/env-good" || status=$?
  if [[ "$status" -eq 0 ]] && grep -q 'built earlier from this source' "$out/compile-src-cached.out" &&
    grep -q '^       SECURE_KEY  *ok' "$out/compile-src-cached.out"; then
    ok "the next compile reuses the cached build (no cargo needed)"
  else
    not_ok "the next compile reuses the cached build (no cargo needed)" \
      "exit $status" "$(show "$out/compile-src-cached.out")" "$(show "$out/compile-src-cached.err")"
  fi
else
  ok "# SKIP build from source: no cargo on PATH"
fi

# ------------------------------------------------------------- no leaks
check "build logs hold no key material" no_key_material "$work/key-windows" "$out"

finish classic-from-source
