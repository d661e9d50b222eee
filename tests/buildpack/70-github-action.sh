#!/usr/bin/env bash
# The GitHub Action (action.yml) run as a runner runs it: action.yml read by
# tests/buildpack/action-runner.py, each step's script run with the RUNNER_*
# and GITHUB_* variables and the files a runner makes, against release
# assets served from 127.0.0.1 by python3's http.server. A good install and
# run (annotations on stdout, the summary holds the table, the outputs hold
# `ok` and the report's path; the token is never printed), a failing lint
# (ok=false, the step fails, the table and report are still written), a
# tampered checksum (fails, nothing installed), an unsupported runner (a
# clear ::error, no download), a second run from the tool cache (no
# download: the server's log), and a macOS runner (its asset).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$here/lib.sh"

dist="$(cd "${1:?usage: $0 DIST_DIR}" && pwd)"
version="$(bp_package_version "$root")"
work="$(mktemp -d)"
server_pid=""
trap '[[ -z "$server_pid" ]] || kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
key_windows "$work/key-windows"
token="HRKU-AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQrrSSttUUvvWWxx"
printf '%s\n' "${token:5:8}" "${token:20:8}" >>"$work/key-windows"

case "$(bp_arch)" in
  x86_64) runner_arch=X64 ;;
  aarch64) runner_arch=ARM64 ;;
  *)
    ok "# SKIP no released binary for this machine ($(bp_arch))"
    finish action
    exit 0
    ;;
esac
native="securekey-$(bp_arch)"

srv="$work/srv"
release_tree "$dist" "$srv/good" "$version"
release_tree "$dist" "$srv/tampered" "$version"
sed -i "s/^[0-9a-f]\{64\}  $native\$/$(printf '0%.0s' {1..64})  $native/" "$srv/tampered/v$version/SHA256SUMS"
release_server "$srv" "$work/server.log" || bail action "python3 -m http.server serves the release" "$(show "$work/server.log")"
url="http://127.0.0.1:$port"
requests() { grep -c '"GET ' "$work/server.log" || true; }

# A workspace as actions/checkout leaves it: saved configs.
ws="$work/workspace"
mkdir -p "$ws/saved" "$ws/bad"
printf '{"SECURE_KEY": "%s,%s"}\n' "$KEY_A" "$KEY_B" >"$ws/saved/service-1.json"
printf '{"SERVICE_ONE_SECURE_KEY": "%s,%s"}\n' "$KEY_A" "$KEY_B" >"$ws/saved/service-2.json"
# Another add-on's pair, in lowercase (a `case` warning, no relation).
key_d="$(printf d | sha256sum | cut -c1-64)"
key_e="$(printf e | sha256sum | cut -c1-64 | tr '[:lower:]' '[:upper:]')"
printf '%s\n' "${key_d:0:8}" "${key_d:30:8}" "${key_e:0:8}" "${key_e:30:8}" >>"$work/key-windows"
printf '{"SECURE_KEY": "%s,%s"}\n' "$key_d" "$key_e" >"$ws/saved/service-3.json"
printf '{"SECURE_KEY": "%sZZ,%s"}\n' "${KEY_C:0:62}" "$KEY_A" >"$ws/bad/service-4.json"

# job NAME TOOL_CACHE RUNNER_OS RUNNER_ARCH INPUT…: one job running the
# action; its log in $work/NAME.log, its result in $work/NAME.json.
job() {
  local name="$1" cache="$2" os="$3" arch="$4"
  shift 4
  mkdir -p "$cache" "$work/$name-temp"
  status=0
  (cd "$ws" && env RUNNER_OS="$os" RUNNER_ARCH="$arch" RUNNER_TOOL_CACHE="$cache" \
    RUNNER_TEMP="$work/$name-temp" HEROKU_API_KEY="$token" PATH="/usr/bin:/bin" \
    python3 "$here/action-runner.py" "$root" "$ws" "$work/$name.json" "$@") \
    >"$work/$name.log" 2>&1 || status=$?
}
# field NAME EXPR: a value of the job's result (python's expression over r).
field() {
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$work/$1.json" "$2"
}

# ------------------------------------------------------------ good
cache="$work/toolcache"
before="$(requests)"
job good "$cache" Linux "$runner_arch" "download-url=$url/good" \
  "args=lint --format github saved/*.json"
tool="$cache/securekey/$version/$(tr '[:upper:]' '[:lower:]' <<<"$runner_arch")"
if [[ "$status" -eq 0 ]] && [[ "$(field good 'r["codes"]')" == "[0, 0]" ]] &&
  cmp -s "$tool/securekey" "$dist/$native" && [[ -f "$tool.complete" ]] &&
  [[ "$(field good 'r["path"]')" == "['$tool']" ]] &&
  grep -qF "GET /good/v$version/$native " "$work/server.log" &&
  [[ "$(requests)" -eq $((before + 2)) ]]; then
  ok "install: $native v$version (the action's Cargo.toml) from the download URL, checked, in the tool cache, on PATH"
else
  not_ok "install: $native v$version into the tool cache and onto PATH" "exit $status" "$(show "$work/good.log")"
fi
if grep -qF '::warning title=securekey case%3A service-3.json SECURE_KEY::the latest key is lowercase' "$work/good.log" &&
  grep -qF '::notice title=securekey::3 vars checked: 0 errors, 1 warning' "$work/good.log"; then
  ok "run: findings are annotations in the log (the glob saved/*.json expanded)"
else
  not_ok "run: findings are annotations in the log" "$(show "$work/good.log")"
fi
field good 'r["summary"]' >"$work/good.summary"
if grep -qF '| App | Var | Status | Latest | Previous | Findings |' "$work/good.summary" &&
  grep -qF "| service-1\\.json | SECURE\\_KEY | ok | \`$(key_id "$KEY_A")\` | \`$(key_id "$KEY_B")\` |  |" "$work/good.summary" &&
  grep -qF '| service-3\.json | SECURE\_KEY | warning |' "$work/good.summary" &&
  grep -qF "| \`case\` |" "$work/good.summary" &&
  [[ "$(grep -c '^| service' "$work/good.summary")" -eq 3 ]]; then
  ok "run: the job summary holds the binary's Markdown table, a row per app and var"
else
  not_ok "run: the job summary holds the Markdown table" "$(show "$work/good.summary")"
fi
report="$(field good 'r["outputs"]["report"]')"
if [[ "$(field good 'r["outputs"]["ok"]')" == true && "$report" == "$work/good-temp/securekey-report.json" ]] &&
  [[ "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["ok"], len(r["keys"]))' "$report")" == "True 3" ]]; then
  ok "outputs: ok=true and report, the path of the JSON report"
else
  not_ok "outputs: ok=true and the report's path" "$(show "$work/good.json")"
fi
if ! grep -qF "$token" "$work/good.log" "$work/good.json" "$report" &&
  no_key_material "$work/key-windows" "$work/good.log" "$work/good.json" "$report"; then
  ok "no key and no HEROKU_API_KEY in the log, the summary, the outputs or the report"
else
  not_ok "no key and no HEROKU_API_KEY in the log, the summary, the outputs or the report"
fi

# ------------------------------------------------------------ failing lint
job failing "$cache" Linux "$runner_arch" "download-url=$url/good" "args=lint bad/service-4.json"
field failing 'r["summary"]' >"$work/failing.summary"
if [[ "$status" -eq 1 ]] && [[ "$(field failing 'r["codes"]')" == "[0, 1]" ]] &&
  [[ "$(field failing 'r["outputs"]["ok"]')" == false ]] &&
  grep -qF '::error title=securekey not-hex%3A service-4.json SECURE_KEY::' "$work/failing.log" &&
  grep -qF '| service-4\.json | SECURE\_KEY | error |' "$work/failing.summary" &&
  grep -qF '"ok":false' "$(field failing 'r["outputs"]["report"]')"; then
  ok "a failing lint fails the step, ok=false, and the table and report are still written"
else
  not_ok "a failing lint fails the step with ok=false" "exit $status" "$(show "$work/failing.log")"
fi

# ------------------------------------------------------------ the cache
before="$(requests)"
job cached "$cache" Linux "$runner_arch" "download-url=$url/good" "args=lint saved/service-1.json"
if [[ "$status" -eq 0 ]] && [[ "$(requests)" -eq "$before" ]] &&
  grep -qF "securekey $version: from the tool cache ($tool)" "$work/cached.log" &&
  [[ "$(field cached 'r["outputs"]["ok"]')" == true ]]; then
  ok "a second run on the runner uses the tool cache: no request to the release server"
else
  not_ok "a second run uses the tool cache" "exit $status, $(($(requests) - before)) requests" "$(show "$work/cached.log")"
fi

# ------------------------------------------------------------ tampered
fresh="$work/toolcache-tampered"
job tampered "$fresh" Linux "$runner_arch" "download-url=$url/tampered"
if [[ "$status" -eq 1 ]] && [[ "$(field tampered 'r["codes"]')" == "[1]" ]] &&
  grep -qF "error: $native does not match SHA256SUMS" "$work/tampered.log" &&
  grep -qF '::error title=securekey::installing securekey' "$work/tampered.log" &&
  [[ -z "$(find "$fresh" -type f)" ]] && [[ "$(field tampered 'r["path"]')" == "[]" ]]; then
  ok "a tampered checksum fails the install step: nothing in the tool cache, nothing on PATH, no run"
else
  not_ok "a tampered checksum fails the install step" "exit $status" "$(show "$work/tampered.log")" "$(find "$fresh")"
fi

# ------------------------------------------------------------ unsupported runners
for runner in "Windows X64" "Linux X86" "Linux ARM"; do
  read -r r_os r_arch <<<"$runner"
  before="$(requests)"
  job "unsupported-$r_os-$r_arch" "$work/toolcache-$r_os-$r_arch" "$r_os" "$r_arch" "download-url=$url/good"
  if [[ "$status" -eq 1 ]] && [[ "$(requests)" -eq "$before" ]] &&
    grep -qF "::error title=securekey::no securekey release binary for a $r_os $r_arch runner" "$work/unsupported-$r_os-$r_arch.log"; then
    ok "an unsupported runner ($r_os $r_arch) is a clear ::error, before any download"
  else
    not_ok "an unsupported runner ($r_os $r_arch) is a clear ::error" "exit $status" "$(show "$work/unsupported-$r_os-$r_arch.log")"
  fi
done

# ------------------------------------------------------------ macOS runners
for r_arch in ARM64 X64; do
  case "$r_arch" in ARM64) asset=securekey-darwin-aarch64 ;; X64) asset=securekey-darwin-x86_64 ;; esac
  mac="$work/toolcache-mac-$r_arch"
  job "mac-$r_arch" "$mac" macOS "$r_arch" "download-url=$url/good" "version=v$version"
  lower_arch="$(tr '[:upper:]' '[:lower:]' <<<"$r_arch")"
  if cmp -s "$mac/securekey/$version/$lower_arch/securekey" "$srv/good/v$version/$asset" &&
    [[ "$(field "mac-$r_arch" 'r["codes"][0]')" == 0 ]]; then
    ok "a macOS $r_arch runner installs $asset"
  else
    not_ok "a macOS $r_arch runner installs $asset" "$(show "$work/mac-$r_arch.log")"
  fi
done

finish action
