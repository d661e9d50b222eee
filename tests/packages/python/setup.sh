#!/usr/bin/env bash
# tests/packages/python/setup.sh: what the Python package's tests need from
# Debian: python3 with venv and ensurepip (python3-venv) and curl. Everything
# else (build, flit_core, mypy, waitress, uvicorn, websockets, Django, Flask,
# FastAPI, DRF, httpx, requests, twine; pinned in test.sh) comes from PyPI
# into the tests' own venvs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

python="${PYTHON:-python3}"
missing=()
command -v "$python" >/dev/null || missing+=(python3)
# Debian splits venv's ensurepip out of python3 (python3-venv).
if ! command -v "$python" >/dev/null || ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=(python3-venv)
fi
command -v curl >/dev/null || missing+=(curl)
debian_install "${missing[@]}"
