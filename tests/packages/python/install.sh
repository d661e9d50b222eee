#!/usr/bin/env bash
# tests/packages/python/install.sh OUT_DIR: the Python package as a user gets
# it, for the conformance table (tests/buildpack/50-readers-conformance.sh):
# a wheel built from packages/python with `python -m build` (in a build venv
# under OUT_DIR, build from PyPI), installed into a clean venv under OUT_DIR.
# OUT_DIR/reader is that venv's installed console script, securekey-reader;
# it runs under `env -i PATH=/usr/bin:/bin` (its shebang names the venv).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:?usage: $0 OUT_DIR}"
python="${PYTHON:-python3}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# The build venv: build's own isolated env fetches the backend (flit_core).
if [[ ! -x "$out/build-venv/bin/python" ]]; then
  "$python" -m venv "$out/build-venv"
  "$out/build-venv/bin/python" -m pip install --quiet build
fi
rm -rf "$out/dist"
# A copy of the source, so nothing is written into the work tree.
rm -rf "$out/src"
cp -R "$root/packages/python" "$out/src"
"$out/build-venv/bin/python" -m build --wheel --outdir "$out/dist" "$out/src" >"$out/build.log" 2>&1 || {
  cat "$out/build.log" >&2
  exit 1
}
wheels=("$out"/dist/securekey-*.whl)
[[ -f "${wheels[0]}" ]] || {
  echo "install.sh: no wheel in $out/dist" >&2
  exit 1
}

# The clean project: a fresh venv with the wheel alone.
rm -rf "$out/venv"
"$python" -m venv "$out/venv"
"$out/venv/bin/python" -m pip install --quiet --no-deps "${wheels[0]}"
ln -sf "$out/venv/bin/securekey-reader" "$out/reader"
