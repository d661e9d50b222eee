# shellcheck shell=bash
# shellcheck disable=SC2154 # the variables test.sh sets before it sources this file
# tests/packages/node/servers.sh, sourced by test.sh: the node:http, Express
# and Fastify servers of the project on 127.0.0.1, driven by curl, a raw
# socket client (two Authorization headers) and the package's fetch client.

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
# $printed unless set), at the path $at (default /some/path).
request() {
  n_request=$((n_request + 1))
  response="response-$n_request"
  local to="${into:-$printed}"
  status="$(curl -sS -o "$to/$response.body" -D "$to/$response.head" -w '%{http_code}' "$@" "http://127.0.0.1:$port${at:-/some/path}")" || status=curl-failed
}

# header HEADER: the value of HEADER in the last response ("" if none).
header() {
  { grep -i "^$1:" "${into:-$printed}/$response.head" || true; } | head -n1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'
}

# try NAME STATUS BODY SLOT_HEADER CURL_ARGS…: a request, and its response
# as wanted: the status, the body (on a 200), Securekey-Slot, never
# Securekey-Latest, and the challenge on a 401 ($challenge if set).
try() {
  local name="$1" want_status="$2" want_body="$3" want_slot="$4" problems=()
  local want_challenge="${challenge:-Bearer realm=\"securekey\"}"
  shift 4
  request "$@"
  [[ "$status" == "$want_status" ]] || problems+=("status $status, expected $want_status")
  if [[ "$want_status" == 200 ]]; then
    [[ "$(tr -d '\n' <"$printed/$response.body")" == "$want_body" ]] || problems+=("the body is not \"$want_body\"")
  fi
  [[ "$(header securekey-slot)" == "$want_slot" ]] || problems+=("Securekey-Slot is not \"$want_slot\"")
  [[ -z "$(header securekey-latest)" ]] || problems+=("it carries Securekey-Latest")
  if [[ "$want_status" == 401 ]]; then
    [[ "$(header www-authenticate)" == "$want_challenge" ]] ||
      problems+=("WWW-Authenticate is not $want_challenge")
  fi
  if [[ "${#problems[@]}" -eq 0 ]]; then ok "$name"; else not_ok "$name" "${problems[@]}"; fi
}

# client KEY_FILE [BODY]: the package's client helper, with the key file
# $keys/KEY_FILE.json, against the server at $port: its one line (its
# warnings in $printed/client-$server-KEY_FILE.err).
client() {
  local out="$printed/client-$server-$1"
  (cd "$project" && env SECUREKEY_FILE="$keys/$1.json" LOGGER="${LOGGER:-}" node client.mjs "http://127.0.0.1:$port/" "${@:2}") \
    >"$out.out" 2>"$out.err" || true
  tr -d '\n' <"$out.out"
}

# same NAME GOT WANT
same() {
  if [[ "$2" == "$3" ]]; then ok "$1"; else not_ok "$1" "got \"$2\", expected \"$3\""; fi
}

refused_body="401 Unauthorized: present a valid key as Authorization: Bearer <key>"

# raw NAME HEADER…: GET /some/path from a raw socket with the HEADER lines
# as given; passes if the answer is the 401 with the challenge, and the
# server's onRefused logged a repeated header.
raw() {
  local name="$1" out="$printed/raw-$server-$n_request.out"
  shift
  n_request=$((n_request + 1))
  (cd "$project" && node raw-client.mjs "$port" "$@") >"$out" 2>&1 || true
  if [[ "$(head -n1 "$out")" == "HTTP/1.1 401 Unauthorized" ]] &&
    grep -qix 'www-authenticate: Bearer realm="securekey"' "$out" &&
    ! grep -qi '^securekey-slot:' "$out"; then
    ok "$name"
  else
    not_ok "$name" "not the 401 with the challenge: $(head -n1 "$out")"
  fi
}

# warned NAME CLIENT_ERR TEXT: the client's stderr holds TEXT.
warned() {
  if grep -qF -- "$3" "$printed/client-$server-$2.err"; then ok "$1"; else not_ok "$1" "its stderr: $(head -c 300 "$printed/client-$server-$2.err")"; fi
}

# The same checks for the three servers.
for server in http express fastify; do
  case "$server" in
    http) cmd=(node http-server.mjs) label=node:http ;;
    express) cmd=(node express-server.cjs) label=Express ;;
    fastify) cmd=(node fastify-server.mjs) label=Fastify ;;
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

    # Node keeps the first of two Authorization headers: both orders refused.
    raw "$label: the latest key, then another Authorization header: 401" \
      "Authorization: Bearer $KEY_A" "Authorization: Bearer $KEY_U"
    raw "$label: another Authorization header, then the latest key: 401" \
      "Authorization: Bearer $KEY_U" "Authorization: Bearer $KEY_A"
    raw "$label: the latest key twice: 401" "Authorization: Bearer $KEY_A" "authorization: Bearer $KEY_A"
    if [[ "$(grep -c '^refused repeated SECURE_KEY GET$' "$printed/$server.log")" == 3 ]]; then
      ok "$label: onRefused is told each repeated header (reason repeated, the var)"
    else
      not_ok "$label: onRefused is told each repeated header (reason repeated, the var)"
    fi
    if grep -q '^refused missing SECURE_KEY GET$' "$printed/$server.log" &&
      grep -q '^refused invalid SECURE_KEY GET$' "$printed/$server.log"; then
      ok "$label: onRefused is told the other refusals (missing, invalid)"
    else
      not_ok "$label: onRefused is told the other refusals (missing, invalid)"
    fi

    # The client helper against this server (key file A,B).
    same "$label, client with the same pair: the latest key, one request" \
      "$(client ab)" "status=200 attempts=1 slot-header=none body=latest SECURE_KEY GET"
    if [[ ! -s "$printed/client-$server-ab.err" ]]; then
      ok "$label, client with the same pair: no warning"
    else
      not_ok "$label, client with the same pair: no warning"
    fi
    same "$label, client one rotation ahead (C,A): 401, then the previous key, with its POST body again" \
      "$(client ca hello)" "status=200 attempts=2 slot-header=none body=latest SECURE_KEY POST hello"
    same "$label, client one rotation behind (B,D): accepted as previous, one request" \
      "$(client bd)" "status=200 attempts=1 slot-header=previous body=previous SECURE_KEY GET"
    warned "$label, client one rotation behind: it warns, naming its key by id" bd \
      "securekey: 127.0.0.1:$port accepted SECURE_KEY key $id_b as its previous key: this app's keys are one rotation behind (a restart"
    same "$label, client with neither key: two requests, the final 401" \
      "$(client ud)" "status=401 attempts=2 slot-header=none body=$refused_body"
    warned "$label, client with neither key: it warns that both were refused" ud \
      "securekey: 127.0.0.1:$port refused both SECURE_KEY keys"
    LOGGER=lines client ca >/dev/null
    warned "$label, client with a logger: the retry is an info line naming both keys by id" ca \
      "info: securekey: 127.0.0.1:$port refused SECURE_KEY key $(key_id "$KEY_C"); retrying with the previous key $id_a"
    LOGGER=null client bd >/dev/null
    if [[ ! -s "$printed/client-$server-bd.err" ]]; then
      ok "$label, client with logger null: no warning"
    else
      not_ok "$label, client with logger null: no warning"
    fi
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
    client bd >/dev/null
    warned "$label, sendLatest, client one rotation behind: it names the server's latest key by its id" bd \
      "as its previous key: this app's keys are one rotation behind; its latest key is $id_a (Securekey-Latest)"
    stop
  else
    not_ok "$label, sendLatest: the server starts"
    show "$printed/$server-send-latest.log"
  fi

  # publicPaths and the JSON 401.
  if start "$server-public-json" "$keys/ab.json" env PUBLIC_PATHS=/health,/ready JSON_401=1 "${cmd[@]}"; then
    at=/health try "$label, publicPaths: /health needs no key" 200 "public GET" ""
    at="/ready?full=1" try "$label, publicPaths: /ready?full=1 needs no key (the query aside)" 200 "public GET" ""
    at=/health try "$label, publicPaths: /health with the previous key: 200, public" 200 "public GET" "" -H "Authorization: Bearer $KEY_B"
    at=/health/ try "$label, publicPaths: /health/ is not /health (exact paths)" 401 "" ""
    at=/HEALTH try "$label, publicPaths: /HEALTH is not /health" 401 "" ""
    try "$label, publicPaths: another path still needs a key" 200 "latest SECURE_KEY GET" "" -H "Authorization: Bearer $KEY_A"
    json_body='{"error":"invalid_token","error_description":"present a valid key as Authorization: Bearer <key>"}'
    challenge='Bearer realm="securekey", error="invalid_token"' try "$label, json: an unknown key gets error=\"invalid_token\"" 401 "" "" -H "Authorization: Bearer $KEY_U"
    if [[ "$(<"$printed/$response.body")" == "$json_body" && "$(header content-type)" == "application/json; charset=utf-8" ]]; then
      ok "$label, json: the body is {\"error\":\"invalid_token\",…} as application/json"
    else
      not_ok "$label, json: the body is {\"error\":\"invalid_token\",…} as application/json" "$(head -c 200 "$printed/$response.body")"
    fi
    try "$label, json: no key: the bare challenge (RFC 6750: no error code)" 401 "" ""
    if [[ "$(<"$printed/$response.body")" == "${json_body/invalid_token/unauthorized}" ]]; then
      ok "$label, json: no key: {\"error\":\"unauthorized\",…}"
    else
      not_ok "$label, json: no key: {\"error\":\"unauthorized\",…}"
    fi
    raw_out="$printed/raw-$server-json.out"
    (cd "$project" && node raw-client.mjs "$port" "Authorization: Bearer $KEY_A" "Authorization: Bearer $KEY_U") >"$raw_out" 2>&1 || true
    if [[ "$(head -n1 "$raw_out")" == "HTTP/1.1 401 Unauthorized" ]] &&
      grep -qix 'www-authenticate: Bearer realm="securekey", error="invalid_request"' "$raw_out"; then
      ok "$label, json: a repeated header gets error=\"invalid_request\""
    else
      not_ok "$label, json: a repeated header gets error=\"invalid_request\""
    fi
    stop
  else
    not_ok "$label, publicPaths and json: the server starts"
    show "$printed/$server-public-json.log"
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


# A Securekey-Latest that is not a key (here a key in lowercase): the
# client says so without showing it. The server is a stand-in: no
# middleware sends such a header.
server=bad-latest
if start "$server" "$keys/ab.json" env BAD_LATEST="${KEY_U,,}" node -e '
const server = require("node:http").createServer((req, res) => {
  res.setHeader("Securekey-Slot", "previous");
  res.setHeader("Securekey-Latest", process.env.BAD_LATEST);
  res.end("previous\n");
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));'; then
  client bd >/dev/null
  warned "client, a Securekey-Latest that is not a key: it warns, not showing it" bd \
    "one rotation behind; it sent a Securekey-Latest that is not a key (not shown)"
  stop
else
  not_ok "client, a Securekey-Latest that is not a key: the stand-in server starts"
fi
