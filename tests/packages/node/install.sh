#!/usr/bin/env bash
# tests/packages/node/install.sh OUT_DIR: the npm package for the
# conformance table (tests/buildpack/50-readers-conformance.sh): `npm pack`
# of packages/node, installed from that tarball into a clean project in
# OUT_DIR/project, and OUT_DIR/reader running the installed package's
# securekey-reader bin through node. The tarball has no dependencies, so
# the install needs no network.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:?usage: $0 OUT_DIR}"
mkdir -p "$out/tarball" "$out/project"
out="$(cd "$out" && pwd)"

node="$(command -v node)" || {
  echo "install.sh: no node on PATH (tests/packages/node/setup.sh installs it)" >&2
  exit 1
}

# npm's cache and logs stay under OUT_DIR: nothing outside it is touched.
export npm_config_cache="$out/npm-cache"
export npm_config_update_notifier=false
tarball="$(cd "$root/packages/node" && npm pack --silent --pack-destination "$out/tarball")"

cd "$out/project"
printf '{"name":"securekey-reader-test","version":"0.0.0","private":true}\n' >package.json
npm install --offline --no-audit --no-fund --silent "$out/tarball/$tarball"

bin="$out/project/node_modules/securekey/bin/securekey-reader.js"
[[ -f "$bin" && -x "$out/project/node_modules/.bin/securekey-reader" ]] || {
  echo "install.sh: the installed package has no securekey-reader bin" >&2
  exit 1
}
printf '#!/usr/bin/env bash\nexec %q %q "$@"\n' "$node" "$out/project/node_modules/.bin/securekey-reader" >"$out/reader"
chmod +x "$out/reader"
