#!/usr/bin/env bash
# tests/packages/node/setup.sh: what the npm package's tests need from
# Debian, installed when missing: node (20 or later) and npm, and curl (the
# HTTP client of the middleware tests). Express, express-session, Fastify,
# typescript and the types come from npm when test.sh runs; npm also packs
# the release's tarball (scripts/package).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

missing=()
command -v node >/dev/null || missing+=(nodejs)
command -v curl >/dev/null || missing+=(curl)
debian_install "${missing[@]}"
# Some Debian releases ship npm inside nodejs, others as its own package.
command -v npm >/dev/null || debian_install npm

major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$major" -lt 20 ]]; then
  echo " !     node $major is too old for the securekey npm package (20 or later); install a newer nodejs" >&2
  exit 2
fi
