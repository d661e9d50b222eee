#!/usr/bin/env bash
# Installs the securekey binary from the project's GitHub releases:
#
#   curl -fsSL https://raw.githubusercontent.com/securekey-buildpack/securekey/v0.1.0/install.sh | bash
#   curl -fsSL …/install.sh | bash -s -- --to /usr/local/bin
#
# It picks the release asset for this OS and arch (Linux and macOS, x86_64
# and aarch64: the names scripts/package and .github/workflows/release.yml
# publish), checks its SHA-256 against the release's SHA256SUMS, and puts
# it in ~/.local/bin (or --to DIR) as `securekey`: written to a temp file in
# DIR and renamed, so DIR never holds a half-written or unchecked binary.
# A mismatch, an unknown platform or a DIR it cannot write is refused with a
# message saying why, and nothing is installed. Bash (not POSIX sh), so the
# curl line says `| bash`.
#
# Options: --to DIR, --version V (default: this script's release),
# --download-url URL (default: the project's releases; the layout is
# URL/vVERSION/ASSET and URL/vVERSION/SHA256SUMS, as SECUREKEY_DOWNLOAD_URL
# in bin/compile), --os linux|darwin and --arch x86_64|aarch64 (default:
# this machine's, from uname), --asset-name (print the asset for that
# platform and stop). The GitHub Action's install step runs this script.
set -euo pipefail

# The release this script belongs to: tests/buildpack/71-installer.sh checks
# it is Cargo.toml's version.
SECUREKEY_VERSION_DEFAULT="0.1.0"
# Cargo.toml's repository, /releases/download (checked by the same test).
SECUREKEY_DOWNLOAD_URL_DEFAULT="https://github.com/securekey-buildpack/securekey/releases/download"

say() { printf 'securekey install: %s\n' "$*" >&2; }
die() {
  printf 'securekey install: error: %s\n' "$*" >&2
  exit 1
}

# The release asset for OS and ARCH: securekey-<arch> on Linux (the static
# musl binary the buildpack uses too), securekey-darwin-<arch> on macOS.
asset_for() {
  local os="$1" arch="$2"
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) return 1 ;;
  esac
  case "$os" in
    linux | Linux) echo "securekey-$arch" ;;
    darwin | Darwin | macos | macOS) echo "securekey-darwin-$arch" ;;
    *) return 1 ;;
  esac
}

# A URL as a message may show it: no user:password@ before the host.
shown_url() {
  sed -E 's#^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@#\1***@#' <<<"$1"
}

# The SHA-256 of FILE (sha256sum on Linux, shasum on macOS).
sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 -- "$1" | cut -d' ' -f1
  else
    die "neither sha256sum nor shasum is installed: the download cannot be checked"
  fi
}

# fetch URL FILE: downloads URL into FILE (curl, else wget), failing on an
# HTTP error.
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --proto '=https,http' --retry 2 -o "$2" -- "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" -- "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

tmp=""
sums=""
cleanup() {
  [[ -z "$tmp" ]] || rm -f -- "$tmp"
  [[ -z "$sums" ]] || rm -f -- "$sums"
}

main() {
  local to="${HOME:?HOME is not set; give --to DIR}/.local/bin"
  local version="$SECUREKEY_VERSION_DEFAULT" base="$SECUREKEY_DOWNLOAD_URL_DEFAULT"
  local os="" arch="" print_asset=0
  while [[ "$#" -gt 0 ]]; do
    case "$1" in
      --to) to="${2:?--to needs a directory}" && shift ;;
      --version) version="${2:?--version needs a version}" && shift ;;
      --download-url) base="${2:?--download-url needs a URL}" && shift ;;
      --os) os="${2:?--os needs linux or darwin}" && shift ;;
      --arch) arch="${2:?--arch needs x86_64 or aarch64}" && shift ;;
      --asset-name) print_asset=1 ;;
      -h | --help)
        sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        return 0
        ;;
      *) die "unknown option $1 (see --help)" ;;
    esac
    shift
  done
  version="${version#v}"
  base="${base%/}"
  os="${os:-$(uname -s)}"
  arch="${arch:-$(uname -m)}"

  local asset
  asset="$(asset_for "$os" "$arch")" ||
    die "no securekey release binary for $os $arch: releases ship Linux and macOS, x86_64 and aarch64 (Windows is not supported); build from source instead: cargo install --git https://github.com/securekey-buildpack/securekey securekey-cli"
  if [[ "$print_asset" -eq 1 ]]; then
    echo "$asset"
    return 0
  fi
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
    die "--version: not a release version (e.g. 0.1.0)"
  [[ "$base" =~ ^https?:// ]] || die "--download-url: not an http(s) URL"

  # The target: made if missing, and writable, before anything is fetched.
  mkdir -p -- "$to" 2>/dev/null || die "cannot create $to: choose another directory with --to DIR"
  [[ -d "$to" ]] || die "$to is not a directory: choose another with --to DIR"
  # Nothing half-installed: the temp files go on every way out.
  trap cleanup EXIT
  tmp="$(mktemp "$to/.securekey.XXXXXX" 2>/dev/null)" ||
    die "cannot write to $to: choose a directory you can write with --to DIR (or run as its owner)"
  sums="$(mktemp "${TMPDIR:-/tmp}/securekey-sums.XXXXXX")"

  local url="$base/v$version"
  say "downloading $asset v$version from $(shown_url "$url")"
  fetch "$url/SHA256SUMS" "$sums" || die "cannot download $(shown_url "$url")/SHA256SUMS"
  local want
  want="$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1; exit }' "$sums")"
  [[ "$want" =~ ^[0-9a-f]{64}$ ]] || die "SHA256SUMS of v$version has no line for $asset"
  fetch "$url/$asset" "$tmp" || die "cannot download $(shown_url "$url")/$asset"
  local got
  got="$(sha256_of "$tmp")"
  if [[ "$got" != "$want" ]]; then
    die "$asset does not match SHA256SUMS (expected $want, got $got): nothing installed; the download or the mirror is corrupt"
  fi
  chmod 0755 -- "$tmp"
  mv -f -- "$tmp" "$to/securekey" || die "cannot rename the download into $to/securekey"
  say "installed $to/securekey (v$version, $asset, SHA-256 $got)"
  case ":${PATH:-}:" in
    *":$to:"*) ;;
    *) say "$to is not on PATH: add it, e.g. export PATH=\"$to:\$PATH\"" ;;
  esac
}

main "$@"
