#!/usr/bin/env bash
# Packs the Cloud Native Buildpack as DIST_DIR/securekey-cnb-<version>.tgz:
# buildpack.toml, bin/detect, bin/build, lib.sh and the static binaries at
# vendor/amd64/securekey and vendor/arm64/securekey. scripts/package calls it
# after building the binaries.
#
# Usage: package.sh DIST_DIR SECUREKEY_X86_64 SECUREKEY_AARCH64
set -euo pipefail

if (($# != 3)); then
  echo "usage: package.sh DIST_DIR SECUREKEY_X86_64 SECUREKEY_AARCH64" >&2
  exit 2
fi
dist="$1"
bin_amd64="$2"
bin_arm64="$3"

cnb_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${cnb_dir}/../.." && pwd)"

# The first `version = "…"` line of a TOML file (the package's or buildpack's).
toml_version() {
  sed -n 's/^version = "\([^"]*\)"$/\1/p' "$1" | head -n 1
}

version="$(toml_version "${cnb_dir}/buildpack.toml")"
if [[ -z "$version" ]]; then
  echo "package.sh: no version in ${cnb_dir}/buildpack.toml" >&2
  exit 2
fi
if [[ -f "${root}/Cargo.toml" ]]; then
  crate_version="$(toml_version "${root}/Cargo.toml")"
  if [[ "$crate_version" != "$version" ]]; then
    echo "package.sh: buildpack.toml version ${version} differs from Cargo.toml's ${crate_version}; keep them equal" >&2
    exit 2
  fi
fi
for b in "$bin_amd64" "$bin_arm64"; do
  if [[ ! -f "$b" ]]; then
    echo "package.sh: no binary at ${b}" >&2
    exit 2
  fi
done

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "${stage}/bin" "${stage}/vendor/amd64" "${stage}/vendor/arm64"
install -m 0644 "${cnb_dir}/buildpack.toml" "${stage}/buildpack.toml"
install -m 0755 "${cnb_dir}/bin/detect" "${stage}/bin/detect"
install -m 0755 "${cnb_dir}/bin/build" "${stage}/bin/build"
# The shared helpers (a link to buildpack/lib.sh in the repository).
install -m 0644 "${cnb_dir}/lib.sh" "${stage}/lib.sh"
install -m 0755 "$bin_amd64" "${stage}/vendor/amd64/securekey"
install -m 0755 "$bin_arm64" "${stage}/vendor/arm64/securekey"

mkdir -p "$dist"
out="$(cd "$dist" && pwd)/securekey-cnb-${version}.tgz"
# Reproducible: fixed order, owner and times, no gzip timestamp.
tar --sort=name --owner=0 --group=0 --numeric-owner \
  --mtime="@${SOURCE_DATE_EPOCH:-0}" \
  -C "$stage" -cf - buildpack.toml bin lib.sh vendor | gzip -9n >"${out}.tmp"
mv "${out}.tmp" "$out"
# Indented as a detail line of scripts/package's output.
echo "       ${out} ($(stat -c %s "$out") bytes)"
