#!/usr/bin/env bash
# tests/packages/ruby/test.sh: the Ruby gem as a user gets it. Built with
# `gem build` and installed from its .gem (install.sh) into a GEM_HOME of its
# own, then used from a clean project dir: `require "securekey"`, the API,
# Zeitwerk's constant names, Securekey::Rack served by WEBrick on 127.0.0.1
# (an ephemeral port) and driven by curl and by the gem's own
# Securekey::Client, the Rails examples (Debian's Rails 6.1) across a
# rotation A,B -> C,A, and no key material in anything printed or logged.
# Needs what setup.sh installs. Ends with `ruby: N passed, M failed`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$root/tests/buildpack/lib.sh"

# A fourth test key (not a secret), for a client whose pair the server never had.
KEY_D=F4A40E84E294BADF50DB46B69A6C87FB824E43C2A25746FBC3F2060B398C5A78
TEST_KEYS+=("$KEY_D")
# A fifth, for a second rotation C,A -> E,C.
KEY_E=9D2C7A51E04B3F86C1A9E7D05B28F4C36E1D9A07B5C3F28E64A1D0C97B3E5F21
TEST_KEYS+=("$KEY_E")

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
files="$work/files"
project="$work/project"
mkdir -p "$files/.securekey" "$project" "$work/home"
key_windows "$work/key-windows"

# write_key_file NAME ENTRY…: $files/NAME.json; an entry is VAR=LATEST[,PREVIOUS].
write_key_file() {
  local name="$1" kv var latest previous entries=()
  shift
  for kv in "$@"; do
    var="${kv%%=*}"
    latest="${kv#*=}"
    previous=""
    [[ "$latest" != *,* ]] || { previous="${latest#*,}" && latest="${latest%%,*}"; }
    if [[ -n "$previous" ]]; then
      entries+=("$(printf '"%s":{"latest":"%s","latest_id":"%s","previous":"%s","previous_id":"%s"}' \
        "$var" "$latest" "$(key_id "$latest")" "$previous" "$(key_id "$previous")")")
    else
      entries+=("$(printf '"%s":{"latest":"%s","latest_id":"%s","previous":null,"previous_id":null}' \
        "$var" "$latest" "$(key_id "$latest")")")
    fi
  done
  local IFS=,
  printf '{"keys":{%s},"version":1}\n' "${entries[*]}" >"$files/$name.json"
}

# The key files: a rotation A,B -> C,A (and B alone: the latest two
# rotations back), clients' pairs, and files for the API's edge cases.
make_files() {
  write_key_file ab "SECURE_KEY=$KEY_A,$KEY_B"
  write_key_file ca "SECURE_KEY=$KEY_C,$KEY_A"
  write_key_file ec "SECURE_KEY=$KEY_E,$KEY_C"
  write_key_file b "SECURE_KEY=$KEY_B"
  write_key_file c "SECURE_KEY=$KEY_C"
  write_key_file cd "SECURE_KEY=$KEY_C,$KEY_D"
  write_key_file new "SECURE_KEY=$KEY_C"
  write_key_file two-vars "SECURE_KEY=$KEY_A,$KEY_B" "OTHER_SECURE_KEY=$KEY_C,$KEY_D"
  write_key_file only-other "OTHER_SECURE_KEY=$KEY_C,$KEY_D"
  write_key_file two-others "OTHER_SECURE_KEY=$KEY_C,$KEY_D" "THIRD_SECURE_KEY=$KEY_A,$KEY_B"
  sed -e "s/$KEY_A/$KEY_D/" "$files/ab.json" >"$files/tampered.json"
  mkfifo "$files/fifo.json"
  { head -c 1048577 /dev/zero | tr '\0' ' ' && cat "$files/ab.json"; } >"$files/over-cap.json"
  cp "$files/ab.json" "$files/.securekey/keys.json"
  # For the Ruby tests' comparisons (never printed).
  printf '%s\n' "$KEY_A" "$KEY_B" "$KEY_C" "$KEY_D" "$KEY_E" >"$files/keys.txt"
}

# Debian's gem dirs (Rails, Rack, WEBrick, Zeitwerk from apt), without the
# user's or /usr/local's, where another securekey could be.
debian_gems="$(env -i PATH=/usr/bin:/bin ruby -e 'print Gem.default_path.grep(%r{\A/usr/(lib|share)/}).join(":")')"

# in_project CMD…: CMD in the clean project dir, with a bare environment:
# the installed gem's GEM_HOME first, then Debian's gems.
in_project() {
  (cd "$project" && env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 \
    GEM_HOME="$gem_home" GEM_PATH="$gem_home:$debian_gems" "$@")
}

# tally NAME FILE STATUS: shows a Ruby test's ok / not ok lines (the
# counts come from the suite's output); a non-zero STATUS with no failing
# line, or no line at all, fails too.
tally() {
  local name="$1" out="$2" status="$3"
  cat "$out"
  if [[ "$status" -ne 0 ]] && ! grep -q '^not ok - ' "$out" || ! grep -q -e '^ok - ' -e '^not ok - ' "$out"; then
    not_ok "$name ran to the end" "exit $status"
  fi
}

# ruby_test NAME SCRIPT ARG…: a Ruby test script in the project, counted.
ruby_test() {
  local name="$1" status=0
  shift
  in_project ruby "$@" >"$work/$name.out" 2>&1 || status=$?
  tally "$name" "$work/$name.out" "$status"
}

# serve NAME RU [VAR=VALUE…]: serve.rb serving RU in the project, with the
# given environment; sets port. The port comes through a FIFO held open
# read-write, so the read waits for the server, not for a clock (the
# timeout is only a bound for a server that died before listening).
serve() {
  local name="$1" ru="$2" fifo="$work/$1.port"
  shift 2
  mkfifo "$fifo"
  exec 3<>"$fifo"
  in_project "$@" ruby "$here/serve.rb" "$ru" "$fifo" >"$work/$name.log" 2>&1 &
  pids+=("$!")
  port=""
  read -r -t 120 -u 3 port || true
  exec 3<&-
  if [[ "$port" =~ ^[0-9]+$ ]]; then
    ok "$name: served on 127.0.0.1"
  else
    not_ok "$name: served on 127.0.0.1" "it did not start"
    show "$work/$name.log"
  fi
}

# stop: stops the last server started.
stop() {
  local pid="${pids[-1]}"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset 'pids[-1]'
}

# request NAME PATH [CURL_ARG…]: curl to the server; sets status, leaves
# $work/NAME.headers and $work/NAME.body.
request() {
  local name="$1" path="$2"
  shift 2
  : >"$work/$name.body"
  : >"$work/$name.headers"
  status="$(curl -sS -o "$work/$name.body" -D "$work/$name.headers" -w '%{http_code}' "$@" \
    "http://127.0.0.1:$port$path")" || status="curl failed"
}

# header NAME FIELD: the response's FIELD (case-insensitive), or nothing.
header() {
  sed -n "s/^$2: *//Ip" "$work/$1.headers" | tr -d '\r'
}

# expect NAME CONDITION_TEXT TEST…: ok if the test command succeeds;
# failures show the status and header names, never a header's value.
expect() {
  local name="$1" req="$2"
  shift 2
  if "$@"; then
    ok "$name"
  else
    not_ok "$name" "status $status; header names: $(tail -n +2 "$work/$req.headers" | cut -d: -f1 | tr -d '\r' | tr '\n' ' ')"
  fi
}

# refused REQ: a 401 with the challenge, no securekey-* header, and a body
# that echoes nothing presented.
refused() {
  [[ "$status" == 401 && "$(header "$1" www-authenticate)" == 'Bearer realm="securekey"' &&
    -z "$(header "$1" securekey-slot)" && -z "$(header "$1" securekey-latest)" ]] &&
    no_key_material "$work/key-windows" "$work/$1.body" >/dev/null
}

rack_tests() {
  local ru="$here/rack_app.ru"
  serve rack "$ru" SECUREKEY_FILE="$files/ab.json"
  request latest / -H "Authorization: Bearer $KEY_A"
  expect "rack: the latest key: 200, the app sees :latest, no Securekey-* header" latest \
    test "$status:$(<"$work/latest.body"):$(header latest securekey-slot)$(header latest securekey-latest)" == "200:slot=:latest GET:"
  request previous / -H "Authorization: Bearer $KEY_B"
  expect "rack: the previous key: 200, the app sees :previous, Securekey-Slot: previous" previous \
    test "$status:$(<"$work/previous.body"):$(header previous securekey-slot)" == "200:slot=:previous GET:previous"
  expect "rack: no Securekey-Latest unless send_latest is on" previous test -z "$(header previous securekey-latest)"
  request lower / -H "authorization: bearer $KEY_A"
  expect "rack: the scheme is case-insensitive (RFC 7235): bearer works" lower test "$status" == 200
  request unknown / -H "Authorization: Bearer $KEY_C"
  expect "rack: an unknown key: 401 with WWW-Authenticate, nothing echoed" unknown refused unknown
  request none /
  expect "rack: no Authorization header: 401 with WWW-Authenticate" none refused none
  request basic / -H "Authorization: Basic $KEY_A"
  expect "rack: another scheme (Basic) with the latest key: 401, nothing echoed" basic refused basic
  request bare / -H "Authorization: $KEY_A"
  expect "rack: the key without a scheme: 401, nothing echoed" bare refused bare
  request pair / -H "Authorization: Bearer $KEY_A,$KEY_B"
  expect "rack: the whole pair LATEST,PREVIOUS: 401, nothing echoed" pair refused pair
  request lowercase / -H "Authorization: Bearer ${KEY_A,,}"
  expect "rack: the latest key in lowercase: 401" lowercase refused lowercase
  request extra / -H "Authorization: Bearer $KEY_A extra"
  expect "rack: the latest key and more after a space: 401" extra refused extra
  request post / -X POST -d x=1 -H "Authorization: Bearer $KEY_B"
  expect "rack: a POST with the previous key: 200 and Securekey-Slot" post \
    test "$status:$(header post securekey-slot)" == "200:previous"

  ruby_test client "$here/client_test.rb" "$port" "$files" "$work/client.log"
  ruby_test faraday "$here/faraday_test.rb" "$port" "$files" "$work/faraday.log"
  stop

  serve rack-send-latest "$ru" SECUREKEY_FILE="$files/ab.json" SEND_LATEST=1
  request sl-previous / -H "Authorization: Bearer $KEY_B"
  expect "rack send_latest: the previous key gets Securekey-Slot and Securekey-Latest: the latest key" sl-previous \
    test "$status:$(header sl-previous securekey-slot):$(header sl-previous securekey-latest)" == "200:previous:$KEY_A"
  request sl-latest / -H "Authorization: Bearer $KEY_A"
  expect "rack send_latest: never on a latest-key request" sl-latest \
    test "$status:$(header sl-latest securekey-slot)$(header sl-latest securekey-latest)" == "200:"
  request sl-unknown / -H "Authorization: Bearer $KEY_C"
  expect "rack send_latest: never on a 401" sl-unknown refused sl-unknown
  stop

  local server
  for server in webrick puma; do
    serve "guard-$server" "$here/rack_options.ru" SERVER="$server" SECUREKEY_FILE="$files/ab.json" GUARD_LOG="$work/guard-$server.log"
    ruby_test "guard-$server" "$here/guard_test.rb" "$server" "$port" "$files" "$work/guard-$server.log"
    stop
  done

  serve example "$root/packages/ruby/examples/config.ru" SECUREKEY_FILE="$files/ca.json"
  request ex-previous / -H "Authorization: Bearer $KEY_A"
  expect "examples/config.ru: after the rotation to C,A the old latest is the previous key: 200" ex-previous \
    test "$status:$(<"$work/ex-previous.body"):$(header ex-previous securekey-slot)" == "200:hello, previous key:previous"
  request ex-old / -H "Authorization: Bearer $KEY_B"
  expect "examples/config.ru: a key two rotations old: 401" ex-old refused ex-old
  stop
}

cookie_tests() {
  local ru="$root/packages/ruby/examples/rails_cookies.ru"
  serve rails-ab "$ru" SECUREKEY_FILE="$files/ab.json" RAILS_ENV=production
  request write-ab "/write?value=hello" -c "$work/jar-ab"
  stop
  serve rails-b "$ru" SECUREKEY_FILE="$files/b.json" RAILS_ENV=production
  request write-b "/write?value=stale" -c "$work/jar-b"
  stop
  serve rails-ca "$ru" SECUREKEY_FILE="$files/ca.json" RAILS_ENV=production
  request read-ab /read -b "$work/jar-ab"
  expect "rails cookies: signed and encrypted under A,B, read after the rotation to C,A" read-ab \
    test "$status:$(<"$work/read-ab.body")" == "200:signed=hello encrypted=hello"
  expect "rails cookies: and rewritten with the latest key (Set-Cookie on the read)" read-ab \
    test "$(header read-ab set-cookie | grep -c -e '^signed_note=' -e '^encrypted_note=')" == 2
  request read-b /read -b "$work/jar-b"
  expect "rails cookies: written with B (two rotations old), refused under C,A" read-b \
    test "$status:$(<"$work/read-b.body")" == "200:signed= encrypted="
  request write-ca "/write?value=fresh" -c "$work/jar-ca"
  request read-ca /read -b "$work/jar-ca"
  expect "rails cookies: written and read under C,A" read-ca \
    test "$status:$(<"$work/read-ca.body")" == "200:signed=fresh encrypted=fresh"
  expect "rails cookies: a cookie of the latest key is not rewritten" read-ca test -z "$(header read-ca set-cookie)"
  stop
}

# An active user across two rotations: logged in under A,B, a request
# under C,A (the session cookie is read with the previous key and written
# back with the latest), then one under E,C: still logged in. The cookie
# as it was before C,A is refused under E,C (two rotations old).
session_tests() {
  local ru="$root/packages/ruby/examples/rails_cookies.ru"
  serve session-ab "$ru" SECUREKEY_FILE="$files/ab.json" RAILS_ENV=production
  request login "/login?user=ann" -c "$work/jar-login"
  stop
  serve session-ca "$ru" SECUREKEY_FILE="$files/ca.json" RAILS_ENV=production
  request me-ca /me -b "$work/jar-login" -c "$work/jar-ca-me"
  expect "rails session: logged in under A,B, still logged in under C,A" me-ca test "$status:$(<"$work/me-ca.body")" == "200:user=ann"
  expect "rails session: and the session cookie is written back (Set-Cookie) under C,A" me-ca \
    test "$(header me-ca set-cookie | grep -c '^_securekey_cookies_app_session=')" == 1
  stop
  serve session-ec "$ru" SECUREKEY_FILE="$files/ec.json" RAILS_ENV=production
  request me-ec /me -b "$work/jar-ca-me"
  expect "rails session: an active user survives a second rotation (E,C): still logged in" me-ec \
    test "$status:$(<"$work/me-ec.body")" == "200:user=ann"
  request me-idle /me -b "$work/jar-login"
  expect "rails session: the cookie of A,B not seen since is refused under E,C (idle for two rotations)" me-idle \
    test "$status" == 401
  stop
}

rails_api_tests() {
  serve rails-api "$root/packages/ruby/examples/rails_api.ru" SECUREKEY_FILE="$files/ab.json" RAILS_ENV=production
  request api-latest /things -H "Authorization: Bearer $KEY_A"
  expect "rails api (config.middleware.use): the latest key reaches the controller as :latest" api-latest \
    test "$status:$(<"$work/api-latest.body")" == "200:things for a client with the latest key"
  request api-previous /things -H "Authorization: Bearer $KEY_B"
  expect "rails api: the previous key reaches it as :previous, with Securekey-Slot: previous" api-previous \
    test "$status:$(<"$work/api-previous.body"):$(header api-previous securekey-slot)" == "200:things for a client with the previous key:previous"
  request api-unknown /things -H "Authorization: Bearer $KEY_C"
  expect "rails api: an unknown key: 401 before Rails routes it" api-unknown refused api-unknown
  stop
}

# The concern (Securekey::Rails::Authenticated) and Rails' own
# authenticate_or_request_with_http_token, in a Rails app under WEBrick.
rails_controller_tests() {
  serve rails-controller "$root/packages/ruby/examples/rails_controller.ru" SECUREKEY_FILE="$files/ab.json" RAILS_ENV=production
  request rc-latest /things -H "Authorization: Bearer $KEY_A"
  expect "rails concern: the latest key: 200, the action sees :latest, no Securekey-Slot" rc-latest \
    test "$status:$(<"$work/rc-latest.body"):$(header rc-latest securekey-slot)" == "200:things for a client with the latest key:"
  request rc-previous /things -H "Authorization: Bearer $KEY_B"
  expect "rails concern: the previous key: 200, :previous, Securekey-Slot: previous" rc-previous \
    test "$status:$(<"$work/rc-previous.body"):$(header rc-previous securekey-slot)" == "200:things for a client with the previous key:previous"
  request rc-unknown /things -H "Authorization: Bearer $KEY_C"
  expect "rails concern: an unknown key: the protocol's 401, nothing echoed" rc-unknown refused rc-unknown
  request rc-none /things
  expect "rails concern: no key: the protocol's 401" rc-none refused rc-none
  request rc-twice /things -H "Authorization: Bearer $KEY_A" -H "Authorization: Bearer $KEY_C"
  expect "rails concern: two Authorization headers (latest, another): 401" rc-twice refused rc-twice
  request rc-twice-other /things -H "Authorization: Bearer $KEY_C" -H "Authorization: Bearer $KEY_A"
  expect "rails concern: two Authorization headers (another, latest): 401" rc-twice-other refused rc-twice-other
  request rc-health /health
  expect "rails concern: skip_before_action makes /health public: 200 without a key" rc-health test "$status" == 200
  request id-latest /idiom -H "Authorization: Bearer $KEY_A"
  expect "rails idiom (authenticate_or_request_with_http_token): the latest key: 200" id-latest \
    test "$status:$(<"$work/id-latest.body"):$(header id-latest securekey-slot)" == "200:idiom: the latest key:"
  request id-previous /idiom -H "Authorization: Bearer $KEY_B"
  expect "rails idiom: the previous key: 200 with Securekey-Slot: previous" id-previous \
    test "$status:$(<"$work/id-previous.body"):$(header id-previous securekey-slot)" == "200:idiom: the previous key:previous"
  request id-unknown /idiom -H "Authorization: Bearer $KEY_C"
  expect "rails idiom: an unknown key: 401 with WWW-Authenticate (Token realm=\"securekey\"), nothing echoed" id-unknown \
    test "$status:$(header id-unknown www-authenticate)" == '401:Token realm="securekey"'
  no_key_material "$work/key-windows" "$work/id-unknown.body" >/dev/null || not_ok "rails idiom: the 401 body echoes nothing"
  # What the README says of the idiom, and why the concern exists.
  request id-twice /idiom -H "Authorization: Bearer $KEY_A" -H "Authorization: Bearer $KEY_C"
  expect "rails idiom: of two Authorization headers (latest, another) it takes the first: 200 (the concern refuses)" id-twice \
    test "$status" == 200
  stop
}

# An app's way in: a Gemfile naming the gem, the .gem in vendor/cache,
# `bundle install --local` (Debian's Bundler; no network), `bundle exec`.
bundler_tests() {
  local app="$work/bundler-app" status=0
  mkdir -p "$app/vendor/cache"
  cp "$work/pkg/securekey-0.1.0.gem" "$app/vendor/cache/"
  printf 'source "https://rubygems.org"\ngem "securekey", "0.1.0"\n' >"$app/Gemfile"
  local bundle_env=(env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 BUNDLE_PATH="$app/vendor/bundle")
  (cd "$app" && "${bundle_env[@]}" bundle install --local) >"$work/bundle-install.log" 2>&1 || status=$?
  check "bundler: bundle install --local of gem \"securekey\" from vendor/cache" test "$status" -eq 0
  status=0
  # shellcheck disable=SC2016 # Ruby code, not shell
  (cd "$app" && "${bundle_env[@]}" bundle exec ruby -e 'require "securekey"
puts Securekey::VERSION, $LOADED_FEATURES.grep(%r{/securekey\.rb\z})') >"$work/bundle-require.out" 2>&1 || status=$?
  check "bundler: bundle exec ruby -e 'require \"securekey\"' loads the bundled 0.1.0" \
    test "$status:$(<"$work/bundle-require.out")" == "0:0.1.0"$'\n'"$app/vendor/bundle/ruby/$(ruby -e 'print RbConfig::CONFIG["ruby_version"]')/gems/securekey-0.1.0/lib/securekey.rb"
  status=0
  (cd "$app" && "${bundle_env[@]}" SECUREKEY_FILE="$files/ab.json" bundle exec securekey-reader present SECURE_KEY) \
    >"$work/bundle-reader.out" 2>&1 || status=$?
  check "bundler: bundle exec securekey-reader present SECURE_KEY gives the ids in client order" \
    test "$status:$(<"$work/bundle-reader.out")" == "0:$(key_id "$KEY_A")"$'\n'"$(key_id "$KEY_B")"
}

# The README's install line, for real: the repository as a git repo
# (packages/ruby of this checkout, committed and tagged v0.1.0) at a file://
# URL, a clean project whose Gemfile has the README's line with that URL,
# `bundle install --local` (no rubygems.org) and `bundle exec`.
bundler_git_tests() {
  local repo="$work/git-repo" app="$work/git-app" status=0 line
  mkdir -p "$repo/packages" "$app"
  cp -r "$root/packages/ruby" "$repo/packages/ruby"
  rm -f "$repo/packages/ruby/"*.gem
  (cd "$repo" && git init -q && git add -A && git -c user.name=test -c user.email=test@example.com commit -qm "the gem" &&
    git tag v0.1.0) >"$work/git-repo.log" 2>&1 || status=$?
  line="$(grep -m1 '^gem "securekey", git: ' "$root/packages/ruby/README.md")"
  check "bundler git: the README's first Gemfile line names the git URL, tag v0.1.0 and glob packages/ruby/*.gemspec" \
    test "$line" == 'gem "securekey", git: "https://github.com/securekey-buildpack/securekey", tag: "v0.1.0", glob: "packages/ruby/*.gemspec"'
  printf '%s\n' "${line/https:\/\/github.com\/securekey-buildpack\/securekey/file://$repo}" >"$app/Gemfile"
  local bundle_env=(env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 BUNDLE_PATH="$app/vendor/bundle")
  (cd "$app" && "${bundle_env[@]}" bundle install --local) >"$work/bundle-git-install.log" 2>&1 || status=$?
  check "bundler git: bundle install --local of the README's line (git: + tag: + glob:) from a file:// repo" test "$status" -eq 0
  status=0
  # shellcheck disable=SC2016 # Ruby code, not shell
  (cd "$app" && "${bundle_env[@]}" SECUREKEY_FILE="$files/ab.json" bundle exec ruby -e 'require "securekey"
puts Securekey::VERSION, Securekey.pair.ids.size, $LOADED_FEATURES.grep(%r{/securekey\.rb\z}).first.include?("/bundler/gems/")') \
    >"$work/bundle-git-require.out" 2>&1 || status=$?
  check "bundler git: bundle exec ruby -e 'require \"securekey\"' loads 0.1.0 from the git checkout" \
    test "$status:$(<"$work/bundle-git-require.out")" == "0:0.1.0"$'\n'"2"$'\n'"true"
}

main() {
  make_files
  local status=0
  bash "$here/install.sh" "$work/pkg" >"$work/install.log" 2>&1 || status=$?
  gem_home="$work/pkg/gems"
  if [[ "$status" -eq 0 && -x "$gem_home/bin/securekey-reader" ]]; then
    ok "gem build of the gemspec and gem install --local of the .gem"
  else
    show "$work/install.log"
    bail ruby "gem build of the gemspec and gem install --local of the .gem" "install.sh exited $status"
  fi

  bundler_tests
  bundler_git_tests
  ruby_test api "$here/api_test.rb" "$files"
  ruby_test leak "$here/leak_test.rb" "$files"
  ruby_test zeitwerk "$here/zeitwerk_test.rb"
  ruby_test rails "$here/rails_test.rb" "$root/packages/ruby/examples" "$files"

  status=0
  printf '%s\n' "$KEY_B" | in_project env SECUREKEY_FILE="$files/ab.json" "$gem_home/bin/securekey-reader" verify SECURE_KEY \
    >"$work/reader.out" 2>&1 || status=$?
  check "the installed securekey-reader: the previous key is \"previous\"" test "$status:$(<"$work/reader.out")" == "0:previous"

  rack_tests
  cookie_tests
  session_tests
  rails_api_tests
  rails_controller_tests
}

# The suite's output goes through a file too, for the leak check; the
# counts come from its lines (main runs in the pipeline's subshell).
main_status=0
keep="${SECUREKEY_TEST_KEEP:-}"
[[ -z "$keep" ]] || trap 'cp -r "$work/." "$keep/"; cleanup' EXIT
main 2>&1 | tee "$work/output" || main_status=$?
t_passed="$(grep -c '^ok - ' "$work/output" || true)"
t_failed="$(grep -c '^not ok - ' "$work/output" || true)"
[[ "$main_status" -eq 0 ]] || not_ok "the suite ran to the end" "exit $main_status"
if no_key_material "$work/key-windows" "$work/output" "$work"/*.log >/dev/null; then
  ok "no key material in anything printed or logged (the suite's output, the servers' and the client's logs)"
else
  not_ok "no key material in anything printed or logged (the suite's output, the servers' and the client's logs)"
fi
finish ruby
