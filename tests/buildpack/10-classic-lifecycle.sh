#!/usr/bin/env bash
# tests/buildpack/10-classic-lifecycle.sh DIST_DIR
#
# Plays Heroku's classic buildpack lifecycle with the packaged buildpack
# (DIST_DIR/securekey-buildpack-<version>.tgz): detect, compile in a cleared
# environment with an ENV_DIR, the `export` file, release YAML, the slug
# moved to another path, then release and web dynos booted from it. Also
# the buildpack without vendored binaries: a clear error without cargo, a
# build from source with cargo, and the cache hit on the next build.
# No output and no slug file may hold key material.
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
out="$work/out" # every captured output: build logs, release, dyno boots
mkdir -p "$out"
key_windows "$work/key-windows"

# A build or dyno environment: nothing from ours but a plain PATH (no cargo)
# and the HOME Heroku would set.
base_path="/usr/local/bin:/usr/bin:/bin"

# compile NAME BUILDPACK BUILD_DIR CACHE_DIR ENV_DIR [VAR=VALUE…]: runs
# bin/compile in a cleared environment (plus VAR=VALUE), output to
# $out/NAME.out and NAME.err; returns its exit status.
compile() {
  local name="$1" bp="$2" build="$3" cache="$4" envd="$5"
  shift 5
  env -i PATH="$base_path" HOME="$work/build-home" STACK=heroku-24 "$@" \
    "$bp/bin/compile" "$build" "$cache" "$envd" >"$out/$name.out" 2>"$out/$name.err"
}

# ---------------------------------------------------------------- buildpack
bp="$work/buildpack"
mkdir -p "$bp" "$work/build-home"
if tar -xzf "$tarball" -C "$bp" &&
  [[ -x "$bp/bin/detect" && -x "$bp/bin/compile" && -x "$bp/bin/release" ]] &&
  [[ -x "$bp/buildpack/vendor/x86_64/securekey" && -x "$bp/buildpack/vendor/aarch64/securekey" ]]; then
  ok "the tarball unpacks to bin/detect, bin/compile, bin/release and both vendored binaries"
else
  bail classic "the tarball unpacks to bin/detect, bin/compile, bin/release and both vendored binaries" \
    "tarball: $tarball"
fi

# Heroku builds in /tmp/build_<hash> and runs the slug from /app.
build="$work/build_3f9c2a"
cp -R "$here/fixtures/classic/app" "$build"

# ------------------------------------------------------------------- detect
if env -i PATH="$base_path" HOME="$work/build-home" "$bp/bin/detect" "$build" >"$out/detect.out" 2>&1 &&
  [[ "$(<"$out/detect.out")" == "securekey" ]]; then
  ok "detect passes and names the buildpack"
else
  not_ok "detect passes and names the buildpack" "$(show "$out/detect.out")"
fi

# ------------------------------------------------------------------ compile
env_dir "$work/env-good" "SECURE_KEY=$KEY_A,$KEY_B" "DATABASE_URL=postgres://u:p@h:5432/d"
status=0
compile compile "$bp" "$build" "$work/cache" "$work/env-good" || status=$?
if [[ "$status" -eq 0 ]] &&
  grep -q '^-----> Installing securekey' "$out/compile.out" &&
  grep -q '^-----> Checking SecureKey config vars' "$out/compile.out" &&
  grep -q '^       SECURE_KEY  *ok' "$out/compile.out" &&
  [[ ! -s "$out/compile.err" ]]; then
  ok "compile in a cleared env passes and logs Heroku-style steps and the check"
else
  not_ok "compile in a cleared env passes and logs Heroku-style steps and the check" \
    "exit $status" "$(show "$out/compile.out")" "$(show "$out/compile.err")"
fi

installed="$build/.heroku/securekey/bin/securekey"
if [[ -x "$installed" && -f "$build/.profile.d/securekey.sh" ]] &&
  "$installed" --version | grep -qF "securekey $version"; then
  ok "compile installs the binary at .heroku/securekey/bin and the .profile.d script"
else
  not_ok "compile installs the binary at .heroku/securekey/bin and the .profile.d script"
fi

# Later buildpacks of the same build source the export file.
# shellcheck disable=SC2016 # expanded by the inner shell
found="$(env -i PATH="$base_path" bash -c '. "$1" && command -v securekey' export "$bp/export" 2>&1 || true)"
if [[ "$found" == "$installed" ]]; then
  ok "the export file puts the binary in BUILD_DIR on PATH for later buildpacks"
else
  not_ok "the export file puts the binary in BUILD_DIR on PATH for later buildpacks" "found: $found"
fi

# The early warning: a broken config var warns, the build goes on.
env_dir "$work/env-broken" "SECURE_KEY=$KEY_A"
status=0
compile compile-broken "$bp" "$work/build_broken" "$work/cache-broken" "$work/env-broken" || status=$?
if [[ "$status" -eq 0 ]] && grep -q 'key-count' "$out/compile-broken.out" &&
  grep -q '^       Warning: the SecureKey check failed' "$out/compile-broken.out"; then
  ok "compile with a broken key warns and goes on"
else
  not_ok "compile with a broken key warns and goes on" "exit $status" "$(show "$out/compile-broken.out")"
fi

env_dir "$work/env-missing" "DATABASE_URL=postgres://u:p@h:5432/d"
status=0
compile compile-missing "$bp" "$work/build_missing" "$work/cache-missing" "$work/env-missing" || status=$?
if [[ "$status" -eq 0 ]] && grep -q 'missing' "$out/compile-missing.out"; then
  ok "compile without SECURE_KEY warns and goes on"
else
  not_ok "compile without SECURE_KEY warns and goes on" "exit $status" "$(show "$out/compile-missing.out")"
fi

env_dir "$work/env-strict" "SECURE_KEY=$KEY_A," "SECUREKEY_BUILD_STRICT=1"
status=0
compile compile-strict "$bp" "$work/build_strict" "$work/cache-strict" "$work/env-strict" || status=$?
if [[ "$status" -eq 1 ]] && grep -q '^ !     .*SECUREKEY_BUILD_STRICT=1 fails the build' "$out/compile-strict.err"; then
  ok "compile with SECUREKEY_BUILD_STRICT=1 and a broken key fails with a ' !     ' error"
else
  not_ok "compile with SECUREKEY_BUILD_STRICT=1 and a broken key fails with a ' !     ' error" \
    "exit $status" "$(show "$out/compile-strict.err")"
fi

env_dir "$work/env-strict-good" "SECURE_KEY=$KEY_A,$KEY_B" "SECUREKEY_BUILD_STRICT=1"
status=0
compile compile-strict-good "$bp" "$work/build_strict_good" "$work/cache-strict-good" "$work/env-strict-good" || status=$?
check "compile with SECUREKEY_BUILD_STRICT=1 and good keys passes" test "$status" -eq 0

# ------------------------------------------------------------------ release
expected_release="$(printf '%s\n' '---' 'default_process_types:' '  release: securekey check')"
if env -i PATH="$base_path" "$bp/bin/release" "$build" >"$out/release.out" 2>&1 &&
  [[ "$(<"$out/release.out")" == "$expected_release" ]]; then
  ok "release offers 'release: securekey check' as a default process type"
else
  not_ok "release offers 'release: securekey check' as a default process type" "$(show "$out/release.out")"
fi

# -------------------------------------------------------------- slug moves
# The slug is built in /tmp/build_… and runs from /app on another machine:
# nothing in it may name the build path, or hold a key.
slug="$work/slug"
mv "$build" "$slug"
if hits="$(grep -rlaF "$build" "$slug")"; then
  not_ok "the slug names no build path" "$hits"
else
  ok "the slug names no build path"
fi
check "the slug holds no key material" no_key_material "$work/key-windows" "$slug"

# ------------------------------------------------------------------- dynos
app="$work/app" # plays /app: a fresh copy of the slug for every dyno
procfile_cmd() {
  sed -n "s/^$1:[[:space:]]*//p" "$slug/Procfile"
}
release_cmd="$(procfile_cmd release)"
web_cmd="$(procfile_cmd web)"

# dyno NAME CMD [VAR=VALUE…]: boots a dyno from a fresh copy of the slug
# with the config vars VAR=VALUE, runs CMD; output in $out/NAME.out and
# NAME.err; returns CMD's (or the boot's) exit status.
#
# Heroku starts a dyno as `bash --login -c CMD` with HOME=/app, cwd /app
# and the config vars in the environment, and sources
# $HOME/.profile.d/*.sh before CMD. Here `bash --login` would read this
# machine's /etc/profile and ~/.profile, not .profile.d, so the launcher is
# played by hand: the same shell sources each .profile.d script in order,
# then runs CMD (a Procfile command is a bash command line, hence eval). A
# profile script that calls `exit` ends that shell, as it ends the dyno.
dyno() {
  local name="$1" cmd="$2"
  shift 2
  rm -rf "$app"
  cp -a "$slug" "$app"
  # shellcheck disable=SC2016 # expanded by the dyno's shell
  env -i HOME="$app" PATH="$base_path" PORT=5000 DYNO="$name.1" "$@" \
    bash -c 'cd "$HOME" || exit 1
      for f in "$HOME"/.profile.d/*.sh; do . "$f"; done
      eval "$1"' dyno "$cmd" >"$out/$name.out" 2>"$out/$name.err"
}

key_file="$app/.securekey/keys.json"

status=0
dyno release "$release_cmd" "SECURE_KEY=$KEY_A,$KEY_B" || status=$?
if [[ "$status" -eq 0 ]] && grep -q 'SECURE_KEY  *ok' "$out/release.out"; then
  ok "release dyno: the Procfile's release command passes with good keys"
else
  not_ok "release dyno: the Procfile's release command passes with good keys" \
    "exit $status" "$(show "$out/release.out")" "$(show "$out/release.err")"
fi

status=0
dyno release-missing "$release_cmd" || status=$?
if [[ "$status" -eq 1 ]] && grep -q 'missing' "$out/release-missing.out"; then
  ok "release dyno: fails the release when SECURE_KEY is missing"
else
  not_ok "release dyno: fails the release when SECURE_KEY is missing" "exit $status"
fi

status=0
dyno release-malformed "$release_cmd" "SECURE_KEY=$KEY_A,${KEY_B:0:40}" || status=$?
if [[ "$status" -eq 1 ]] && grep -q 'length' "$out/release-malformed.out"; then
  ok "release dyno: fails the release when a key is malformed"
else
  not_ok "release dyno: fails the release when a key is malformed" "exit $status"
fi

status=0
dyno web "$web_cmd" "SECURE_KEY=$KEY_A,$KEY_B" || status=$?
if [[ "$status" -eq 0 ]] && grep -qF "web: up on port 5000; key file $app/.securekey/keys.json" "$out/web.out" &&
  [[ ! -s "$out/web.err" ]] && [[ -f "$key_file" ]] &&
  [[ "$(stat -c %a "$key_file")" == 600 ]] && holds "$key_file" "$KEY_A" "$KEY_B"; then
  ok "web dyno: boot writes the key file (0600) and exports SECUREKEY_FILE under \$HOME"
else
  not_ok "web dyno: boot writes the key file (0600) and exports SECUREKEY_FILE under \$HOME" \
    "exit $status" "$(show "$out/web.out")" "$(show "$out/web.err")"
fi

# The add-on rotates (A,B -> C,A) without a release: only the boot sees it.
status=0
dyno web-rotated "$web_cmd" "SECURE_KEY=$KEY_C,$KEY_A" || status=$?
if [[ "$status" -eq 0 ]] && grep -q '^web: up' "$out/web-rotated.out" && holds "$key_file" "$KEY_C" "$KEY_A"; then
  ok "web dyno: a boot after a rotation writes the rotated pair"
else
  not_ok "web dyno: a boot after a rotation writes the rotated pair" "exit $status"
fi

status=0
dyno web-broken "$web_cmd" "SECURE_KEY=$KEY_A" || status=$?
if [[ "$status" -eq 0 ]] && grep -q '^web: up' "$out/web-broken.out" && [[ ! -e "$key_file" ]] &&
  grep -q 'key-count' "$out/web-broken.err" &&
  grep -q 'the dyno boots anyway' "$out/web-broken.err"; then
  ok "web dyno: a broken key is logged and the dyno boots without a key file"
else
  not_ok "web dyno: a broken key is logged and the dyno boots without a key file" \
    "exit $status" "$(show "$out/web-broken.err")"
fi

# The add-on could not read its key during a rotation and wrote `NEW,`: the
# dyno boots with the latest key alone, and nothing says no file was written.
status=0
dyno web-new-comma "$web_cmd" "SECURE_KEY=$KEY_A," || status=$?
if [[ "$status" -eq 0 ]] && grep -q '^web: up' "$out/web-new-comma.out" && holds "$key_file" "$KEY_A" None &&
  grep -q 'latest key alone' "$out/web-new-comma.err" &&
  ! grep -q 'not written' "$out/web-new-comma.err"; then
  ok "web dyno: the add-on's NEW, boots with the latest key alone"
else
  not_ok "web dyno: the add-on's NEW, boots with the latest key alone" \
    "exit $status" "$(show "$out/web-new-comma.err")"
fi

status=0
dyno web-strict "$web_cmd" "SECURE_KEY=$KEY_A" SECUREKEY_BOOT=strict || status=$?
if [[ "$status" -ne 0 ]] && ! grep -q '^web: up' "$out/web-strict.out" && [[ ! -e "$key_file" ]] &&
  grep -q 'SECUREKEY_BOOT=strict stops the boot' "$out/web-strict.err"; then
  ok "web dyno: SECUREKEY_BOOT=strict stops the boot on a broken key"
else
  not_ok "web dyno: SECUREKEY_BOOT=strict stops the boot on a broken key" \
    "exit $status" "$(show "$out/web-strict.out")"
fi

status=0
dyno web-strict-good "$web_cmd" "SECURE_KEY=$KEY_A,$KEY_B" SECUREKEY_BOOT=strict || status=$?
if [[ "$status" -eq 0 ]] && grep -q '^web: up' "$out/web-strict-good.out" && holds "$key_file" "$KEY_A" "$KEY_B"; then
  ok "web dyno: SECUREKEY_BOOT=strict boots with good keys"
else
  not_ok "web dyno: SECUREKEY_BOOT=strict boots with good keys" "exit $status"
fi

status=0
dyno web-off "$web_cmd" "SECURE_KEY=$KEY_A" SECUREKEY_BOOT=off || status=$?
if [[ "$status" -eq 0 ]] && grep -q '^web: up' "$out/web-off.out" && [[ ! -e "$key_file" ]] &&
  [[ ! -s "$out/web-off.err" ]]; then
  ok "web dyno: SECUREKEY_BOOT=off skips the check and the key file"
else
  not_ok "web dyno: SECUREKEY_BOOT=off skips the check and the key file" "exit $status"
fi

status=0
dyno web-file "$web_cmd" "SECURE_KEY=$KEY_A,$KEY_B" SECUREKEY_FILE="$app/tmp/keys.json" || status=$?
if [[ "$status" -eq 0 ]] && [[ -f "$app/tmp/keys.json" && ! -e "$key_file" ]] &&
  grep -qF "key file $app/tmp/keys.json" "$out/web-file.out"; then
  ok "web dyno: a SECUREKEY_FILE config var moves the key file"
else
  not_ok "web dyno: a SECUREKEY_FILE config var moves the key file" "exit $status"
fi

# Sourced into the dyno's shell: it must not leave errexit, nounset or
# pipefail on for the app's command, on success or failure.
# shellcheck disable=SC2016 # expanded by the dyno's shell
shell_opts='[[ $- != *e* && $- != *u* ]] && ! shopt -qo pipefail && echo "shell options untouched"'
status=0
dyno web-opts "$shell_opts" "SECURE_KEY=$KEY_A,$KEY_B" || status=$?
dyno web-opts-broken "$shell_opts" "SECURE_KEY=$KEY_A" || status=$?
if [[ "$status" -eq 0 ]] && grep -q 'untouched' "$out/web-opts.out" && grep -q 'untouched' "$out/web-opts-broken.out"; then
  ok "the .profile.d script leaves the dyno shell's options alone"
else
  not_ok "the .profile.d script leaves the dyno shell's options alone" "exit $status"
fi

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
check "build logs, release and boot output hold no key material" \
  no_key_material "$work/key-windows" "$out"

finish classic
