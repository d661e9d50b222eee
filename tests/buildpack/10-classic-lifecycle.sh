#!/usr/bin/env bash
# tests/buildpack/10-classic-lifecycle.sh DIST_DIR
#
# Plays Heroku's classic buildpack lifecycle with the packaged buildpack
# (DIST_DIR/securekey-buildpack-<version>.tgz): detect, compile in a cleared
# environment with an ENV_DIR, the `export` file, release YAML, the
# buildpack order (securekey first, a language buildpack last: the process
# types the platform would take), the slug moved to another path, then
# release and web dynos booted from it. compile's faults: relative paths, a
# file where the cache goes, a read-only and a full BUILD_DIR (tmpfs mounts:
# this suite runs as root). The buildpack without vendored binaries is
# 11-classic-from-source.sh. No output and no slug file may hold key
# material.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$here/lib.sh"

dist="${1:?usage: $0 DIST_DIR}"
version="$(bp_package_version "$root")"
tarball="$dist/securekey-buildpack-$version.tgz"

work="$(mktemp -d)"
mounts=() # tmpfs mounts under $work, unmounted before it is removed
cleanup() {
  local m
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
out="$work/out" # every captured output: build logs, release, dyno boots
mkdir -p "$out"
key_windows "$work/key-windows"

# shellcheck source=tests/buildpack/classic-setup.sh
source "$here/classic-setup.sh"

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
if [[ "$status" -eq 1 ]] && grep -q '^ !     .*SECUREKEY_BUILD_STRICT=1 fails the build' "$out/compile-strict.err" &&
  ! grep -qv '^ !     ' "$out/compile-strict.err" &&
  [[ ! -e "$work/build_strict/.heroku" && ! -e "$work/build_strict/.profile.d" ]]; then
  ok "compile with SECUREKEY_BUILD_STRICT=1 and a broken key fails with a ' !     ' error, installing nothing"
else
  not_ok "compile with SECUREKEY_BUILD_STRICT=1 and a broken key fails with a ' !     ' error, installing nothing" \
    "exit $status" "$(show "$out/compile-strict.err")"
fi

env_dir "$work/env-strict-good" "SECURE_KEY=$KEY_A,$KEY_B" "SECUREKEY_BUILD_STRICT=1"
status=0
compile compile-strict-good "$bp" "$work/build_strict_good" "$work/cache-strict-good" "$work/env-strict-good" || status=$?
check "compile with SECUREKEY_BUILD_STRICT=1 and good keys passes" test "$status" -eq 0

# ------------------------------------------------------------ compile's faults
# Run by hand from a folder with relative paths: the same build as with
# Heroku's absolute ones (the check finds the ENV_DIR, the export file names
# the binary by its absolute path).
mkdir -p "$work/rel"
cp -R "$here/fixtures/classic/app" "$work/rel/b"
cp -R "$work/env-good" "$work/rel/e"
status=0
(cd "$work/rel" && env -i PATH="$base_path" HOME="$work/build-home" "$bp/bin/compile" b c e \
  >"$out/compile-relative.out" 2>"$out/compile-relative.err") || status=$?
# shellcheck disable=SC2016 # expanded by the inner shell
found="$(env -i PATH="$base_path" bash -c '. "$1" && command -v securekey' export "$bp/export" 2>&1 || true)"
if [[ "$status" -eq 0 ]] && grep -q '^       SECURE_KEY  *ok' "$out/compile-relative.out" &&
  ! grep -q 'Warning' "$out/compile-relative.out" && [[ ! -s "$out/compile-relative.err" ]] &&
  [[ "$found" == "$work/rel/b/.heroku/securekey/bin/securekey" ]]; then
  ok "compile with relative paths (bin/compile b c e) builds as with absolute ones; export names the absolute path"
else
  not_ok "compile with relative paths (bin/compile b c e) builds as with absolute ones; export names the absolute path" \
    "exit $status" "found: $found" "$(show "$out/compile-relative.out")" "$(show "$out/compile-relative.err")"
fi

# A packaged buildpack needs no cache: a file where it goes does not stop
# the build (the git-URL install, which does, is 40-install-from-git's).
cp -R "$here/fixtures/classic/app" "$work/build_cachefile"
printf 'in the way\n' >"$work/cache-file"
status=0
compile compile-cachefile "$bp" "$work/build_cachefile" "$work/cache-file" "$work/env-good" || status=$?
if [[ "$status" -eq 0 && -x "$work/build_cachefile/.heroku/securekey/bin/securekey" ]] &&
  [[ "$(<"$work/cache-file")" == "in the way" ]]; then
  ok "compile of the packaged buildpack with a file where the cache goes installs (it needs no cache)"
else
  not_ok "compile of the packaged buildpack with a file where the cache goes installs (it needs no cache)" \
    "exit $status" "$(show "$out/compile-cachefile.err")"
fi

# failed_whole NAME STATUS PATTERN: compile failed with one ' !     ' error
# (every stderr line is one) holding PATTERN, and BUILD_DIR holds exactly
# the app's files, as before.
failed_whole() {
  local name="$1" status="$2" build="$3" pattern="$4" files
  [[ "$status" -ne 0 && -s "$out/$name.err" ]] && ! grep -qv '^ !     ' "$out/$name.err" &&
    grep -qF -- "$pattern" "$out/$name.err" || return 1
  files="$(cd "$build" && find . -mindepth 1 | LC_ALL=C sort | tr '\n' ' ')"
  [[ "$files" == "$app_files" ]] || {
    printf '#   left in BUILD_DIR: %s\n' "$files"
    return 1
  }
}
app_files="$(cd "$here/fixtures/classic/app" && find . -mindepth 1 | LC_ALL=C sort | tr '\n' ' ')"

# mount_tmpfs DIR SIZE [ro]: a tmpfs at DIR holding a copy of the app (then
# remounted read-only with ro); returns 1 if this machine cannot mount.
mount_tmpfs() {
  local dir="$1" size="$2"
  mkdir -p "$dir"
  mount -t tmpfs -o "size=$size,mode=0755" tmpfs "$dir" 2>"$out/mount.err" || return 1
  mounts+=("$dir")
  cp -R "$here/fixtures/classic/app/." "$dir/" || return 1
  if [[ "${3:-}" == ro ]]; then mount -o remount,ro "$dir" 2>>"$out/mount.err" || return 1; fi
}

if mount_tmpfs "$work/build_ro" 4m ro; then
  status=0
  compile compile-ro "$bp" "$work/build_ro" "$work/cache-ro" "$work/env-good" || status=$?
  if failed_whole compile-ro "$status" "$work/build_ro" "Read-only file system" &&
    grep -qF "Nothing was installed" "$out/compile-ro.err" && ! grep -q 'Installed' "$out/compile-ro.out"; then
    ok "compile into a read-only BUILD_DIR: one ' !     ' error naming it, nothing written"
  else
    not_ok "compile into a read-only BUILD_DIR: one ' !     ' error naming it, nothing written" \
      "exit $status" "$(show "$out/compile-ro.err")"
  fi
else
  not_ok "compile into a read-only BUILD_DIR: cannot mount a tmpfs here (needs root)" "$(show "$out/mount.err")"
fi

# 256 KiB: the app fits, the binary (about 1 MiB) does not.
if mount_tmpfs "$work/build_full" 256k; then
  status=0
  compile compile-full "$bp" "$work/build_full" "$work/cache-full" "$work/env-good" || status=$?
  if failed_whole compile-full "$status" "$work/build_full" "No space left on device" &&
    grep -qF "Nothing was installed" "$out/compile-full.err" && ! grep -q 'Installed' "$out/compile-full.out"; then
    ok "compile into a full BUILD_DIR: one ' !     ' error naming it, no half-copied file left"
  else
    not_ok "compile into a full BUILD_DIR: one ' !     ' error naming it, no half-copied file left" \
      "exit $status" "$(show "$out/compile-full.err")"
  fi
else
  not_ok "compile into a full BUILD_DIR: cannot mount a tmpfs here (needs root)" "$(show "$out/mount.err")"
fi

# ------------------------------------------------------------------ release
expected_release="$(printf '%s\n' '---' 'default_process_types:' '  release: securekey check')"
if env -i PATH="$base_path" "$bp/bin/release" "$build" >"$out/release.out" 2>&1 &&
  [[ "$(<"$out/release.out")" == "$expected_release" ]]; then
  ok "release offers 'release: securekey check' as a default process type"
else
  not_ok "release offers 'release: securekey check' as a default process type" "$(show "$out/release.out")"
fi

# ------------------------------------------------------- the buildpack order
# Heroku runs the buildpacks in order, each later one after sourcing the
# earlier ones' export files, and takes the process types from the LAST
# buildpack's bin/release only: "The last buildpack in the list is used to
# determine the process types for the application. Any process types
# defined from earlier buildpacks will be ignored."
# (https://devcenter.heroku.com/articles/using-multiple-buildpacks-for-an-app)
# A Procfile's types win over those defaults (the Buildpack API's
# default_process_types are used only where the Procfile lacks the type).
# So securekey goes first (`heroku buildpacks:add --index 1`), the language
# buildpack last, and the Procfile's release: line is the gate.
lang_bp="$here/fixtures/language-buildpack"

# build_in_order NAME APP_DIR BUILDPACK…: compiles APP_DIR with each
# buildpack in order (each after the earlier ones' export files), output
# to $out/NAME.out and NAME.err; returns the first failure's status.
build_in_order() {
  local name="$1" build="$2" one status=0
  shift 2
  : >"$out/$name.out"
  : >"$out/$name.err"
  for one in "$@"; do
    # shellcheck disable=SC2016 # expanded by the inner shell
    env -i PATH="$base_path" HOME="$work/build-home" STACK=heroku-24 bash -c '
      for f in "${@:4}"; do [[ -f "$f" ]] && . "$f"; done
      exec "$1/bin/compile" "$2" "$3" "$0"' "$work/env-good" "$one" "$build" "$work/cache-$name" \
      "${exported[@]}" >>"$out/$name.out" 2>>"$out/$name.err" || status=$?
    [[ "$status" -eq 0 ]] || return "$status"
    exported+=("$one/export")
  done
}

# process_types BUILD_DIR LAST_BUILDPACK: the process types the platform
# gives the release, one `type: command` line each, sorted: the Procfile's,
# plus the last buildpack's default_process_types the Procfile lacks.
process_types() {
  {
    if [[ -f "$1/Procfile" ]]; then sed -nE 's/^([A-Za-z0-9_-]+):[[:space:]]*(.*)$/\1: \2/p' "$1/Procfile"; fi
    "$2/bin/release" "$1" | awk '
      /^default_process_types:/ { on = 1; next }
      on && /^  [A-Za-z0-9_-]+:/ { sub(/^  /, ""); print; next }
      on && /^[^ ]/ { on = 0 }'
  } | awk -F': ' '!seen[$1]++' | LC_ALL=C sort
}

exported=()
cp -R "$here/fixtures/classic/app" "$work/build_order"
status=0
build_in_order order "$work/build_order" "$bp" "$lang_bp" || status=$?
types="$(process_types "$work/build_order" "$lang_bp")"
expected_types="$(printf '%s\n' 'console: fakelang-console' 'release: securekey check' \
  "$(grep '^web:' "$work/build_order/Procfile")" | LC_ALL=C sort)"
if [[ "$status" -eq 0 && "$types" == "$expected_types" ]] &&
  grep -qF "securekey on PATH: $work/build_order/.heroku/securekey/bin/securekey" "$out/order.out"; then
  ok "securekey first, the language buildpack last: the Procfile's release: and web:, the language's other defaults"
else
  not_ok "securekey first, the language buildpack last: the Procfile's release: and web:, the language's other defaults" \
    "exit $status" "types: $(tr '\n' ';' <<<"$types")" "$(show "$out/order.out")"
fi

# Without a Procfile: the language's web: and console:, and no release
# phase, whatever securekey's bin/release offers; compile says how to add
# the gate.
exported=()
cp -R "$here/fixtures/classic/app" "$work/build_noprocfile"
rm "$work/build_noprocfile/Procfile"
status=0
build_in_order noprocfile "$work/build_noprocfile" "$bp" "$lang_bp" || status=$?
types="$(process_types "$work/build_noprocfile" "$lang_bp")"
# shellcheck disable=SC2016 # $PORT is the Procfile's, not ours
lang_defaults="$(printf '%s\n' 'console: fakelang-console' 'web: fakelang-server --port $PORT')"
if [[ "$status" -eq 0 && "$types" == "$lang_defaults" ]] &&
  grep -qF "The Procfile has no release: line" "$out/noprocfile.out" &&
  grep -qF "  release: securekey check" "$out/noprocfile.out"; then
  ok "no Procfile: the language's defaults, no release phase; compile says to add 'release: securekey check'"
else
  not_ok "no Procfile: the language's defaults, no release phase; compile says to add 'release: securekey check'" \
    "exit $status" "types: $(tr '\n' ';' <<<"$types")" "$(show "$out/noprocfile.out")"
fi

# The wrong order (`heroku buildpacks:add` without --index 1 appends):
# securekey's defaults replace the language's, and web: is lost.
exported=()
cp -R "$here/fixtures/classic/app" "$work/build_wrongorder"
rm "$work/build_wrongorder/Procfile"
status=0
build_in_order wrongorder "$work/build_wrongorder" "$lang_bp" "$bp" || status=$?
types="$(process_types "$work/build_wrongorder" "$bp")"
if [[ "$status" -eq 0 && "$types" == "release: securekey check" ]]; then
  ok "securekey last (the wrong order): its release: default only, the language's web: is lost"
else
  not_ok "securekey last (the wrong order): its release: default only, the language's web: is lost" \
    "exit $status" "types: $(tr '\n' ';' <<<"$types")"
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

# Under a caller's `set -u` (a Procfile command line or a runner may turn
# it on before .profile.d is sourced): a good boot works, and with HOME
# unset (never on Heroku or Dokku, whose dynos have HOME=/app) the script
# cannot find the binary: it logs one error and the shell goes on, unless
# SECUREKEY_BOOT=strict, which stops it. The same when the binary is missing.
# boot_u NAME [VAR=VALUE…]: sources the slug's script in a `set -u` bash
# with only PATH and VAR=VALUE set, from an empty working directory.
boot_u() {
  local name="$1"
  shift
  rm -rf "$work/cwd-$name"
  mkdir -p "$work/cwd-$name"
  # shellcheck disable=SC2016 # expanded by the dyno's shell
  (cd "$work/cwd-$name" && env -i PATH="$base_path" "$@" \
    bash -c 'set -u; . "$1"; echo "booted: ${SECUREKEY_FILE:-no key file}"' boot "$app/.profile.d/securekey.sh" \
    >"$out/$name.out" 2>"$out/$name.err")
}
rm -rf "$app"
cp -a "$slug" "$app"
status=0
boot_u setu-home "HOME=$app" "SECURE_KEY=$KEY_A,$KEY_B" || status=$?
if [[ "$status" -eq 0 ]] && grep -qxF "booted: $app/.securekey/keys.json" "$out/setu-home.out" &&
  [[ ! -s "$out/setu-home.err" ]] && holds "$app/.securekey/keys.json" "$KEY_A" "$KEY_B"; then
  ok "under set -u, the boot script writes the key file and exports SECUREKEY_FILE"
else
  not_ok "under set -u, the boot script writes the key file and exports SECUREKEY_FILE" \
    "exit $status" "$(show "$out/setu-home.out")" "$(show "$out/setu-home.err")"
fi
status=0
boot_u setu-nohome "SECURE_KEY=$KEY_A,$KEY_B" || status=$?
if [[ "$status" -eq 0 ]] && grep -qxF "booted: no key file" "$out/setu-nohome.out" &&
  [[ "$(wc -l <"$out/setu-nohome.err")" -eq 1 ]] && grep -qF "no securekey binary" "$out/setu-nohome.err" &&
  grep -qF "(is HOME set?)" "$out/setu-nohome.err" && [[ -z "$(ls -A "$work/cwd-setu-nohome")" ]]; then
  ok "under set -u with HOME unset, the boot script logs one error and the boot goes on"
else
  not_ok "under set -u with HOME unset, the boot script logs one error and the boot goes on" \
    "exit $status" "$(show "$out/setu-nohome.out")" "$(show "$out/setu-nohome.err")"
fi
status=0
boot_u setu-nohome-strict "SECURE_KEY=$KEY_A,$KEY_B" SECUREKEY_BOOT=strict || status=$?
if [[ "$status" -ne 0 ]] && ! grep -q booted "$out/setu-nohome-strict.out" &&
  grep -qF "SECUREKEY_BOOT=strict stops the boot" "$out/setu-nohome-strict.err"; then
  ok "with HOME unset and SECUREKEY_BOOT=strict, the boot stops"
else
  not_ok "with HOME unset and SECUREKEY_BOOT=strict, the boot stops" "exit $status" "$(show "$out/setu-nohome-strict.err")"
fi
status=0
boot_u setu-nohome-off SECUREKEY_BOOT=off || status=$?
if [[ "$status" -eq 0 ]] && grep -q booted "$out/setu-nohome-off.out" && [[ ! -s "$out/setu-nohome-off.err" ]]; then
  ok "with HOME unset and SECUREKEY_BOOT=off, the boot script says nothing"
else
  not_ok "with HOME unset and SECUREKEY_BOOT=off, the boot script says nothing" "exit $status"
fi
rm "$app/.heroku/securekey/bin/securekey"
status=0
boot_u nobinary "HOME=$app" "SECURE_KEY=$KEY_A,$KEY_B" || status=$?
if [[ "$status" -eq 0 ]] && grep -q booted "$out/nobinary.out" && grep -qF "no securekey binary" "$out/nobinary.err"; then
  ok "with the binary missing from the slug, the boot script logs one error and the boot goes on"
else
  not_ok "with the binary missing from the slug, the boot script logs one error and the boot goes on" \
    "exit $status" "$(show "$out/nobinary.err")"
fi

# ------------------------------------------------------------- no leaks
check "build logs, release and boot output hold no key material" \
  no_key_material "$work/key-windows" "$out"

finish classic
