#!/usr/bin/env bash
# tests/packages/publish-dry-run.sh: `bash scripts/publish --dry-run all`
# passes for the four registries, and leaves the work tree as it found it
# (`git status --porcelain`, ignored files aside: target/ is where the
# dry run writes).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

before="$(git status --porcelain)"
bash scripts/publish --dry-run all
after="$(git status --porcelain)"
if [[ "$before" != "$after" ]]; then
  echo "the publish dry run changed the work tree:" >&2
  diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") >&2 || true
  exit 1
fi
echo "ok: the publish dry runs pass and leave the work tree unchanged"
