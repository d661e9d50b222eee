#!/usr/bin/env bash
# tests/platform-api/validate.sh [SCHEMA_JSON]: validates every answer of
# the Platform API stand-in against the API's published schema (default:
# tests/platform-api/schema/schema.json, the copy this repository keeps
# with its licence and source; SOURCE says which commit). jsonschema comes
# from PyPI into a venv under target/ (made once, reused).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
schema="${1:-$here/schema/schema.json}"
if [[ ! -f "$schema" ]]; then
  echo "not ok - the Platform API schema is not at $schema"
  echo "platform-api schema: 0 passed, 1 failed"
  exit 1
fi

venv="$root/target/platform-api-venv"
jsonschema_version=4.23.0
if ! "$venv/bin/python" -c "import jsonschema, sys; sys.exit(jsonschema.__version__ != '$jsonschema_version')" 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "jsonschema==$jsonschema_version"
fi
"$venv/bin/python" "$here/validate.py" "$schema"
