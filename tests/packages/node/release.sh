# shellcheck shell=bash
# shellcheck disable=SC2154 # the variables test.sh sets before it sources this file
# tests/packages/node/release.sh, sourced by test.sh: the README's install
# line, `npm install <release URL>`, against the packed tarball served from
# 127.0.0.1 under the release's name; and `npm publish --dry-run`.

# --- The README's install line -------------------------------------------

name="the README's first install line is the release tarball's URL"
install_line="$(grep -m1 '^    npm install ' "$root/packages/node/README.md" | sed 's/^ *//')"
release_url="https://github.com/securekey-buildpack/securekey/releases/download/v0.1.0/securekey-0.1.0.tgz"
same "$name" "$install_line" "npm install $release_url"

# The same form, from a local server: the tarball under the name
# scripts/package gives it (securekey-<version>.tgz).
served="$work/served"
mkdir -p "$served"
cp "$tarball" "$served/securekey-0.1.0.tgz"
exec {served_fd}< <(cd "$served" && exec node -e '
const http = require("node:http");
const fs = require("node:fs");
const server = http.createServer((req, res) => {
  if (req.url !== "/securekey-0.1.0.tgz") { res.statusCode = 404; res.end(); return; }
  res.setHeader("Content-Type", "application/octet-stream");
  fs.createReadStream("securekey-0.1.0.tgz").pipe(res);
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));' 2>"$printed/served.log")
pids+=("$!")
served_pid=$!
served_port=""
read -r -t 60 served_port <&"$served_fd" || true
exec {served_fd}<&-
url_project="$work/url-project"
mkdir -p "$url_project"
printf '{"name":"securekey-url-test","version":"0.0.0","private":true}\n' >"$url_project/package.json"
name="npm install http://127.0.0.1:PORT/securekey-0.1.0.tgz into a clean project: it loads, and its bin runs"
if [[ "$served_port" =~ ^[0-9]+$ ]] &&
  (cd "$url_project" && npm install --no-audit --no-fund --silent "http://127.0.0.1:$served_port/securekey-0.1.0.tgz") \
    >"$printed/url-install.log" 2>&1 &&
  [[ "$(cd "$url_project" && env SECUREKEY_FILE="$keys/ab.json" node -p 'require("securekey").loadPair().latestId' 2>&1)" == "$id_a" ]] &&
  [[ "$(cd "$url_project" && env SECUREKEY_FILE="$keys/ab.json" node_modules/.bin/securekey-reader present SECURE_KEY 2>&1)" == "$id_a"$'\n'"$id_b" ]] &&
  grep -q "http://127.0.0.1:$served_port/securekey-0.1.0.tgz" "$url_project/package.json"; then
  ok "$name"
else
  not_ok "$name"
  show "$printed/url-install.log"
fi
kill "$served_pid" 2>/dev/null || true
wait "$served_pid" 2>/dev/null || true

# --- npm publish --dry-run -----------------------------------------------

# Clean: exit 0, and no warning (npm warns about fields it would correct)
# but the one a dry run without an npm login always gets.
name="npm publish --dry-run of packages/node: exit 0, no warnings, the tarball's files"
if (cd "$root/packages/node" && npm publish --dry-run --registry=https://registry.npmjs.org/) \
  >"$printed/publish.out" 2>&1 &&
  ! grep -i 'warn' "$printed/publish.out" | grep -qv 'requires you to be logged in' &&
  grep -q 'securekey@0.1.0' "$printed/publish.out" && grep -q 'fastify.d.ts' "$printed/publish.out"; then
  ok "$name"
else
  not_ok "$name"
  show "$printed/publish.out"
fi
