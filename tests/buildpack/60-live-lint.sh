#!/usr/bin/env bash
# tests/buildpack/60-live-lint.sh DIST_DIR
#
# `securekey lint --app/--addon` against the Platform API stand-in
# (tests/platform-api/standin.py on 127.0.0.1), next to the REAL Heroku CLI
# from npm:
#   - the stand-in's answers match the API's published schema
#     (tests/platform-api/validate.sh; CI has it at ../shared);
#   - `heroku config --json -a APP` (the real CLI, HEROKU_HOST pointing at
#     the stand-in) reads the seed's three apps, so a real client accepts
#     the stand-in;
#   - securekey's live report on those apps equals its report on the files
#     the CLI saved, but for the live checks, which only the live read can
#     make (not-attached, stale-rotation);
#   - the token from the real `heroku auth:token` (a ~/.netrc login, no
#     HEROKU_API_KEY);
#   - nothing printed, at -vv, holds a key or the token.
# The binary is DIST_DIR/securekey-x86_64 (scripts/package).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$here/lib.sh"

dist="${1:?usage: $0 DIST_DIR}"
dist="$(cd "$dist" && pwd)"
bin="$dist/securekey-x86_64"
suite=live-lint
# The CLI's version this test was written against (npm).
heroku_version=11.10.0

work="$(mktemp -d)"
standin_pid=""
cleanup() {
  if [[ -n "$standin_pid" ]]; then
    kill "$standin_pid" 2>/dev/null || true
    wait "$standin_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

[[ -x "$bin" ]] || bail "$suite" "the binary is at $bin" "run scripts/package first"

# ------------------------------------------------------------ the schema
if bash "$root/tests/platform-api/validate.sh" >"$work/schema.out" 2>&1; then
  ok "the stand-in's answers match the Platform API's schema ($(tail -n1 "$work/schema.out"))"
else
  not_ok "the stand-in's answers match the Platform API's schema" "$(grep -m5 '^not ok' "$work/schema.out" || tail -n5 "$work/schema.out")"
fi

# --------------------------------------------------------- the stand-in
mkfifo "$work/port"
# The CLI does not retry a 429 (securekey does: tests/live.rs).
python3 "$root/tests/platform-api/standin.py" --no-rate-limit --log "$work/requests.jsonl" >"$work/port" 2>"$work/standin.err" &
standin_pid=$!
# It prints its port once listening: read blocks until then.
read -r port <"$work/port"
[[ "$port" =~ ^[0-9]+$ ]] || bail "$suite" "the stand-in listens" "$(cat "$work/standin.err")"
url="http://127.0.0.1:$port"
token="$(python3 "$root/tests/platform-api/standin.py" --print-token)"

# Every secret of the world: its token and each key in any release.
python3 - "$root/tests/platform-api/fixtures/world.json" >"$work/secrets" <<'PY'
import json, re, sys
w = json.load(open(sys.argv[1]))
print(w["token"])
for app in w["apps"].values():
    for r in app["releases"]:
        for v in r["set"].values():
            for k in v.split(","):
                if re.fullmatch(r"[0-9A-F]{64}", k):
                    print(k)
PY
: >"$work/windows"
while IFS= read -r secret; do
  for ((i = 0; i + 8 <= ${#secret}; i++)); do
    echo "${secret:i:8}" >>"$work/windows"
  done
done <"$work/secrets"

# ----------------------------------------------------- the real Heroku CLI
# The CLI 11 needs Node.js 20 or later (its package.json's engines).
node_major="$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')"
[[ "${node_major:-0}" -ge 20 ]] ||
  bail "$suite" "Node.js 20 or later runs the Heroku CLI" "node --version: $(node --version 2>&1 || true)"
mkdir -p "$work/cli" "$work/home"
if (cd "$work/cli" && npm install --no-audit --no-fund --loglevel=error "heroku@$heroku_version" >"$work/npm.out" 2>&1); then
  ok "npm installs the Heroku CLI $heroku_version"
else
  bail "$suite" "npm installs the Heroku CLI $heroku_version" "$(tail -n5 "$work/npm.out")"
fi
heroku="$work/cli/node_modules/.bin/heroku"

# The CLI's own settings: its home, no telemetry, and the API here.
cli_env=(
  env -i "PATH=$work/cli/node_modules/.bin:/usr/local/bin:/usr/bin:/bin" "HOME=$work/home"
  "HEROKU_HOST=$url" DISABLE_TELEMETRY=true HEROKU_SKIP_ANALYTICS=1
  "HEROKU_ANALYTICS_URL=$url/analytics"
)

apps=(service-1 service-2 service-3)
saved=()
for app in "${apps[@]}"; do
  if "${cli_env[@]}" "HEROKU_API_KEY=$token" "$heroku" config --json -a "$app" >"$work/$app.json" 2>"$work/$app.cli.err" &&
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not isinstance(d, dict) or "HEROKU_APP_NAME" not in d)' "$work/$app.json"; then
    ok "heroku config --json -a $app reads the stand-in"
  else
    not_ok "heroku config --json -a $app reads the stand-in" "$(tail -n3 "$work/$app.cli.err")"
  fi
  saved+=("$app=$work/$app.json")
done

if python3 - "$work/requests.jsonl" <<'PY'; then
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
cli = [r for r in reqs if (r["user_agent"] or "").startswith("heroku-cli/")]
assert cli, "no request from the CLI"
assert all(r["accept"] == "application/vnd.heroku+json; version=3" for r in cli)
assert all(r["authorization"] == "Bearer <token>" for r in cli)
PY
  ok "the CLI's requests carry Accept version=3 and the Bearer token"
else
  not_ok "the CLI's requests carry Accept version=3 and the Bearer token"
fi

# ------------------------------------------- live report = saved report
sk_env=(env -i PATH=/usr/bin:/bin "HOME=$work/home" "HEROKU_HOST=$url")
live_args=()
for app in "${apps[@]}"; do live_args+=(--app "$app"); done
code=0
"${sk_env[@]}" "HEROKU_API_KEY=$token" "$bin" lint --format json "${live_args[@]}" >"$work/live.json" 2>"$work/live.err" || code=$?
saved_code=0
"${sk_env[@]}" "$bin" lint --format json "${saved[@]}" >"$work/saved.json" 2>"$work/saved.err" || saved_code=$?
if [[ "$code" -eq 0 && "$saved_code" -eq 0 ]]; then
  ok "live and saved lint both pass (warnings only)"
else
  not_ok "live and saved lint both pass (warnings only)" "live exit $code, saved exit $saved_code"
fi
if python3 - "$work/live.json" "$work/saved.json" <<'PY' >"$work/compare.out" 2>&1; then
import json, sys
live, saved = (json.load(open(p)) for p in sys.argv[1:3])
LIVE_ONLY = {"not-attached", "attached-differs", "stale-rotation"}
def keys(r):
    return [{k: v for k, v in key.items() if k != "source"} for key in r["keys"]]
assert [k["source"] for k in live["keys"]] == ["heroku:service-1", "heroku:service-2", "heroku:service-3"], "sources"
assert keys(live) == keys(saved), "keys"
assert live["groups"] == saved["groups"], "groups"
shared = [f for f in live["findings"] if f["check"] not in LIVE_ONLY]
assert shared == saved["findings"], "findings"
only = sorted((f["app"], f["check"]) for f in live["findings"] if f["check"] in LIVE_ONLY)
assert only == [("service-1", "stale-rotation"), ("service-3", "not-attached")], only
print("ok")
PY
  ok "the live report equals the report on the CLI's saved files, plus not-attached and stale-rotation"
else
  not_ok "the live report equals the report on the CLI's saved files, plus not-attached and stale-rotation" "$(tail -n3 "$work/compare.out")"
fi

# --------------------------------------------- the token from the real CLI
# A login as `heroku login` leaves it where no keychain is: ~/.netrc, for
# the API host's machine. No HEROKU_API_KEY: securekey asks `heroku auth:token`.
printf 'machine 127.0.0.1:%s\n  login me@example.com\n  password %s\n' "$port" "$token" >"$work/home/.netrc"
chmod 0600 "$work/home/.netrc"
if "${cli_env[@]}" "$heroku" auth:token >"$work/cli-token.out" 2>"$work/cli-token.err" &&
  [[ "$(cat "$work/cli-token.out")" == "$token" ]]; then
  ok "the real heroku auth:token reads the login"
else
  not_ok "the real heroku auth:token reads the login" "$(tail -n3 "$work/cli-token.err")"
fi
# Only the CLI's folder on PATH beside the system's, and no netrc fallback
# to fall on: securekey must have asked the CLI (it says where it found it).
code=0
env -i "PATH=$work/cli/node_modules/.bin:/usr/bin:/bin" "HOME=$work/home" "HEROKU_HOST=$url" \
  DISABLE_TELEMETRY=true HEROKU_SKIP_ANALYTICS=1 "HEROKU_ANALYTICS_URL=$url/analytics" \
  "$bin" lint -v --app service-3 >"$work/cli-token-lint.out" 2>"$work/cli-token-lint.err" || code=$?
if [[ "$code" -eq 0 ]] && grep -q 'token_from="heroku auth:token"' "$work/cli-token-lint.err"; then
  ok "securekey takes the token from heroku auth:token"
else
  not_ok "securekey takes the token from heroku auth:token" "exit $code" "$(tail -n3 "$work/cli-token-lint.err")"
fi

# ----------------------------------------------------- nothing leaks, -vv
code=0
"${sk_env[@]}" "HEROKU_API_KEY=$token" SECUREKEY_LOG=trace "$bin" lint -vv "${live_args[@]}" \
  --app billing-api --app billing-cron --app partner-client >"$work/trace.out" 2>"$work/trace.err" || code=$?
if [[ "$code" -eq 1 ]] && grep -q TRACE "$work/trace.err"; then
  ok "lint -vv runs, trace logging on (exit 1: attached-differs)"
else
  not_ok "lint -vv runs, trace logging on (exit 1: attached-differs)" "exit $code"
fi
outputs=("$work"/live.* "$work"/saved.* "$work"/cli-token-lint.* "$work"/trace.*)
if no_key_material "$work/windows" "${outputs[@]}"; then
  ok "nothing securekey printed holds a key or the token"
else
  not_ok "nothing securekey printed holds a key or the token"
fi

finish "$suite"
