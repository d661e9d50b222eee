#!/usr/bin/env bash
# tests/packages/node/test.sh: the npm package as users install it. `npm
# pack` of packages/node, installed from the tarball into a clean project
# (with express, typescript and the types from npm), then:
# - `import` from an ESM project's .js file and `require` from a .cjs file;
# - `tsc --noEmit` of TypeScript files against the package's types, the
#   README's TypeScript blocks under tsc --strict (nodenext and bundler),
#   and arethetypeswrong over the tarball;
# - key types and errors show only ids, however printed or copied;
# - the node:http, Express and Fastify middleware on a real server on
#   127.0.0.1, driven by curl, a raw socket and the package's own fetch
#   client (servers.sh);
# - the express-session example across three rotations (session.sh);
# - the README's install line from a local HTTP server, and npm publish
#   --dry-run (release.sh);
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
# The latest key after C,A -> E,C.
KEY_E=5D1E0F7A3C9B2E84D6A1F0C7B3E9D2A85C4F1B0E7D3A9C6B2F8E5D1A4C7B0E93
TEST_KEYS+=("$KEY_D" "$KEY_U" "$KEY_E")

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
key_file "$keys/ec.json" "$(entry SECURE_KEY "$KEY_E" "$KEY_C")"
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
if [[ "$(tr '\n' ' ' <"$work/tarball-files")" == "LICENSE README.md bin/securekey-reader.js fastify.d.mts fastify.d.ts fastify.js fastify.mjs index.d.mts index.d.ts index.js index.mjs lib/client.js lib/fastify.js lib/key-file.js lib/keys.js lib/middleware.js package.json " ]]; then
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
  express@5 @types/express@5 fastify@5 typescript@5.9 @types/node@20 @arethetypeswrong/cli@0.18) >"$work/npm-install.log" 2>&1; then
  ok "npm install of the tarball (with express, fastify, typescript and types from npm)"
else
  show "$work/npm-install.log"
  bail node "npm install of the tarball (with express, fastify, typescript and types from npm)"
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

# The README's TypeScript blocks (Express, Fastify), as the installed
# package's README has them, compiled by tsc --strict under "module":
# "nodenext" and under "moduleResolution": "bundler".
mkdir -p "$project/readme" "$project/probe"
awk '/^```ts$/ { n++; on = 1; next } /^```$/ { on = 0 } on { print > (dir "/block-" n ".ts") }' \
  dir="$project/readme" "$project/node_modules/securekey/README.md"
if grep -q 'securekeyOf(req)' "$project"/readme/*.ts && grep -q 'securekeyFastify' "$project"/readme/*.ts; then
  ok "the README has TypeScript blocks for Express (securekeyOf(req)) and Fastify"
else
  not_ok "the README has TypeScript blocks for Express (securekeyOf(req)) and Fastify"
fi
# The form the README had, req.securekey.slot: strict must refuse it, or
# the check above proves nothing.
printf '%s\n' 'import express from "express";' 'import "securekey";' \
  'express().get("/", (req, res) => { res.send(req.securekey.slot); });' >"$project/probe/unchecked.ts"
for resolution in nodenext bundler; do
  if in_project "tsc-readme-$resolution" npx --no-install tsc -p "tsconfig.readme-$resolution.json"; then
    ok "tsc --strict compiles the README's TypeScript blocks (moduleResolution $resolution, @types/express and fastify from npm)"
  else
    not_ok "tsc --strict compiles the README's TypeScript blocks (moduleResolution $resolution, @types/express and fastify from npm)"
    show "$printed/tsc-readme-$resolution.out"
  fi
  printf '{"extends":"./tsconfig.readme-%s.json","include":["probe/*.ts"]}\n' "$resolution" >"$project/tsconfig.probe.json"
  if ! in_project "tsc-probe-$resolution" npx --no-install tsc -p tsconfig.probe.json &&
    grep -q 'TS18048' "$printed/tsc-probe-$resolution.out"; then
    ok "tsc --strict ($resolution) refuses req.securekey.slot (TS18048), the form securekeyOf(req) replaces"
  else
    not_ok "tsc --strict ($resolution) refuses req.securekey.slot (TS18048), the form securekeyOf(req) replaces"
  fi
done

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

# Every key type and every error thrown near a key, in every printed or
# copied form (the ids must show, no key material: leaks.cjs's own naive
# oracle per type and form, then the shell's over every form's bytes).
if in_project leaks node leaks.cjs "$printed/leaks" "${TEST_KEYS[@]}" && [[ -s "$printed/leaks.out" ]]; then
  script_checks leaks
  check "every printed form of the key types and errors: no key material (the shell's oracle, raw bytes)" \
    no_key_material "$work/key-windows" "$printed/leaks"
else
  not_ok "key types and errors, printed every way" "node leaks.cjs failed"
  show "$printed/leaks.err"
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

# shellcheck source=tests/packages/node/servers.sh
source "$here/servers.sh"
# shellcheck source=tests/packages/node/session.sh
source "$here/session.sh"
# shellcheck source=tests/packages/node/release.sh
source "$here/release.sh"

# --- Nothing printed holds key material ----------------------------------

cp "$work/npm-install.log" "$work/npm-example.log" "$printed/" 2>/dev/null || true
if no_key_material "$work/key-windows" "$printed"; then
  ok "no key material in anything printed: server logs, bodies, headers, client, scripts, tsc, npm"
else
  not_ok "no key material in anything printed: server logs, bodies, headers, client, scripts, tsc, npm"
fi

finish node
