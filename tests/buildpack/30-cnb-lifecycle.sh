#!/usr/bin/env bash
# Plays the Cloud Native Buildpack through the phases by hand, as the CNB
# lifecycle would (Buildpack API 0.10): detect and build for amd64 and arm64
# with the CNB_* variables, a cleared environment and the app as working
# directory; then the layer's exec.d program the way the launcher runs it,
# with file descriptor 3 captured. The arm64 binary runs under qemu-aarch64.
#
# Usage: tests/buildpack/30-cnb-lifecycle.sh DIST_DIR
#   DIST_DIR holds securekey-cnb-<version>.tgz (written by scripts/package).
# Prints `ok - …` / `not ok - …` per case and ends with `cnb: N passed, M failed`.
set -euo pipefail

if (($# != 1)); then
  echo "usage: $0 DIST_DIR" >&2
  exit 2
fi
dist="$(cd "$1" && pwd)"

# Test keys: never printed; every 8-char window of each is searched for in
# every output.
key_a=3F6D463C2A79289DC5B3C13A4EB2736B0D51A80234CAEAF0EA12D15F12E9FDEE
key_b=CF8BBE474F57D9CA1DB402B2D19873E2F05ABED1213256FB761E166A2C8E6EBA
good="${key_a},${key_b}"
broken="${key_a:0:63},${key_b}" # latest one char short: the `length` check

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
report() {
  local name="$1"
  shift
  if "$@"; then
    echo "ok - ${name}"
    passed=$((passed + 1))
  else
    echo "not ok - ${name}"
    failed=$((failed + 1))
  fi
}
why() { echo "    # $*" >&2; }

windows="${work}/windows"
for k in "$key_a" "$key_b"; do
  for ((i = 0; i + 8 <= ${#k}; i++)); do
    echo "${k:i:8}"
  done
done >"$windows"

# No 8-char window of a test key in the given files or directories
# (recursively), case-insensitive. Names the file, never the match.
no_key_material() {
  local hits
  hits="$(grep -rliF -f "$windows" -- "$@" || true)"
  if [[ -n "$hits" ]]; then
    why "key material in: ${hits//$'\n'/ }"
    return 1
  fi
}

# A file's first lines, indented, for a failure; only when it holds no key.
show() {
  if [[ -s "$1" ]] && no_key_material "$1" 2>/dev/null; then
    sed -n '1,5s/^/    #   /p' "$1" >&2
  fi
}

have_tomllib=0
if python3 -c 'import tomllib' 2>/dev/null; then
  have_tomllib=1
fi

# Prints the value of one key of a TOML file as JSON (tomllib), or fails.
toml_get() {
  python3 - "$1" "$2" <<'PY'
import json, sys, tomllib
with open(sys.argv[1], "rb") as f:
    doc = tomllib.load(f)
for part in sys.argv[2].split("."):
    doc = doc[int(part)] if isinstance(doc, list) else doc[part]
print(json.dumps(doc))
PY
}

# --- the buildpack --------------------------------------------------------

tarballs=("$dist"/securekey-cnb-*.tgz)
if [[ ! -f "${tarballs[0]}" ]]; then
  echo "not ok - no securekey-cnb-*.tgz in ${dist}"
  echo "cnb: 0 passed, 1 failed"
  exit 1
fi
bp="${work}/buildpack"
mkdir -p "$bp"
tar -xzf "${tarballs[0]}" -C "$bp"

case_tarball() {
  local f
  for f in buildpack.toml bin/detect bin/build vendor/amd64/securekey vendor/arm64/securekey; do
    [[ -f "${bp}/${f}" ]] || { why "missing ${f}"; return 1; }
  done
  for f in bin/detect bin/build vendor/amd64/securekey vendor/arm64/securekey; do
    [[ -x "${bp}/${f}" ]] || { why "${f} is not executable"; return 1; }
  done
  file -b "${bp}/vendor/amd64/securekey" | grep -q 'x86-64.*statically linked\|x86-64.*static-pie' ||
    { why "vendor/amd64/securekey is not a static x86-64 binary"; return 1; }
  file -b "${bp}/vendor/arm64/securekey" | grep -q 'ARM aarch64.*statically linked\|ARM aarch64.*static-pie' ||
    { why "vendor/arm64/securekey is not a static aarch64 binary"; return 1; }
  local version
  version="$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "${bp}/buildpack.toml" | head -n 1)"
  [[ "$(basename "${tarballs[0]}")" == "securekey-cnb-${version}.tgz" ]] ||
    { why "tarball name does not carry buildpack.toml's version ${version}"; return 1; }
  if ((have_tomllib)); then
    [[ "$(toml_get "${bp}/buildpack.toml" api)" == '"0.10"' ]] || { why "api is not \"0.10\""; return 1; }
    toml_get "${bp}/buildpack.toml" buildpack.id >/dev/null || { why "no buildpack.id"; return 1; }
    [[ "$(toml_get "${bp}/buildpack.toml" targets.0.arch)" == '"amd64"' &&
      "$(toml_get "${bp}/buildpack.toml" targets.1.arch)" == '"arm64"' &&
      "$(toml_get "${bp}/buildpack.toml" targets.0.os)" == '"linux"' &&
      "$(toml_get "${bp}/buildpack.toml" targets.1.os)" == '"linux"' ]] ||
      { why "targets are not linux/amd64 and linux/arm64"; return 1; }
  else
    grep -qx 'api = "0.10"' "${bp}/buildpack.toml" || { why "api is not \"0.10\""; return 1; }
  fi
}
report "tarball holds buildpack.toml (api 0.10, linux amd64+arm64), bin/detect, bin/build and both static binaries" case_tarball

# --- detect and build -------------------------------------------------------

# The app: a source tree with nothing securekey-specific in it.
app="${work}/app"
mkdir -p "$app"
echo 'web: ./server' >"${app}/Procfile"

# Config vars as the platform gives them to detect and build: one file each.
make_platform() { # DIR VALUE_OF_SECURE_KEY [NAME=VALUE...]
  local dir="$1" value="$2"
  shift 2
  mkdir -p "${dir}/env"
  printf '%s' "$value" >"${dir}/env/SECURE_KEY"
  local kv
  for kv in "$@"; do
    printf '%s' "${kv#*=}" >"${dir}/env/${kv%%=*}"
  done
}

# Runs a phase as the lifecycle would: cleared env, CNB_* vars, cwd = app.
# Sets `rc`; output in OUT/stdout and OUT/stderr.
rc=0
run_phase() { # PHASE ARCH PLATFORM_DIR LAYERS_DIR OUT
  local phase="$1" arch="$2" platform="$3" layers="$4" out="$5"
  mkdir -p "$out" "$layers"
  : >"${work}/plan.toml"
  rc=0
  (cd "$app" && env -i PATH=/usr/bin:/bin HOME="${work}/buildhome" \
    CNB_BUILDPACK_DIR="$bp" CNB_LAYERS_DIR="$layers" CNB_PLATFORM_DIR="$platform" \
    CNB_BP_PLAN_PATH="${work}/plan.toml" CNB_BUILD_PLAN_PATH="${out}/build-plan.toml" \
    CNB_TARGET_OS=linux CNB_TARGET_ARCH="$arch" \
    "${bp}/bin/${phase}" >"${out}/stdout" 2>"${out}/stderr") || rc=$?
}

platform_good="${work}/platform-good"
make_platform "$platform_good" "$good"

case_detect() {
  local arch
  for arch in amd64 arm64; do
    run_phase detect "$arch" "$platform_good" "${work}/detect-layers-${arch}" "${work}/out/detect-${arch}"
    ((rc == 0)) || { why "detect (${arch}) exited ${rc}"; show "${work}/out/detect-${arch}/stderr"; return 1; }
    [[ ! -s "${work}/out/detect-${arch}/build-plan.toml" ]] || no_key_material "${work}/out/detect-${arch}/build-plan.toml" || return 1
    no_key_material "${work}/out/detect-${arch}" || return 1
  done
}
report "detect passes for any app (amd64, arm64) and writes nothing secret" case_detect

# Builds ARCH into its own layers dir and checks the layer.
case_build() { # ARCH
  local arch="$1"
  local layers="${work}/layers-${arch}" out="${work}/out/build-${arch}"
  run_phase build "$arch" "$platform_good" "$layers" "$out"
  ((rc == 0)) || { why "build (${arch}) exited ${rc}"; show "${out}/stderr"; return 1; }
  local layer="${layers}/securekey"
  [[ -x "${layer}/bin/securekey" ]] || { why "no executable ${layer}/bin/securekey"; return 1; }
  cmp -s "${layer}/bin/securekey" "${bp}/vendor/${arch}/securekey" ||
    { why "the layer's binary is not vendor/${arch}/securekey"; return 1; }
  [[ -x "${layer}/exec.d/securekey" ]] || { why "no executable exec.d program"; return 1; }
  [[ -f "${layers}/securekey.toml" ]] || { why "no securekey.toml"; return 1; }
  if ((have_tomllib)); then
    [[ "$(toml_get "${layers}/securekey.toml" types.launch)" == true &&
      "$(toml_get "${layers}/securekey.toml" types.build)" == false &&
      "$(toml_get "${layers}/securekey.toml" types.cache)" == false ]] ||
      { why "securekey.toml [types] is not launch=true build=false cache=false"; return 1; }
  else
    grep -qx 'launch = true' "${layers}/securekey.toml" || { why "no launch = true"; return 1; }
  fi
  grep -q 'config vars are fine' "${out}/stdout" || { why "the early check did not pass"; show "${out}/stdout"; return 1; }
  no_key_material "$out" "$layers" || return 1
}
report "build (CNB_TARGET_ARCH=amd64): launch layer with bin/securekey (amd64), exec.d, [types] launch = true" case_build amd64
report "build (CNB_TARGET_ARCH=arm64): launch layer with bin/securekey (arm64), exec.d, [types] launch = true" case_build arm64

case_build_uname() {
  local host layers="${work}/layers-uname"
  case "$(uname -m)" in
  x86_64) host=amd64 ;;
  aarch64) host=arm64 ;;
  *) why "no vendored binary for this machine ($(uname -m))"; return 1 ;;
  esac
  run_phase build "" "$platform_good" "$layers" "${work}/out/build-uname"
  ((rc == 0)) || { why "build without CNB_TARGET_ARCH exited ${rc}"; return 1; }
  cmp -s "${layers}/securekey/bin/securekey" "${bp}/vendor/${host}/securekey" ||
    { why "the layer's binary is not vendor/${host}/securekey"; return 1; }
}
report "build without CNB_TARGET_ARCH: falls back to this machine's arch (uname -m)" case_build_uname

case_build_warns() {
  local platform="${work}/platform-broken" out="${work}/out/build-broken"
  make_platform "$platform" "$broken"
  run_phase build amd64 "$platform" "${work}/layers-broken" "$out"
  ((rc == 0)) || { why "build with a broken key exited ${rc} (want 0: warnings only)"; show "${out}/stderr"; return 1; }
  grep -q 'warning' "${out}/stderr" || { why "no warning on stderr"; return 1; }
  no_key_material "$out" "${work}/layers-broken" || return 1

  local platform_s="${work}/platform-broken-strict" out_s="${work}/out/build-broken-strict"
  make_platform "$platform_s" "$broken" SECUREKEY_BUILD_STRICT=1
  run_phase build amd64 "$platform_s" "${work}/layers-broken-strict" "$out_s"
  ((rc != 0)) || { why "build with a broken key under SECUREKEY_BUILD_STRICT=1 exited 0"; return 1; }
  no_key_material "$out_s" "${work}/layers-broken-strict" || return 1
}
report "build with a broken key: warning only; SECUREKEY_BUILD_STRICT=1 (platform env) fails the build" case_build_warns

case_same_execd() {
  cmp -s "${work}/layers-amd64/securekey/exec.d/securekey" "${work}/layers-arm64/securekey/exec.d/securekey" ||
    { why "the exec.d programs differ between arches"; return 1; }
}
report "the exec.d program is the same for both arches (only the binary differs)" case_same_execd

# --- launch: the exec.d program ------------------------------------------------

# Runs an exec.d command as the launcher does: the app's env (cleared, then
# HOME, PATH with the layer's bin/, and the given vars), cwd = app, fd 3
# captured to OUT/fd3 (or closed with FD3=closed). Sets `rc`.
run_execd() { # NAME FD3(open|closed) LAYER [VAR=VALUE...] -- CMD...
  local name="$1" fd3="$2" layer="$3"
  shift 3
  local vars=()
  while (($# > 0)) && [[ "$1" != -- ]]; do
    vars+=("$1")
    shift
  done
  shift
  local out="${work}/out/${name}"
  mkdir -p "$out" "${work}/home/${name}"
  : >"${out}/fd3"
  rc=0
  if [[ "$fd3" == open ]]; then
    (cd "$app" && env -i HOME="${work}/home/${name}" PATH="${layer}/bin:/usr/bin:/bin" "${vars[@]}" \
      "$@" 3>"${out}/fd3" >"${out}/stdout" 2>"${out}/stderr") || rc=$?
  else
    (cd "$app" && env -i HOME="${work}/home/${name}" PATH="${layer}/bin:/usr/bin:/bin" "${vars[@]}" \
      "$@" 3>&- >"${out}/stdout" 2>"${out}/stderr") || rc=$?
  fi
}

# The key file a good run must leave, and the fd 3 line pointing at it.
expect_written() { # NAME [KEY_FILE]
  local name="$1" out="${work}/out/$1"
  local key_file="${2:-${work}/home/${name}/.securekey/keys.json}"
  ((rc == 0)) || { why "exit ${rc}, want 0"; show "${out}/stderr"; return 1; }
  [[ -f "$key_file" ]] || { why "no key file at ${key_file}"; return 1; }
  [[ "$(stat -c %a "$key_file")" == 600 ]] || { why "key file mode is $(stat -c %a "$key_file"), want 600"; return 1; }
  local want
  want="$(printf 'SECUREKEY_FILE = "%s"' "$key_file")"
  [[ "$(cat "${out}/fd3")" == "$want" ]] ||
    { why "fd 3 does not hold exactly: ${want}"; show "${out}/fd3"; return 1; }
  if ((have_tomllib)); then
    [[ "$(toml_get "${out}/fd3" SECUREKEY_FILE)" == "\"${key_file}\"" ]] ||
      { why "fd 3 is not TOML setting SECUREKEY_FILE"; return 1; }
  fi
  # The pair, canonical and in order; compared inside python, never printed.
  python3 - "$key_file" "$key_a" "$key_b" <<'PY' || { why "the key file does not hold SECURE_KEY's latest and previous keys"; return 1; }
import json, sys
pair = json.load(open(sys.argv[1]))["keys"]["SECURE_KEY"]
sys.exit(0 if (pair["latest"], pair["previous"]) == (sys.argv[2], sys.argv[3]) else 1)
PY
  no_key_material "$out" || return 1
}

expect_not_written() { # NAME WANT_RC
  local name="$1" want_rc="$2" out="${work}/out/$1"
  ((rc == want_rc)) || { why "exit ${rc}, want ${want_rc}"; show "${out}/stderr"; return 1; }
  [[ ! -e "${work}/home/${name}/.securekey/keys.json" ]] || { why "a key file was written"; return 1; }
  [[ ! -s "${out}/fd3" ]] || { why "fd 3 is not empty"; return 1; }
  no_key_material "$out" || return 1
}

execd_amd64="${work}/layers-amd64/securekey/exec.d/securekey"
layer_amd64="${work}/layers-amd64/securekey"
layer_arm64="${work}/layers-arm64/securekey"

case_good() {
  run_execd good open "$layer_amd64" SECURE_KEY="$good" -- "$execd_amd64"
  expect_written good
}
report "exec.d, good keys: key file 0600 at the path printed as SECUREKEY_FILE = \"…\" on fd 3" case_good

# The launcher hands exec.d the write end of a pipe, not a file.
case_pipe() {
  local out="${work}/out/pipe"
  mkdir -p "$out" "${work}/home/pipe"
  rc=0
  (cd "$app" && { env -i HOME="${work}/home/pipe" PATH="${layer_amd64}/bin:/usr/bin:/bin" SECURE_KEY="$good" \
    "$execd_amd64" 3>&1 >"${out}/stdout" 2>"${out}/stderr"; } | cat >"${out}/fd3") || rc=$?
  expect_written pipe
}
report "exec.d, fd 3 a pipe (as the launcher's): SECUREKEY_FILE = \"…\" read from the pipe" case_pipe

case_custom_path() {
  local key_file="${work}/custom/dir/keys.json"
  run_execd custom open "$layer_amd64" SECURE_KEY="$good" SECUREKEY_FILE="$key_file" -- "$execd_amd64"
  expect_written custom "$key_file"
}
report "exec.d, SECUREKEY_FILE set: writes there and prints that path on fd 3" case_custom_path

case_broken() {
  run_execd broken open "$layer_amd64" SECURE_KEY="$broken" -- "$execd_amd64"
  expect_not_written broken 0 || return 1
  grep -q 'length' "${work}/out/broken/stderr" || { why "stderr does not name the length problem"; show "${work}/out/broken/stderr"; return 1; }
  grep -q 'not written' "${work}/out/broken/stderr" || { why "stderr does not say the key file was not written"; return 1; }
}
report "exec.d, broken key: exit 0 (the process starts), no key file, nothing on fd 3, the error on stderr" case_broken

case_missing() {
  run_execd missing open "$layer_amd64" -- "$execd_amd64"
  expect_not_written missing 0 || return 1
  grep -q 'SECURE_KEY' "${work}/out/missing/stderr" || { why "stderr does not name SECURE_KEY"; return 1; }
}
report "exec.d, no SECURE_KEY at all: exit 0, no key file, the missing var on stderr" case_missing

case_strict() {
  run_execd strict open "$layer_amd64" SECURE_KEY="$broken" SECUREKEY_BOOT=strict -- "$execd_amd64"
  expect_not_written strict 1 || return 1
  grep -q 'strict' "${work}/out/strict/stderr" || { why "stderr does not say strict stopped the launch"; return 1; }
}
report "exec.d, SECUREKEY_BOOT=strict + broken key: exit 1 (the launch stops), no key file" case_strict

case_strict_good() {
  run_execd strict-good open "$layer_amd64" SECURE_KEY="$good" SECUREKEY_BOOT=strict -- "$execd_amd64"
  expect_written strict-good
}
report "exec.d, SECUREKEY_BOOT=strict + good keys: writes the key file, exit 0" case_strict_good

# Only SECUREKEY_BOOT=strict stops a launch (the boot policy, `securekey
# boot`'s and exec-d's alike): a launcher that gives no fd 3 gets the error
# logged and the process starts, with no key file written anywhere.
case_fd3_closed() {
  run_execd fd3-closed closed "$layer_amd64" SECURE_KEY="$good" -- "$execd_amd64"
  ((rc == 0)) || { why "exit ${rc}, want 0"; show "${work}/out/fd3-closed/stderr"; return 1; }
  grep -q 'file descriptor 3' "${work}/out/fd3-closed/stderr" ||
    { why "stderr does not mention file descriptor 3"; show "${work}/out/fd3-closed/stderr"; return 1; }
  [[ ! -e "${work}/home/fd3-closed/.securekey/keys.json" ]] || { why "a key file was written"; return 1; }
  run_execd fd3-closed-strict closed "$layer_amd64" SECURE_KEY="$good" SECUREKEY_BOOT=strict -- "$execd_amd64"
  ((rc == 2)) || { why "strict: exit ${rc}, want 2"; show "${work}/out/fd3-closed-strict/stderr"; return 1; }
  grep -q 'SECUREKEY_BOOT=strict stops the launch' "${work}/out/fd3-closed-strict/stderr" ||
    { why "strict: stderr does not say the launch stops"; return 1; }
  [[ ! -e "${work}/home/fd3-closed-strict/.securekey/keys.json" ]] || { why "strict: a key file was written"; return 1; }
  no_key_material "${work}/out/fd3-closed" "${work}/out/fd3-closed-strict" || return 1
}
report "exec.d, fd 3 not open: the error logged, exit 0 (exit 2 under strict), no key file" case_fd3_closed

case_off() {
  run_execd off open "$layer_amd64" SECURE_KEY="$good" SECUREKEY_BOOT=off -- "$execd_amd64"
  expect_not_written off 0
}
report "exec.d, SECUREKEY_BOOT=off: exit 0, nothing written, nothing on fd 3" case_off

# arm64: no binfmt_misc is assumed, so the exec.d program's one command (the
# layer's bin/securekey exec-d; the script is the same as amd64's, checked
# above) runs under qemu-aarch64.
qemu="$(command -v qemu-aarch64 || true)"
case_arm64_good() {
  [[ -n "$qemu" ]] || { why "qemu-aarch64 is not installed"; return 1; }
  run_execd arm64-good open "$layer_arm64" SECURE_KEY="$good" -- "$qemu" "${layer_arm64}/bin/securekey" exec-d
  expect_written arm64-good
}
report "exec.d on arm64 (qemu), good keys: key file 0600, SECUREKEY_FILE on fd 3" case_arm64_good

case_arm64_broken() {
  [[ -n "$qemu" ]] || { why "qemu-aarch64 is not installed"; return 1; }
  run_execd arm64-broken open "$layer_arm64" SECURE_KEY="$broken" -- "$qemu" "${layer_arm64}/bin/securekey" exec-d
  expect_not_written arm64-broken 0 || return 1
  grep -q 'length' "${work}/out/arm64-broken/stderr" || { why "stderr does not name the length problem"; return 1; }
}
report "exec.d on arm64 (qemu), broken key: exit 0, no key file, nothing on fd 3" case_arm64_broken

case_arm64_strict() {
  [[ -n "$qemu" ]] || { why "qemu-aarch64 is not installed"; return 1; }
  run_execd arm64-strict open "$layer_arm64" SECURE_KEY="$broken" SECUREKEY_BOOT=strict -- "$qemu" "${layer_arm64}/bin/securekey" exec-d
  expect_not_written arm64-strict 1
}
report "exec.d on arm64 (qemu), SECUREKEY_BOOT=strict + broken key: exit 1" case_arm64_strict

case_no_leaks() {
  # Everything the buildpack and the exec.d program left, except the key
  # files themselves (under home/ and custom/) and the inputs (platform-*).
  no_key_material "${work}/out" "$bp" "${work}"/layers-* "${work}/detect-layers-amd64" "${work}/detect-layers-arm64"
}
report "no 8-char window of a test key in any output or any layers dir" case_no_leaks

echo "cnb: ${passed} passed, ${failed} failed"
((failed == 0))
