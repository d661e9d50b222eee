#!/usr/bin/env bash
# tests/packages/node/test.sh: the npm package as users install it. `npm
# pack` of packages/node, installed from the tarball into a clean project
# (with express, typescript and the types from npm), then:
# - `import` from an ESM project's .js file and `require` from a .cjs file;
# - `tsc --noEmit` of TypeScript files against the package's types, and
#   arethetypeswrong over the tarball;
# - key objects show only their ids, however printed;
# - the Express and node:http middleware on a real server on 127.0.0.1,
#   driven by curl and by the package's own fetch client (the retry);
# - the express-session example across two rotations;
# - no key material in anything the package, the servers or the tests print.
# Ends with `node: N passed, M failed`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$root/tests/buildpack/lib.sh"

# More test keys (not secrets): the previous key before A,B, and one no
# file holds.
KEY_D=F4A40E84E294BADF50DB46B69A6C87FB824E43C2A25746FBC3F2060B398C5A78
KEY_U=9BC2F80B410785710CCAB6A0754DEDBDA5E26A8F6243C56B589A81B2D3366A02
TEST_KEYS+=("$KEY_D" "$KEY_U")

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
# Everything printed (server logs, response bodies, client and script
# output) goes under $printed, searched for key material at the end.
# Responses that carry Securekey-Latest by design go under $secret.
printed="$work/printed"
secret="$work/secret"
keys="$work/keys"
mkdir -p "$printed" "$secret" "$keys"
key_windows "$work/key-windows"
export npm_config_cache="$work/npm-cache" npm_config_update_notifier=false

# entry VAR LATEST [PREVIOUS] and key_file PATH ENTRY…: a key file as
# securekey writes it; no PREVIOUS is the add-on's NEW, (previous null).
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
  local out="$1" IFS=,
  shift
  printf '{"keys":{%s},"version":1}\n' "$*" >"$out"
}

key_file "$keys/ab.json" "$(entry OTHER_SECURE_KEY "$KEY_C" "$KEY_D")" "$(entry SECURE_KEY "$KEY_A" "$KEY_B")"
key_file "$keys/ca.json" "$(entry SECURE_KEY "$KEY_C" "$KEY_A")"
key_file "$keys/bd.json" "$(entry SECURE_KEY "$KEY_B" "$KEY_D")"
key_file "$keys/ud.json" "$(entry SECURE_KEY "$KEY_U" "$KEY_D")"
key_file "$keys/new.json" "$(entry SECURE_KEY "$KEY_U")"
key_file "$keys/other-only.json" "$(entry OTHER_SECURE_KEY "$KEY_C" "$KEY_D")"
key_file "$keys/two-others.json" "$(entry OTHER_SECURE_KEY "$KEY_C" "$KEY_D")" "$(entry THIRD_SECURE_KEY "$KEY_A" "$KEY_B")"
id_a="$(key_id "$KEY_A")"
id_b="$(key_id "$KEY_B")"

# --- The tarball ---------------------------------------------------------

tarball="$(cd "$root/packages/node" && npm pack --silent --pack-destination "$work")"
tarball="$work/$tarball"
tar -tzf "$tarball" | sed 's|^package/||' | sort >"$work/tarball-files"
if [[ "$(tr '\n' ' ' <"$work/tarball-files")" == "LICENSE README.md bin/securekey-reader.js index.d.mts index.d.ts index.js index.mjs lib/client.js lib/key-file.js lib/keys.js lib/middleware.js package.json " ]]; then
  ok "the tarball holds the package's files, its licence and README, and nothing else"
else
  not_ok "the tarball holds the package's files, its licence and README, and nothing else" "it holds: $(tr '\n' ' ' <"$work/tarball-files")"
fi
tar -xzf "$tarball" -C "$work" package/package.json package/LICENSE
if node -e 'const p = require(process.argv[1]);
process.exit(p.name === "securekey" && p.version === "0.1.0" && p.license === "MIT" &&
  !p.dependencies && !p.optionalDependencies && !p.peerDependencies && !p.scripts &&
  p.bin["securekey-reader"] && !p.bin.securekey ? 0 : 1)' "$work/package/package.json" &&
  grep -q 'Copyright (c) 2026 The securekey authors' "$work/package/LICENSE"; then
  ok "package.json: securekey 0.1.0, MIT, no dependencies or install scripts, the bin securekey-reader"
else
  not_ok "package.json: securekey 0.1.0, MIT, no dependencies or install scripts, the bin securekey-reader"
fi

# --- A clean project that installs it ------------------------------------

project="$work/project"
mkdir -p "$project"
cp -R "$here/project/." "$project/"
printf '{"name":"securekey-node-test","version":"0.0.0","private":true,"type":"module"}\n' >"$project/package.json"
if (cd "$project" && npm install --no-audit --no-fund --silent "$tarball" \
  express@5 @types/express@5 typescript@5.9 @types/node@20 @arethetypeswrong/cli@0.18) >"$work/npm-install.log" 2>&1; then
  ok "npm install of the tarball (with express, typescript and types from npm)"
else
  show "$work/npm-install.log"
  bail node "npm install of the tarball (with express, typescript and types from npm)"
fi

# in_project NAME CMD…: CMD in the project with the ab key file, its
# stdout and stderr in $printed/NAME.out and .err; CMD's status.
in_project() {
  local name="$1"
  shift
  (cd "$project" && env SECUREKEY_FILE="$keys/ab.json" "$@") >"$printed/$name.out" 2>"$printed/$name.err"
}

# script_checks NAME: every line of $printed/NAME.out starts with "ok ",
# each an ok line here; any other line fails.
script_checks() {
  local line
  while IFS= read -r line; do
    if [[ "$line" == "ok "* ]]; then ok "$1: ${line#ok }"; else not_ok "$1: ${line#FAIL }"; fi
  done <"$printed/$1.out"
}

if in_project esm node esm.js "$KEY_A" && [[ -s "$printed/esm.out" ]]; then
  script_checks esm
else
  not_ok "import from an ESM project" "node esm.js failed"
  show "$printed/esm.err"
fi
if in_project cjs node cjs.cjs "$KEY_B" "$id_a $id_b" && [[ -s "$printed/cjs.out" ]]; then
  script_checks cjs
else
  not_ok "require from a .cjs file" "node cjs.cjs failed"
  show "$printed/cjs.err"
fi

if in_project tsc npx --no-install tsc -p tsconfig.json; then
  ok "tsc --noEmit type-checks an ESM and a CommonJS TypeScript file against the package's types"
else
  not_ok "tsc --noEmit type-checks an ESM and a CommonJS TypeScript file against the package's types"
  show "$printed/tsc.out"
fi

# arethetypeswrong: the exports map gives each resolution (node10, node16
# from CommonJS and from ESM, bundlers) types that match its JavaScript.
if in_project attw npx --no-install attw --format ascii "$tarball"; then
  ok "the types resolve and match the JavaScript from CommonJS, ESM, node10 and bundlers (arethetypeswrong)"
else
  not_ok "the types resolve and match the JavaScript from CommonJS, ESM, node10 and bundlers (arethetypeswrong)"
  show "$printed/attw.out"
fi

if in_project bin node_modules/.bin/securekey-reader present SECURE_KEY &&
  [[ "$(<"$printed/bin.out")" == "$id_a"$'\n'"$id_b" ]]; then
  ok "the installed bin securekey-reader prints the key ids in client order"
else
  not_ok "the installed bin securekey-reader prints the key ids in client order"
fi

# The conformance table's install: offline (an empty npm cache of its own),
# and its reader runs under the bare environment the runner gives it.
name="install.sh (the conformance reader): npm pack, an offline install, and OUT_DIR/reader under env -i"
if bash "$here/install.sh" "$work/conformance" >"$printed/install.out" 2>&1 &&
  [[ "$(cd "$work" && env -i PATH=/usr/bin:/bin SECUREKEY_FILE="$keys/ab.json" \
    "$work/conformance/reader" present SECURE_KEY 2>"$printed/reader.err")" == "$id_a"$'\n'"$id_b" ]]; then
  ok "$name"
else
  not_ok "$name"
  show "$printed/install.out"
fi

# The key objects, printed every way (the ids must show, no key material).
if in_project redaction node redaction.cjs && grep -q "$id_a" "$printed/redaction.out" &&
  grep -q "$id_b" "$printed/redaction.out"; then
  if no_key_material "$work/key-windows" "$printed/redaction.out" "$printed/redaction.err"; then
    ok "Key, KeyPair and KeyFile show their ids only (String, template, inspect, JSON, format, structuredClone)"
  else
    not_ok "Key, KeyPair and KeyFile show their ids only (String, template, inspect, JSON, format, structuredClone)"
  fi
else
  not_ok "Key, KeyPair and KeyFile show their ids only" "node redaction.cjs failed or showed no ids"
fi

# A 1 MiB string in an ignored field: loaded by a loop, not a regex's stack.
{ printf '{"pad":"' && head -c 1040000 /dev/zero | tr '\0' x && printf '",' && tail -c +2 "$keys/ab.json"; } >"$keys/long-string.json"
if (cd "$project" && env SECUREKEY_FILE="$keys/long-string.json" node -e \
  'process.exit(require("securekey").loadPair().latestId === process.argv[1] ? 0 : 1)' "$id_a") \
  >"$printed/long-string.out" 2>&1; then
  ok "a key file with a 1 MiB string in an ignored field loads"
else
  not_ok "a key file with a 1 MiB string in an ignored field loads"
fi

# --- Servers --------------------------------------------------------------

# start NAME KEY_FILE CMD… [-- ENV…]: a server from the project, its port
# (the first line it prints) in $port and its pid in $pid; its output in
# $printed/NAME.log. False if it exits before it listens.
start() {
  local name="$1" file="$2" fd
  shift 2
  exec {fd}< <(cd "$project" && exec env SECUREKEY_FILE="$file" "$@" 2>"$printed/$name.log")
  pid=$!
  pids+=("$pid")
  port=""
  # A bound, not a timing: a server that neither listens nor exits is a
  # failure after a minute, not a hang.
  read -r -t 60 port <&"$fd" || true
  exec {fd}<&-
  [[ "$port" =~ ^[0-9]+$ ]]
}

stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

n_request=0
# request [CURL ARGS…]: curl to the server at $port; the status in
# $status, the response in $into/$response.head and .body ($into is
# $printed unless set).
request() {
  n_request=$((n_request + 1))
  response="response-$n_request"
  local to="${into:-$printed}"
  status="$(curl -sS -o "$to/$response.body" -D "$to/$response.head" -w '%{http_code}' "$@" "http://127.0.0.1:$port/some/path")" || status=curl-failed
}

# header HEADER: the value of HEADER in the last response ("" if none).
header() {
  { grep -i "^$1:" "${into:-$printed}/$response.head" || true; } | head -n1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'
}

# try NAME STATUS BODY SLOT_HEADER CURL_ARGS…: a request, and its response
# as wanted: the status, the body (on a 200), Securekey-Slot, never
# Securekey-Latest, and the challenge on a 401.
try() {
  local name="$1" want_status="$2" want_body="$3" want_slot="$4" problems=()
  shift 4
  request "$@"
  [[ "$status" == "$want_status" ]] || problems+=("status $status, expected $want_status")
  if [[ "$want_status" == 200 ]]; then
    [[ "$(tr -d '\n' <"$printed/$response.body")" == "$want_body" ]] || problems+=("the body is not \"$want_body\"")
  fi
  [[ "$(header securekey-slot)" == "$want_slot" ]] || problems+=("Securekey-Slot is not \"$want_slot\"")
  [[ -z "$(header securekey-latest)" ]] || problems+=("it carries Securekey-Latest")
  if [[ "$want_status" == 401 ]]; then
    [[ "$(header www-authenticate)" == 'Bearer realm="securekey"' ]] ||
      problems+=("WWW-Authenticate is not Bearer realm=\"securekey\"")
  fi
  if [[ "${#problems[@]}" -eq 0 ]]; then ok "$name"; else not_ok "$name" "${problems[@]}"; fi
}

# client KEY_FILE [BODY]: the package's client helper, with the key file
# $keys/KEY_FILE.json, against the server at $port: its one line.
client() {
  local out="$printed/client-$server-$1"
  (cd "$project" && env SECUREKEY_FILE="$keys/$1.json" node client.mjs "http://127.0.0.1:$port/" "${@:2}") \
    >"$out.out" 2>"$out.err" || true
  tr -d '\n' <"$out.out"
}

# same NAME GOT WANT
same() {
  if [[ "$2" == "$3" ]]; then ok "$1"; else not_ok "$1" "got \"$2\", expected \"$3\""; fi
}

refused_body="401 Unauthorized: present a valid key as Authorization: Bearer <key>"

# The same checks for both servers.
for server in http express; do
  case "$server" in
    http) cmd=(node http-server.mjs) label=node:http ;;
    express) cmd=(node express-server.cjs) label=Express ;;
  esac

  if start "$server" "$keys/ab.json" "${cmd[@]}"; then
    try "$label: the latest key: 200, no Securekey-Slot" 200 "latest SECURE_KEY GET" "" \
      -H "Authorization: Bearer $KEY_A"
    try "$label: the previous key: 200 and Securekey-Slot: previous, no Securekey-Latest" 200 "previous SECURE_KEY GET" previous \
      -H "Authorization: Bearer $KEY_B"
    try "$label: the scheme in lowercase (bearer)" 200 "latest SECURE_KEY GET" "" \
      -H "Authorization: bearer $KEY_A"
    try "$label: a POST body reaches the app" 200 "latest SECURE_KEY POST hello" "" \
      -H "Authorization: Bearer $KEY_A" --data-binary hello
    try "$label: an unknown key: 401" 401 "" "" -H "Authorization: Bearer $KEY_U"
    try "$label: another var's key: 401" 401 "" "" -H "Authorization: Bearer $KEY_C"
    try "$label: no Authorization header: 401" 401 "" ""
    try "$label: the latest key under Basic: 401" 401 "" "" -u "user:$KEY_A"
    try "$label: the latest key under another scheme (Token): 401" 401 "" "" -H "Authorization: Token $KEY_A"
    try "$label: the latest key with no scheme: 401" 401 "" "" -H "Authorization: $KEY_A"
    try "$label: the latest key in lowercase: 401" 401 "" "" -H "Authorization: Bearer ${KEY_A,,}"
    try "$label: the whole pair LATEST,PREVIOUS: 401" 401 "" "" -H "Authorization: Bearer $KEY_A,$KEY_B"
    try "$label: the latest key as a query parameter: 401" 401 "" "" -G --data-urlencode "key=$KEY_A"
    if [[ "$(tr -d '\n' <"$printed/$response.body")" == "$refused_body" ]]; then
      ok "$label: a 401's body is the short refusal, echoing nothing"
    else
      not_ok "$label: a 401's body is the short refusal, echoing nothing"
    fi

    # The client helper against this server (key file A,B).
    same "$label, client with the same pair: the latest key, one request" \
      "$(client ab)" "status=200 attempts=1 slot-header=none body=latest SECURE_KEY GET"
    same "$label, client one rotation ahead (C,A): 401, then the previous key, with its POST body again" \
      "$(client ca hello)" "status=200 attempts=2 slot-header=none body=latest SECURE_KEY POST hello"
    same "$label, client one rotation behind (B,D): accepted as previous, one request" \
      "$(client bd)" "status=200 attempts=1 slot-header=previous body=previous SECURE_KEY GET"
    same "$label, client with neither key: two requests, the final 401" \
      "$(client ud)" "status=401 attempts=2 slot-header=none body=$refused_body"
    same "$label, client with no previous key (NEW,): one request, the 401" \
      "$(client new)" "status=401 attempts=1 slot-header=none body=$refused_body"
    stop
  else
    not_ok "$label: the server starts" "it exited before it listened"
    show "$printed/$server.log"
  fi

# sendLatest: opted in, the previous key's answer carries the latest.
  if start "$server-send-latest" "$keys/ab.json" env SEND_LATEST=1 "${cmd[@]}"; then
    name="$label, sendLatest: the previous key gets Securekey-Latest: the latest key, not cached"
    into="$secret" request -H "Authorization: Bearer $KEY_B"
    if [[ "$status" == 200 && "$(into="$secret" header securekey-latest)" == "$KEY_A" &&
      "$(into="$secret" header securekey-slot)" == previous &&
      "$(into="$secret" header cache-control)" == no-store ]]; then
      ok "$name"
    else
      not_ok "$name" "status $status, or Securekey-Latest is not the latest key, or no Securekey-Slot: previous or Cache-Control: no-store"
    fi
    try "$label, sendLatest: never on the latest key's answer" 200 "latest SECURE_KEY GET" "" \
      -H "Authorization: Bearer $KEY_A"
    try "$label, sendLatest: never on a 401" 401 "" "" -H "Authorization: Bearer $KEY_U"
    stop
  else
    not_ok "$label, sendLatest: the server starts"
    show "$printed/$server-send-latest.log"
  fi

  # The var option, and the default when the file has no SECURE_KEY.
  if start "$server-var" "$keys/ab.json" env SERVER_VAR=OTHER_SECURE_KEY "${cmd[@]}"; then
    try "$label, var OTHER_SECURE_KEY: its latest key" 200 "latest OTHER_SECURE_KEY GET" "" \
      -H "Authorization: Bearer $KEY_C"
    try "$label, var OTHER_SECURE_KEY: SECURE_KEY's key is refused" 401 "" "" -H "Authorization: Bearer $KEY_A"
    stop
  else
    not_ok "$label, var OTHER_SECURE_KEY: the server starts"
  fi
  if start "$server-only-var" "$keys/other-only.json" "${cmd[@]}"; then
    try "$label, no var, no SECURE_KEY: the file's only var" 200 "latest OTHER_SECURE_KEY GET" "" \
      -H "Authorization: Bearer $KEY_C"
    stop
  else
    not_ok "$label, no var, no SECURE_KEY: the file's only var (the server starts)"
  fi
  name="$label, no var, two vars and no SECURE_KEY: the server does not start, and says how to choose"
  if start "$server-two-vars" "$keys/two-others.json" "${cmd[@]}"; then
    stop
    not_ok "$name" "it started"
  elif grep -q 'name one (the var option)' "$printed/$server-two-vars.log" &&
    grep -q 'OTHER_SECURE_KEY, THIRD_SECURE_KEY' "$printed/$server-two-vars.log"; then
    ok "$name"
  else
    not_ok "$name" "its error does not name the vars and the var option"
  fi
  name="$label, no key file: the server does not start, and says how to fix it"
  if start "$server-no-file" "$keys/none.json" "${cmd[@]}"; then
    stop
    not_ok "$name" "it started"
  elif grep -q "no key file at $keys/none.json: run \`securekey write\` first" "$printed/$server-no-file.log"; then
    ok "$name"
  else
    not_ok "$name" "its error does not name the file and the fix"
  fi
done

# --- The express-session example: A,B -> C,A -----------------------------

example="$work/example"
cp -R "$root/packages/node/examples/express-session" "$example"
rm -rf "$example/node_modules" "$example/.sessions"
if (cd "$example" && npm install --no-audit --no-fund --silent "$tarball") >"$work/npm-example.log" 2>&1; then
  ok "express-session example: npm install (the tarball, express and express-session from npm)"
  example_start() {
    local name="$1" fd
    exec {fd}< <(cd "$example" && exec env SECUREKEY_FILE="$keys/$2.json" HOST=127.0.0.1 PORT=0 \
      SESSION_DIR="$work/sessions" node app.js 2>"$printed/example-$name.err")
    pid=$!
    pids+=("$pid")
    port=""
    read -r -t 60 line <&"$fd" || true
    exec {fd}<&-
    printf '%s\n' "$line" >"$printed/example-$name.out"
    [[ "$line" =~ ^listening\ on\ port\ ([0-9]+), ]] && port="${BASH_REMATCH[1]}"
    [[ -n "$port" ]]
  }
  # sign_in NAME JAR: POST /login, the cookie in JAR.
  sign_in() {
    status="$(curl -sS -o "$printed/$1.body" -c "$work/$2" -X POST -w '%{http_code}' "http://127.0.0.1:$port/login")" || status=curl-failed
    [[ "$status" == 200 ]] && grep -q connect.sid "$work/$2"
  }
  # signed_in JAR: GET /me with JAR's cookie: 200 signed in, 401 not.
  signed_in() {
    status="$(curl -sS -o "$printed/me.body" -b "$work/$1" -w '%{http_code}' "http://127.0.0.1:$port/me")" || status=curl-failed
    [[ "$status" == 200 ]]
  }
  verdict() {
    if "${@:2}"; then ok "$1"; else not_ok "$1" "status $status"; fi
  }
  # B,D: the cookie signed with B.
  if example_start bd bd; then
    verdict "express-session example, keys B,D: signing in sets a cookie signed with B" sign_in login-b jar-b
    stop
    # A,B: B is the previous key; the cookie signed with A.
    if example_start ab ab; then
      verdict "express-session example, keys A,B: the cookie signed with B (previous) still verifies" signed_in jar-b
      verdict "express-session example, keys A,B: signing in sets a cookie signed with A" sign_in login-a jar-a
      stop
      # C,A: A is the previous key, B is two rotations old.
      if example_start ca ca; then
        verdict "express-session example, after A,B -> C,A: the cookie signed with A (previous) still verifies" signed_in jar-a
        name="express-session example, after A,B -> C,A: the cookie signed with B (two rotations old) does not"
        # Its session is still in the store: the signature alone refuses it.
        sid="$(awk '$6 == "connect.sid" { print $7 }' "$work/jar-b")"
        sid="${sid#s%3A}"
        sid="${sid%%.*}"
        if signed_in jar-b; then
          not_ok "$name" "status $status"
        elif [[ "$status" == 401 && -n "$sid" && -f "$work/sessions/$sid.json" ]]; then
          ok "$name"
        else
          not_ok "$name" "status $status, or its session is no longer in the store"
        fi
        stop
      else
        not_ok "express-session example, keys C,A: the app starts"
      fi
    else
      not_ok "express-session example, keys A,B: the app starts"
    fi
  else
    not_ok "express-session example, keys B,D: the app starts"
    show "$printed/example-bd.err"
  fi
else
  not_ok "express-session example: npm install (the tarball, express and express-session from npm)"
  show "$work/npm-example.log"
fi

# --- Nothing printed holds key material ----------------------------------

cp "$work/npm-install.log" "$work/npm-example.log" "$printed/" 2>/dev/null || true
if no_key_material "$work/key-windows" "$printed"; then
  ok "no key material in anything printed: server logs, bodies, headers, client, scripts, tsc, npm"
else
  not_ok "no key material in anything printed: server logs, bodies, headers, client, scripts, tsc, npm"
fi

finish node
