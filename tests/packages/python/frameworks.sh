# tests/packages/python/frameworks.sh: sourced by test.sh (its helpers, $work,
# $keys, $logs, $deps_venv, $here, $wheel, $sdist): the framework
# integrations through real servers and clients, the first-day breaks (Django's
# collectstatic and FastAPI under uvicorn with no key file), sessions across
# two rotations, the install line from git and twine check.
# shellcheck shell=bash disable=SC2154 # test.sh sets work, here, logs, deps_venv…

nokey="$work/nokey" # a working directory with no .securekey/ and no SECUREKEY_FILE
mkdir -p "$nokey"
cp -R "$here/django_site" "$work/django_site"

# --- Django at build time: collectstatic with no key file ----------------------

status=0
(cd "$work/django_site" && env -u SECUREKEY_FILE SITE_STATIC="$work/static" \
  "$deps_venv/bin/python" manage.py collectstatic --noinput) >"$logs/collectstatic.log" 2>&1 || status=$?
check "django: manage.py collectstatic --noinput runs with no key file (securekey.secrets() in settings)" \
  test "$status" -eq 0 -a -f "$work/static/site.css"
check "django: collectstatic says it runs on a throwaway key" \
  grep -q "is a build step, so it gets a throwaway random SECRET_KEY" "$logs/collectstatic.log"
status=0
(cd "$work/django_site" && env -u SECUREKEY_FILE "$deps_venv/bin/python" manage.py runserver 127.0.0.1:0 --noreload) \
  >"$logs/runserver-nokey.log" 2>&1 </dev/null || status=$?
if [[ "$status" -ne 0 ]] && grep -q "KeyFileError: no key file at" "$logs/runserver-nokey.log" &&
  ! grep -q "Starting development server" "$logs/runserver-nokey.log"; then
  ok "django: runserver with no key file exits $status without serving"
else
  not_ok "django: runserver with no key file exits non-zero without serving" "exit $status"
  show "$logs/runserver-nokey.log"
fi
status=0
(cd "$work/django_site" && env -u SECUREKEY_FILE "$deps_venv/bin/waitress-serve" --listen=127.0.0.1:0 site_project.wsgi:application) \
  >"$logs/waitress-nokey.log" 2>&1 </dev/null || status=$?
check "django: waitress-serve of its wsgi.py with no key file exits non-zero, serving nothing" \
  test "$status" -ne 0 -a -z "$(grep -l 'Serving on' "$logs/waitress-nokey.log")"

# --- FastAPI under uvicorn with no key file -------------------------------------

# `timeout` only keeps an app that does start (the old middleware) from
# hanging the suite; the check is the exit status and what uvicorn logged.
for mode in middleware dependency; do
  status=0
  (cd "$nokey" && env -u SECUREKEY_FILE FASTAPI_APP="$mode" PYTHONPATH="$here" \
    timeout 120 "$deps_venv/bin/python" -m uvicorn fastapi_app:app --host 127.0.0.1 --port 0) \
    >"$logs/uvicorn-nokey-$mode.log" 2>&1 </dev/null || status=$?
  if [[ "$status" -ne 0 && "$status" -ne 124 ]] && ! grep -q "Uvicorn running on" "$logs/uvicorn-nokey-$mode.log" &&
    ! grep -q "startup hook ran" "$logs/uvicorn-nokey-$mode.log"; then
    ok "fastapi ($mode) under uvicorn with no key file: exits $status without serving, no startup hook run"
  else
    not_ok "fastapi ($mode) under uvicorn with no key file: exits non-zero without serving" "exit $status"
    show "$logs/uvicorn-nokey-$mode.log"
  fi
done
check "fastapi (add_middleware): uvicorn logs the lifespan failure with the key file's message" \
  grep -q "securekey: no key file at .securekey/keys.json" "$logs/uvicorn-nokey-middleware.log"

# --- the integrations, the protocol's rows -----------------------------------------

# row NAME PATH STATUS SLOT HEADER_FILE…: curl with each header file's lines.
row() {
  local name="$1" path="$2" want="$3" want_slot="$4" args=() problems=() f
  shift 4
  for f in "$@"; do args+=(-H @"$work/$f"); done
  curl -sS -o "$work/r.body" -D "$work/r.headers" -w '%{http_code}' "${args[@]}" \
    "http://127.0.0.1:$port$path" >"$work/r.status" 2>>"$logs/curl-integrations.log" || true
  cat "$work/r.body" >>"$logs/bodies-integrations.log"
  cat "$work/r.headers" >>"$logs/headers-integrations.log"
  [[ "$(<"$work/r.status")" == "$want" ]] || problems+=("status $(<"$work/r.status"), expected $want")
  [[ "$(header Securekey-Slot)" == "$want_slot" ]] || problems+=("Securekey-Slot is not '$want_slot'")
  if [[ "$want" == 401 && "$(header WWW-Authenticate)" != 'Bearer realm="securekey"' ]]; then
    problems+=("WWW-Authenticate is not Bearer realm=\"securekey\"")
  fi
  if [[ "${#problems[@]}" -eq 0 ]]; then ok "$name"; else not_ok "$name" "${problems[@]}"; fi
}

# protocol_rows NAME PATH: the rows every integration answers.
protocol_rows() {
  local m="$1" p="$2"
  row "$m: Bearer latest: 200" "$p" 200 "" h-latest
  row "$m: Bearer previous: 200 and Securekey-Slot: previous" "$p" 200 previous h-previous
  row "$m: an unknown key: 401 with the challenge" "$p" 401 "" h-unknown
  row "$m: no Authorization header: 401 with the challenge" "$p" 401 "" h-none
  row "$m: another scheme: 401" "$p" 401 "" h-basic
  row "$m: a repeated Authorization header (latest, then unknown): 401" "$p" 401 "" h-latest h-unknown
  row "$m: a repeated Authorization header (unknown, then latest): 401" "$p" 401 "" h-unknown h-latest
}

# start NAME KIND ENV…: servers.py KIND with ENV, $port set.
start() {
  local name="$1" kind="$2" fifo="$work/port-$1"
  shift 2
  mkfifo "$fifo"
  (cd "$work/django_site" && env SECUREKEY_FILE="$keys/server.json" "$@" \
    "$deps_venv/bin/python" "$here/servers.py" "$kind" "$fifo") >"$logs/server-$name.log" 2>&1 &
  pids+=("$!")
  port=""
  read -r port <"$fifo" || true
  if [[ "$port" =~ ^[0-9]+$ ]]; then return 0; fi
  not_ok "$name: the server starts on 127.0.0.1"
  show "$logs/server-$name.log"
  return 1
}

if start django-mw django SITE_GUARD=middleware; then
  m="django MIDDLEWARE (waitress)"
  protocol_rows "$m" /
  row "$m: a public path (/health) needs no key" /health 200 "" h-none
  row "$m: a public path is exact (/healthz is guarded)" /healthz 401 "" h-none
  check "$m: the view sees request.META[\"securekey.slot\"]" grep -qx "slot=previous" <(curl -sS -H @"$work/h-previous" "http://127.0.0.1:$port/")
  check "$m: SECUREKEY_ON_REFUSED is called with the reason" grep -q "refused / (repeated)" "$logs/server-django-mw.log"
fi
if start django-drf django SITE_GUARD=drf; then
  m="DRF SecureKeyAuthentication (waitress)"
  protocol_rows "$m" /drf/
  out="$(curl -sS -H @"$work/h-previous" "http://127.0.0.1:$port/drf/")"
  check "$m: authenticate gives (user, auth): the user and the slot" \
    test "$out" == '{"slot":"previous","user":"securekey:SECURE_KEY"}'
fi
if start fastapi-dep fastapi FASTAPI_APP=dependency; then
  m="FastAPI Depends(SecureKeyBearer()) (uvicorn)"
  protocol_rows "$m" /
  row "$m: a route without the dependency (/health) needs no key" /health 200 "" h-none
  row "$m: /docs needs no key" /docs 200 "" h-none
  curl -sS "http://127.0.0.1:$port/openapi.json" >"$work/openapi.json" 2>>"$logs/curl-integrations.log" || true
  check "$m: OpenAPI has an HTTP bearer scheme on / and none on /health" "$deps_venv/bin/python" -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["components"]["securitySchemes"]["securekey"]["type"] == "http"
assert doc["components"]["securitySchemes"]["securekey"]["scheme"] == "bearer"
assert doc["paths"]["/"]["get"]["security"] == [{"securekey": []}]
assert "security" not in doc["paths"]["/health"]["get"]' "$work/openapi.json"
  check "$m: on_refused is called with the reason" grep -q "refused / (repeated)" "$logs/server-fastapi-dep.log"
fi
if start fastapi-mw fastapi FASTAPI_APP=middleware; then
  m="FastAPI add_middleware (uvicorn)"
  protocol_rows "$m" /
  row "$m: a public path (/health) needs no key" /health 200 "" h-none
  check "$m: the app's startup hook ran (lifespan passes through)" grep -q "startup hook ran" "$logs/server-fastapi-mw.log"
  check "$m: the route sees scope[\"securekey.slot\"]" grep -qx '{"slot":"previous"}' <(curl -sS -H @"$work/h-previous" "http://127.0.0.1:$port/")
fi

# --- sessions across two rotations ---------------------------------------------------

key_file "$(entry SECURE_KEY "$KEY_N" "$KEY_C")" >"$keys/era3.json"
run_check "the sessions check" "$logs/sessions.log" \
  "$deps_venv/bin/python" "$here/sessions_check.py" "$keys/era1.json" "$keys/era2.json" "$keys/era3.json" "$work"

# --- the README's install line, from a git repository ------------------------------

# file://localhost/…: the URL has a host as the README's https one does (the
# pip that python3.11's venv bundles refuses `name @ git+file:///…`).
repo="$work/git-repo"
mkdir -p "$repo/packages"
cp -R "$root/packages/python" "$repo/packages/python"
rm -rf "$repo/packages/python/dist" "$repo/packages/python/build"
if git -C "$repo" init -q && git -C "$repo" add -A &&
  git -C "$repo" -c user.name=test -c user.email=test@example.invalid commit -qm release &&
  git -C "$repo" tag v0.1.0 && "$python" -m venv "$work/git-venv" >"$logs/git-install.log" 2>&1 &&
  (cd "$elsewhere" && "$work/git-venv/bin/python" -m pip install --quiet \
    "securekey @ git+file://localhost$repo@v0.1.0#subdirectory=packages/python") >>"$logs/git-install.log" 2>&1 &&
  out="$(cd "$elsewhere" && "$work/git-venv/bin/python" -I -c 'import securekey; print(securekey.__version__)')" &&
  [[ "$out" == 0.1.0 ]]; then
  ok "pip install \"securekey @ git+file://…@v0.1.0#subdirectory=packages/python\" into a clean venv"
else
  not_ok "pip install \"securekey @ git+file://…@v0.1.0#subdirectory=packages/python\" into a clean venv"
  show "$logs/git-install.log"
fi
readme_line='pip install "securekey @ git+https://github.com/securekey-buildpack/securekey@v0.1.0#subdirectory=packages/python"'
check "the README's first command is that install line (from the project's repository)" \
  test "$(grep -m1 '^pip install' "$root/packages/python/README.md")" == "$readme_line"

if "$deps_venv/bin/python" -m twine check --strict "$wheel" "$sdist" >"$logs/twine.log" 2>&1; then
  ok "twine check --strict passes on the wheel and the sdist"
else
  not_ok "twine check --strict passes on the wheel and the sdist"
  show "$logs/twine.log"
fi
