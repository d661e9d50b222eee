#!/usr/bin/env bash
# tests/packages/python/test.sh: the Python package (packages/python) as a
# user gets it.
#
# - builds the wheel and the sdist (python -m build, flit_core from PyPI),
#   and checks what they hold (licence, version, py.typed, no run-time
#   dependency);
# - installs the wheel into a clean venv and the sdist into another, and
#   uses them from outside the source tree (the API, securekey-reader);
# - runs the WSGI middleware under wsgiref and waitress and the ASGI
#   middleware under uvicorn on 127.0.0.1 (an ephemeral port), driven by curl
#   and by the package's own client (and WebSocket handshakes through the
#   websockets client);
# - runs the Django and Flask rotation examples (packages/python/examples);
# - checks that no key material is in anything printed or logged.
#
# Test dependencies (build, mypy, waitress, uvicorn, websockets, Django, Flask) come from PyPI
# into venvs cached under ${SECUREKEY_TEST_CACHE:-${TMPDIR:-/tmp}/securekey-tests}.
# Ends with `python: N passed, M failed`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$root/tests/buildpack/lib.sh"

python="${PYTHON:-python3}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# The test deps, pinned (Flask >= 3.1 has SECRET_KEY_FALLBACKS).
deps=(build==1.6.1 mypy==2.4.1 waitress==3.0.2 uvicorn==0.55.0 websockets==17.4
  django==5.2.20 flask==3.1.3 fastapi==0.165.0 djangorestframework==3.18.3
  httpx==0.29.0 requests==2.34.2 twine==7.0.0)

# More test keys (not secrets), as the conformance runner names them.
KEY_D=F4A40E84E294BADF50DB46B69A6C87FB824E43C2A25746FBC3F2060B398C5A78
KEY_N=D41496141E6A4A62D4828B740575EB958D148B1C1CC9182D5E9898FEEA444407
KEY_U=9BC2F80B410785710CCAB6A0754DEDBDA5E26A8F6243C56B589A81B2D3366A02
TEST_KEYS+=("$KEY_D" "$KEY_N" "$KEY_U")

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
logs="$work/logs" # everything a command printed or logged: checked for keys
keys="$work/keys"
elsewhere="$work/elsewhere" # a working directory outside the source tree
mkdir -p "$logs" "$keys" "$elsewhere"
key_windows "$work/key-windows"

# entry VAR LATEST [PREVIOUS] and key_file ENTRY…: a key file as securekey
# writes it (ids from sha256sum, not from the package under test).
entry() {
  local var="$1" latest="$2" previous="${3:-}"
  if [[ -n "$previous" ]]; then
    printf '"%s":{"latest":"%s","latest_id":"%s","previous":"%s","previous_id":"%s"}' \
      "$var" "$latest" "$(key_id "$latest")" "$previous" "$(key_id "$previous")"
  else
    printf '"%s":{"latest":"%s","latest_id":"%s","previous":null,"previous_id":null}' \
      "$var" "$latest" "$(key_id "$latest")"
  fi
}
key_file() {
  local IFS=,
  printf '{"keys":{%s},"version":1}\n' "$*"
}

key_file "$(entry OTHER_SECURE_KEY "$KEY_C" "$KEY_D")" "$(entry SECURE_KEY "$KEY_A" "$KEY_B")" >"$keys/server.json"
key_file "$(entry SECURE_KEY "$KEY_A" "$KEY_B")" >"$keys/client-ab.json"
key_file "$(entry SECURE_KEY "$KEY_C" "$KEY_A")" >"$keys/client-ca.json"
key_file "$(entry SECURE_KEY "$KEY_B" "$KEY_D")" >"$keys/client-bd.json"
key_file "$(entry SECURE_KEY "$KEY_D" "$KEY_U")" >"$keys/client-du.json"
key_file "$(entry SECURE_KEY "$KEY_N")" >"$keys/client-new.json"
key_file "$(entry SERVICE_ONE_SECURE_KEY "$KEY_A" "$KEY_B")" >"$keys/one-var.json"
key_file "$(entry SERVICE_ONE_SECURE_KEY "$KEY_A" "$KEY_B")" "$(entry SECUREKEY_CHARCOAL_KEY "$KEY_C" "$KEY_D")" >"$keys/two-vars.json"
# The rotation the framework examples go through: B,D -> A,B -> C,A.
key_file "$(entry SECURE_KEY "$KEY_B" "$KEY_D")" >"$keys/era0.json"
key_file "$(entry SECURE_KEY "$KEY_A" "$KEY_B")" >"$keys/era1.json"
key_file "$(entry SECURE_KEY "$KEY_C" "$KEY_A")" >"$keys/era2.json"

# ingest LOG: a Python check's `ok - …` / `not ok - …` lines, counted here.
ingest() {
  local line
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) ok "${line#ok - }" ;;
      "not ok - "*) not_ok "${line#not ok - }" ;;
      "#"*) echo "$line" ;;
    esac
  done <"$1"
}

# run_check NAME LOG CMD…: a Python check script; its lines counted, and a
# crash (no lines, or a non-zero exit with none failing) is a failure.
run_check() {
  local name="$1" log="$2" status=0 before="$t_failed"
  shift 2
  "$@" >"$log" 2>"$log.err" || status=$?
  ingest "$log"
  if [[ "$status" -ne 0 && "$t_failed" -eq "$before" ]] || ! grep -q '^ok - \|^not ok - ' "$log"; then
    not_ok "$name ran to its end" "exit $status"
    show "$log.err"
  fi
}

# --- the artifacts ------------------------------------------------------------

cache="${SECUREKEY_TEST_CACHE:-${TMPDIR:-/tmp}/securekey-tests}/python"
deps_hash="$(printf '%s\n' "$("$python" --version)" "${deps[@]}" | sha256sum | cut -c1-12)"
deps_venv="$cache/deps-$deps_hash"
mkdir -p "$cache"
# A venv is tied to its path: it is made where it stays, and counts as
# cached only once its marker says the install finished.
if [[ ! -f "$deps_venv/.complete" ]]; then
  rm -rf "$deps_venv"
  if "$python" -m venv "$deps_venv" >"$logs/deps-venv.log" 2>&1 &&
    "$deps_venv/bin/python" -m pip install --quiet "${deps[@]}" >>"$logs/deps-venv.log" 2>&1; then
    touch "$deps_venv/.complete"
  else
    rm -rf "$deps_venv"
    bail python "the test dependencies install from PyPI (${deps[*]})" "$(tail -n 3 "$logs/deps-venv.log")"
  fi
fi
ok "the test dependencies are installed (${deps[*]})"

# A copy of the source: the build writes nothing into the work tree.
cp -R "$root/packages/python" "$work/src"
rm -rf "$work/src/dist" "$work/src/build"
if "$deps_venv/bin/python" -m build --outdir "$work/dist" "$work/src" >"$logs/build.log" 2>&1; then
  ok "python -m build makes a wheel and an sdist"
else
  not_ok "python -m build makes a wheel and an sdist"
  show "$logs/build.log"
  bail python "the package builds"
fi
wheel="$work/dist/securekey-0.1.0-py3-none-any.whl"
sdist="$work/dist/securekey-0.1.0.tar.gz"
check "the wheel is securekey-0.1.0-py3-none-any.whl" test -f "$wheel"
check "the sdist is securekey-0.1.0.tar.gz" test -f "$sdist"

# What the artifacts hold, read with the standard library.
"$python" - "$wheel" "$sdist" >"$logs/artifacts.log" 2>&1 <<'EOF' || true
import sys, tarfile, zipfile
wheel, sdist = sys.argv[1:]
z = zipfile.ZipFile(wheel)
names = z.namelist()
meta = z.read("securekey-0.1.0.dist-info/METADATA").decode()
entry_points = z.read("securekey-0.1.0.dist-info/entry_points.txt").decode().replace(" ", "").splitlines()
t = tarfile.open(sdist)
snames = t.getnames()
def say(name, good):
    print(("ok - " if good else "not ok - ") + name)
say("the wheel has py.typed", "securekey/py.typed" in names)
say("the wheel carries the MIT licence file", any(n.endswith("licenses/LICENSE") for n in names)
    and b"Copyright (c) 2026 The securekey authors" in z.read([n for n in names if n.endswith("licenses/LICENSE")][0]))
say("the metadata says MIT and version 0.1.0",
    "\nLicense-Expression: MIT\n" in meta and "\nVersion: 0.1.0\n" in meta and "\nName: securekey\n" in meta)
say("no run-time dependency (standard library only)", "Requires-Dist" not in meta)
say("the console script is securekey-reader (not securekey, the buildpack's binary)",
    [line for line in entry_points if line] == ["[console_scripts]", "securekey-reader=securekey._cli:main"])
say("the wheel holds the package only (no tests, no examples)",
    all(n.startswith(("securekey/", "securekey-0.1.0.dist-info/")) for n in names))
say("the sdist has the licence, README, py.typed and the framework examples",
    all(f"securekey-0.1.0/{p}" in snames for p in
        ("LICENSE", "README.md", "pyproject.toml", "src/securekey/py.typed",
         "examples/django/example_project/settings.py", "examples/flask/app.py")))
EOF
ingest "$logs/artifacts.log"

# --- a clean project: the wheel alone ----------------------------------------

clean="$work/clean-venv"
if "$python" -m venv "$clean" >"$logs/clean.log" 2>&1 &&
  "$clean/bin/python" -m pip install --quiet --no-deps "$wheel" >>"$logs/clean.log" 2>&1; then
  ok "the wheel installs into a clean venv"
else
  not_ok "the wheel installs into a clean venv"
  show "$logs/clean.log"
fi
run_check "the API check" "$logs/api.log" \
  env -C "$elsewhere" "$clean/bin/python" -I "$here/api_check.py" "$keys"
mkdir -p "$work/bad-key-files"
run_check "the leak check" "$logs/leaks.log" \
  env -C "$elsewhere" "$clean/bin/python" -I "$here/leak_check.py" "$keys" "$work/bad-key-files"

# securekey-reader, as installed, in an empty environment.
reader="$clean/bin/securekey-reader"
out="$(cd "$elsewhere" && printf '%s\n' "$KEY_B" | env -i PATH=/usr/bin:/bin SECUREKEY_FILE="$keys/server.json" "$reader" verify SECURE_KEY 2>&1)" || true
echo "$out" >"$logs/reader-verify.log"
check "securekey-reader verify: the previous key is previous (env -i)" test "$out" == previous
out="$(cd "$elsewhere" && env -i PATH=/usr/bin:/bin SECUREKEY_FILE="$keys/server.json" "$reader" present SECURE_KEY 2>&1)" || true
echo "$out" >"$logs/reader-present.log"
check "securekey-reader present: the ids in client order" test "$out" == "$(key_id "$KEY_A")"$'\n'"$(key_id "$KEY_B")"
status=0
out="$(env -i PATH=/usr/bin:/bin "$reader" 2>&1)" || status=$?
echo "$out" >"$logs/reader-usage.log"
check "securekey-reader without arguments: usage on one line, exit 2" \
  test "$status:$out" == "2:securekey-reader: usage: securekey-reader (verify | present) VAR"
out="$("$reader" --version 2>&1)" || true
check "securekey-reader --version" test "$out" == "securekey-reader 0.1.0"

# The sdist builds and installs too (pip builds its wheel with flit_core).
if "$python" -m venv "$work/sdist-venv" >"$logs/sdist.log" 2>&1 &&
  "$work/sdist-venv/bin/python" -m pip install --quiet "$sdist" >>"$logs/sdist.log" 2>&1 &&
  out="$(cd "$elsewhere" && "$work/sdist-venv/bin/python" -I -c 'import securekey, os; print(securekey.__version__, os.path.exists(os.path.join(os.path.dirname(securekey.__file__), "py.typed")))')" &&
  [[ "$out" == "0.1.0 True" ]]; then
  ok "the sdist installs into a clean venv and imports, py.typed included"
else
  not_ok "the sdist installs into a clean venv and imports, py.typed included"
  show "$logs/sdist.log"
fi

# --- the middleware under real servers ----------------------------------------

"$deps_venv/bin/python" -m pip install --quiet --no-deps --force-reinstall "$wheel" >"$logs/deps-wheel.log" 2>&1 ||
  bail python "the wheel installs into the test venv" "$(tail -n 3 "$logs/deps-wheel.log")"

# An app's typed code against the installed package (py.typed honoured).
if (cd "$elsewhere" && "$deps_venv/bin/python" -m mypy --strict --no-incremental "$here/typed_user.py") >"$logs/mypy.log" 2>&1; then
  ok "mypy --strict on an app's typed use of the installed package"
else
  not_ok "mypy --strict on an app's typed use of the installed package"
  show "$logs/mypy.log"
fi

# Authorization header files for curl (-H @FILE keeps keys off its command line).
printf 'Authorization: Bearer %s\n' "$KEY_A" >"$work/h-latest"
printf 'Authorization: bearer %s\n' "$KEY_A" >"$work/h-latest-lower"
printf 'Authorization: Bearer %s\n' "$KEY_B" >"$work/h-previous"
printf 'Authorization: Bearer %s\n' "$KEY_C" >"$work/h-other-latest"
printf 'Authorization: Bearer %s\n' "$KEY_U" >"$work/h-unknown"
printf 'Authorization: Basic %s\n' "$KEY_A" >"$work/h-basic"
printf 'Authorization: Bearer %s,%s\n' "$KEY_A" "$KEY_B" >"$work/h-both"
printf 'X-Nothing: here\n' >"$work/h-none"
# Two Authorization headers (curl sends each line): the latest key, then another.
printf 'Authorization: Bearer %s\nAuthorization: Bearer %s\n' "$KEY_A" "$KEY_U" >"$work/h-repeated"

# get SERVER PATH HEADER_FILE: curl's answer in $work/r.{status,headers,body}.
get() {
  local url="http://127.0.0.1:$port$2"
  curl -sS -o "$work/r.body" -D "$work/r.headers" -w '%{http_code}' -H @"$work/$3" "$url" \
    >"$work/r.status" 2>>"$logs/curl-$1.log" || echo "curl failed" >>"$logs/curl-$1.log"
  cat "$work/r.body" >>"$logs/bodies-$1.log"
  grep -iv '^securekey-latest:' "$work/r.headers" >>"$logs/headers-$1.log" || true
}
# header NAME: that header's value in the last response ("" when absent).
header() {
  grep -i "^$1:" "$work/r.headers" | head -n 1 | cut -d: -f2- | sed 's/^ *//' | tr -d '\r' || true
}
# expect NAME STATUS BODY SLOT LATEST: the last response, as a check.
# LATEST: "none" (no Securekey-Latest) or "key" (the latest key itself).
expect() {
  local name="$1" problems=() got_latest
  [[ "$(<"$work/r.status")" == "$2" ]] || problems+=("status $(<"$work/r.status"), expected $2")
  if [[ "$2" == 401 ]]; then
    [[ "$(header WWW-Authenticate)" == 'Bearer realm="securekey"' ]] ||
      problems+=("WWW-Authenticate is not Bearer realm=\"securekey\"")
    no_key_material "$work/key-windows" "$work/r.body" >/dev/null || problems+=("the body echoes key material")
  else
    [[ "$(<"$work/r.body")" == "$3" ]] || problems+=("body is not $3")
  fi
  [[ "$(header Securekey-Slot)" == "$4" ]] || problems+=("Securekey-Slot is not '${4}'")
  got_latest="$(header Securekey-Latest)"
  case "$5" in
    none) [[ -z "$got_latest" ]] || problems+=("a Securekey-Latest header") ;;
    key) [[ "$got_latest" == "$KEY_A" ]] || problems+=("Securekey-Latest is not the latest key") ;;
  esac
  if [[ "${#problems[@]}" -eq 0 ]]; then ok "$name"; else not_ok "$name" "${problems[@]}"; fi
}

for server in wsgiref waitress uvicorn; do
  fifo="$work/port-$server"
  mkfifo "$fifo"
  (cd "$elsewhere" && SECUREKEY_FILE="$keys/server.json" exec "$deps_venv/bin/python" "$here/servers.py" "$server" "$fifo") \
    >"$logs/server-$server.log" 2>&1 &
  pids+=("$!")
  port=""
  read -r port <"$fifo" || true
  if [[ ! "$port" =~ ^[0-9]+$ ]]; then
    not_ok "$server: the server starts on 127.0.0.1"
    show "$logs/server-$server.log"
    continue
  fi
  ok "$server: the server starts on 127.0.0.1 (an ephemeral port)"
  m="$server ($([[ "$server" == uvicorn ]] && echo ASGI || echo WSGI))"

  get "$server" / h-latest
  expect "$m: the latest key: 200, the app sees latest, no Securekey-Slot" 200 slot=latest "" none
  get "$server" / h-latest-lower
  expect "$m: the scheme is case-insensitive (bearer)" 200 slot=latest "" none
  get "$server" / h-previous
  expect "$m: the previous key: 200 and Securekey-Slot: previous, no Securekey-Latest by default" 200 slot=previous previous none
  get "$server" /send-latest h-previous
  expect "$m: send_latest: the previous key gets Securekey-Latest" 200 slot=previous previous key
  get "$server" /send-latest h-latest
  expect "$m: send_latest: the latest key gets neither header" 200 slot=latest "" none
  get "$server" / h-unknown
  expect "$m: an unknown key: 401" 401 - "" none
  get "$server" /send-latest h-unknown
  expect "$m: send_latest: an unknown key: 401, no Securekey-Latest" 401 - "" none
  get "$server" / h-other-latest
  expect "$m: another pair's key: 401" 401 - "" none
  get "$server" /other h-other-latest
  expect "$m: var=OTHER_SECURE_KEY: that pair's latest key: 200" 200 slot=latest "" none
  get "$server" /other h-latest
  expect "$m: var=OTHER_SECURE_KEY: SECURE_KEY's latest key: 401" 401 - "" none
  get "$server" / h-none
  expect "$m: no Authorization header: 401" 401 - "" none
  get "$server" / h-basic
  expect "$m: another scheme (Basic with the latest key): 401" 401 - "" none
  get "$server" / h-both
  expect "$m: the whole pair as one token: 401" 401 - "" none
  get "$server" / h-repeated
  expect "$m: a repeated Authorization header (the latest key, then another): 401" 401 - "" none

  run_check "$server: the client check" "$logs/client-$server.log" \
    env -C "$elsewhere" "$deps_venv/bin/python" "$here/client_check.py" "$m" "http://127.0.0.1:$port" "$keys" "$logs/client-log-$server.log"
  run_check "$server: the httpx and requests check" "$logs/http-clients-$server.log" \
    env -C "$elsewhere" "$deps_venv/bin/python" "$here/http_clients_check.py" "http://127.0.0.1:$port" "$keys" "$logs/http-clients-log-$server.log"
  if [[ "$server" == uvicorn ]]; then
    get "$server" /legacy h-previous
    expect "$m: scope[\"securekey\"] still holds the slot (the 0.1.0 name)" 200 slot=previous previous none
    run_check "uvicorn: the websocket check" "$logs/ws.log" \
      env -C "$elsewhere" "$deps_venv/bin/python" "$here/ws_check.py" "ws://127.0.0.1:$port" "$keys"
  fi
done

# --- the framework examples ---------------------------------------------------

# Run from the copy of the source (the sdist's examples), so nothing is
# written into the work tree.

for framework in django flask; do
  run_check "$framework: the rotation example" "$logs/example-$framework.log" \
    "$deps_venv/bin/python" "$work/src/examples/$framework/rotation_test.py" \
    "$keys/era0.json" "$keys/era1.json" "$keys/era2.json"
done

# shellcheck source=tests/packages/python/frameworks.sh
source "$here/frameworks.sh"

# --- nothing printed holds a key ---------------------------------------------

# The curl header dumps skip Securekey-Latest (the one place a key is meant
# to be sent); every log, body and output the checks captured is here.
if no_key_material "$work/key-windows" "$logs"; then
  ok "no key material in any output, log, body or header printed"
else
  not_ok "no key material in any output, log, body or header printed"
fi

finish python
