# shellcheck shell=bash
# shellcheck disable=SC2034 # the BP_* globals are read by bin/compile
# The classic buildpack's way to its binary (bin/compile): where the release
# is (SECUREKEY_DOWNLOAD_URL, pins), downloading and checking it against
# SHA256SUMS, the build cache, and finding a binary (vendored, cached,
# downloaded or built with cargo). Sourced after buildpack/lib.sh (its
# output, arch and file helpers), never run; the caller sets
# `set -euo pipefail`. The CNB needs none of it: it ships its binaries.

# bp_url_parts URL: splits an http(s) URL by RFC 3986 (section 3.2) into
# BP_URL_SCHEME ("https://"), BP_URL_USERINFO (without its "@"; empty when
# there is none), BP_URL_HOST (host[:port]) and BP_URL_REST (path, query,
# fragment). The authority ends at the first `/`, `?` or `#` after the
# `//`; the userinfo ends at the authority's LAST `@`.
bp_url_parts() {
  local rest authority
  BP_URL_SCHEME="" BP_URL_USERINFO="" BP_URL_HOST="" BP_URL_REST=""
  [[ "$1" =~ ^([A-Za-z][A-Za-z0-9+.-]*://)(.*)$ ]] || return 1
  BP_URL_SCHEME="${BASH_REMATCH[1]}"
  rest="${BASH_REMATCH[2]}"
  authority="${rest%%[/?#]*}"
  BP_URL_REST="${rest:${#authority}}"
  BP_URL_HOST="${authority##*@}"
  if [[ "$authority" == *@* ]]; then
    BP_URL_USERINFO="${authority%@*}"
  fi
}

# A URL as the build log may show it: a user:password@ in front of the host
# shown as ***@, whatever characters it holds. A URL that bp_url_usable
# refuses is shown as its scheme alone: where its host ends is not clear,
# so neither is where a password would.
bp_url_shown() {
  if ! bp_url_usable "$1"; then
    printf '%s***' "$BP_URL_SCHEME"
  elif [[ -n "$BP_URL_USERINFO" || "$1" == "$BP_URL_SCHEME@"* ]]; then
    printf '%s***@%s%s' "$BP_URL_SCHEME" "$BP_URL_HOST" "$BP_URL_REST"
  else
    printf '%s%s%s' "$BP_URL_SCHEME" "$BP_URL_HOST" "$BP_URL_REST"
  fi
}

# bp_url_usable URL: true when an http(s) URL's authority is
# [userinfo@]host[:port] as RFC 3986 spells it (userinfo: unreserved,
# %XX, sub-delims and ":"; host: a reg-name, an IPv4 address or an [IP
# literal]; port: digits) and nothing after the host holds `?`, `#` or
# `@`. The release's file names are appended to the URL as a path, and a
# `/`, `?`, `#` or `@` left raw in a password would move the host into it:
# curl would then contact another host, and a log line that shows the URL
# without its userinfo would show the rest of the password.
bp_url_usable() {
  local userinfo_re='^[A-Za-z0-9._~!$&'"'"'()*+,;=:%-]*$' host_re
  host_re='^([A-Za-z0-9._~!$&'"'"'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]*)?$'
  bp_url_parts "$1" || return 1
  [[ "$BP_URL_USERINFO" =~ $userinfo_re ]] || return 1
  [[ "$BP_URL_HOST" =~ $host_re ]] || return 1
  [[ "$BP_URL_REST" != *[?#@]* ]]
}

# The SHA-256 of FILE, lowercase hex.
bp_sha256() {
  local sum
  sum="$(sha256sum -- "$1")" || return 1
  printf '%s' "${sum%% *}"
}

# The most a download may be, in KiB: far above a release's files (the
# binary is about 1 MiB, SHA256SUMS a few lines), low enough that a hostile
# or broken server cannot fill the build's disk.
BP_BINARY_MAX_KIB=$((32 * 1024))
BP_SUMS_MAX_KIB=64

# A size in KiB as the build log shows it: 32 MiB, 64 KiB.
bp_kib_shown() {
  if (($1 % 1024 == 0)); then
    printf '%s MiB' "$(($1 / 1024))"
  else
    printf '%s KiB' "$1"
  fi
}

# bp_fetch URL OUT MAX_KIB: downloads URL to OUT with curl: fails on an HTTP
# error, retries transient failures (timeouts, 408, 429, 5xx), bounded in
# time by BP_FETCH_TIME seconds per file and in size by MAX_KIB. Returns 0
# when OUT is there; 2 when the file is larger than MAX_KIB; 1 on any other
# failure. On failure sets BP_FETCH_PROBLEM to why, in words (curl's own
# message is not shown: it may repeat the URL).
#
# An https URL follows redirects to https only: a redirect must not
# downgrade the download to plain http. An http URL (a mirror of your own,
# or the tests' local server) may be redirected to http or https.
#
# curl's --max-filesize stops a file whose size the server announces; a
# body without Content-Length is not stopped by it on every curl (not
# before 8.4), so the file size limit of the process (ulimit -f, in KiB)
# stops curl writing past MAX_KIB in any case. SIGXFSZ is ignored so that
# curl gets a write error (exit 23) instead of being killed. ulimit fails
# only when the build's hard limit is lower still, which bounds curl anyway.
BP_FETCH_TIME=120
bp_fetch() {
  local url="$1" out="$2" max_kib="$3" code="" status=0 connect=10 protocols="=http,https" size
  BP_FETCH_PROBLEM=""
  if ((BP_FETCH_TIME < connect)); then connect="$BP_FETCH_TIME"; fi
  if [[ "$url" == https://* ]]; then protocols="=https"; fi
  code="$(
    trap '' XFSZ
    ulimit -f "$max_kib" 2>/dev/null || true
    exec curl --silent --fail --location --proto "$protocols" --proto-redir "$protocols" \
      --max-filesize "${max_kib}K" \
      --connect-timeout "$connect" --max-time "$BP_FETCH_TIME" \
      --retry 3 --retry-max-time "$BP_FETCH_TIME" \
      --output "$out" --write-out '%{http_code}' -- "$url"
  )" || status=$?
  if ((status == 23)); then
    size="$(stat -c %s -- "$out" 2>/dev/null)" || size=0
    if ((size >= max_kib * 1024)); then status=63; fi
  fi
  case "$status" in
    0) return 0 ;;
    63)
      BP_FETCH_PROBLEM="larger than $(bp_kib_shown "$max_kib"), the most allowed for it"
      return 2
      ;;
    22)
      if [[ "$code" == 404 ]]; then
        BP_FETCH_PROBLEM="HTTP 404: not found (no such release, or no such file in it)"
      else
        BP_FETCH_PROBLEM="HTTP ${code:-error}"
      fi
      ;;
    1)
      if [[ "$protocols" == "=https" ]]; then
        BP_FETCH_PROBLEM="redirected to a URL that is not https (refused: an https download is never downgraded)"
      else
        BP_FETCH_PROBLEM="redirected to a URL that is not http(s)"
      fi
      ;;
    6) BP_FETCH_PROBLEM="could not resolve the host (no network, or no DNS)" ;;
    7) BP_FETCH_PROBLEM="could not connect (no network, or nothing listening at that address)" ;;
    23) BP_FETCH_PROBLEM="could not write the file (is the build's disk full?)" ;;
    28) BP_FETCH_PROBLEM="timed out (${BP_FETCH_TIME}s)" ;;
    35 | 51 | 53 | 54 | 58 | 59 | 60 | 77 | 80 | 83 | 90 | 91) BP_FETCH_PROBLEM="TLS error (curl exit $status)" ;;
    *) BP_FETCH_PROBLEM="curl failed (exit $status)" ;;
  esac
  return 1
}

# bp_release_settings ENV_DIR: reads the download's settings (config vars,
# else the build's env) into BP_DOWNLOAD_BASE (SECUREKEY_DOWNLOAD_URL, default
# BP_DEFAULT_DOWNLOAD_URL: the project's GitHub releases), BP_PINS
# (SECUREKEY_SHA256: the SHA-256s the user trusts, lowercase) and
# BP_FETCH_TIME (SECUREKEY_DOWNLOAD_TIMEOUT). A bad value is a ` !     `
# error (naming the var, never its value) and returns 1.
# shellcheck disable=SC2034 # BP_* are read by the other bp_*release helpers.
bp_release_settings() {
  local env_dir="$1" base pins timeout pin
  base="$(bp_config SECUREKEY_DOWNLOAD_URL "$env_dir")"
  base="${base:-$BP_DEFAULT_DOWNLOAD_URL}"
  BP_DOWNLOAD_BASE="${base%/}"
  if [[ ! "$BP_DOWNLOAD_BASE" =~ ^https?://[^[:space:][:cntrl:]]+$ ]]; then
    bp_error "SECUREKEY_DOWNLOAD_URL is not an http(s) URL." \
      "Set it to the URL under which the v<version>/ release folders are, like the default" \
      "$BP_DEFAULT_DOWNLOAD_URL, or unset it."
    return 1
  fi
  if ! bp_url_usable "$BP_DOWNLOAD_BASE"; then
    bp_error "SECUREKEY_DOWNLOAD_URL is not a usable URL: it must be http(s)://[user:password@]host[:port]/path," \
      "with no \`?\`, \`#\` or \`@\` after the host. In a user name or password, percent-encode" \
      "@ / ? # and spaces (%40 %2F %3F %23 %20), e.g. https://user:p%40ss@mirror.example/securekey."
    return 1
  fi

  # Sums are separated by spaces, never commas: two sums joined by a comma
  # have the shape of a SecureKey pair, and `securekey check` would take
  # the setting for a key var.
  pins="$(bp_config SECUREKEY_SHA256 "$env_dir")"
  if [[ "$pins" == *,* ]]; then
    bp_error "SECUREKEY_SHA256 holds a comma: separate several sums with spaces." \
      "(Two sums joined by a comma look like a SecureKey pair to \`securekey check\`.)"
    return 1
  fi
  read -r -a BP_PINS <<<"$(printf '%s' "$pins" | tr 'A-F\t\r\n' 'a-f   ')" || true
  for pin in "${BP_PINS[@]}"; do
    if [[ ! "$pin" =~ ^[0-9a-f]{64}$ ]]; then
      bp_error "SECUREKEY_SHA256 must be one or more SHA-256 sums (64 hex chars each, separated by spaces)." \
        "Take the sum from a copy of the release's SHA256SUMS that you trust, or unset it."
      return 1
    fi
  done

  timeout="$(bp_config SECUREKEY_DOWNLOAD_TIMEOUT "$env_dir")"
  if [[ -n "$timeout" && ! "$timeout" =~ ^[1-9][0-9]{0,3}$ ]]; then
    bp_error "SECUREKEY_DOWNLOAD_TIMEOUT must be a number of seconds (1 to 9999), or unset (120)."
    return 1
  fi
  BP_FETCH_TIME="${timeout:-120}"
}

# bp_pinned SHA256: true if the user pinned nothing, or pinned this sum.
bp_pinned() {
  local pin
  [[ "${#BP_PINS[@]}" -eq 0 ]] && return 0
  for pin in "${BP_PINS[@]}"; do
    [[ "$pin" == "$1" ]] && return 0
  done
  return 1
}

# bp_release_cache CACHE_DIR [VERSION ARCH]: where downloaded release
# binaries are kept in CACHE_DIR, or the one of VERSION for ARCH (with its
# SHA-256 next to it, in securekey.sha256).
bp_release_cache() {
  if [[ $# -eq 1 ]]; then
    printf '%s/securekey/release' "$1"
  else
    printf '%s/securekey/release/v%s/%s' "$1" "$2" "$3"
  fi
}

# bp_release_cached CACHE_DIR VERSION ARCH: sets BP_BINARY to the release
# binary an earlier build downloaded and checked, if it is still intact (and
# matches the pin, if any): no network at all. Returns 1 if there is none.
# shellcheck disable=SC2034 # BP_BINARY is read by the caller.
bp_release_cached() {
  local dir actual
  dir="$(bp_release_cache "$1" "$2" "$3")"
  [[ -x "$dir/securekey" && -f "$dir/securekey.sha256" ]] || return 1
  actual="$(bp_sha256 "$dir/securekey")" || return 1
  if [[ "$actual" != "$(<"$dir/securekey.sha256")" ]]; then
    bp_info "The cached securekey v$2 for $3 is damaged: downloading it again"
    rm -rf "$dir"
    return 1
  fi
  if ! bp_pinned "$actual"; then
    bp_info "The cached securekey v$2 for $3 does not match SECUREKEY_SHA256: downloading it again"
    rm -rf "$dir"
    return 1
  fi
  bp_info "Using securekey v$2 for $3 downloaded by an earlier build (build cache)"
  BP_BINARY="$dir/securekey"
  BP_ORIGIN=cache
  BP_CACHE_ENTRY="$dir"
}

# bp_download_release CACHE_DIR VERSION ARCH: downloads the released binary
# $BP_DOWNLOAD_BASE/vVERSION/securekey-ARCH (bp_release_settings first),
# checks its SHA-256 against the user's pin (SECUREKEY_SHA256) when there is
# one, else against the release's own SHA256SUMS, and keeps it in the build
# cache once it has run (bp_keep_binary); sets BP_BINARY to it.
#
# The files go to a temp dir inside the cache, and bp_keep_binary renames
# the checked binary into place after bin/compile ran it: the cache never
# holds a half-written, unchecked or broken binary. Returns 0 when the binary is there; 1 when the release could not
# be reached or cannot be checked (a cargo build may stand in), with
# BP_DOWNLOAD_PROBLEM saying why; 2 when the download is refused (its
# SHA-256 does not match, or a file is larger than its limit: see
# bp_fetch), after a ` !     ` error.
# shellcheck disable=SC2034 # BP_BINARY and BP_DOWNLOAD_* are read by the caller.
bp_download_release() {
  local cache_dir="$1" version="$2" arch="$3" root tmp status=0
  root="$(bp_release_cache "$cache_dir")"
  BP_DOWNLOAD_PROBLEM=""

  if ! command -v curl >/dev/null 2>&1; then
    BP_DOWNLOAD_PROBLEM="curl is not on PATH to download $(bp_url_shown "$BP_DOWNLOAD_BASE/v$version/securekey-$arch")"
    return 1
  fi
  if ! bp_mkdir "$root"; then
    bp_cache_error "$root"
    return 2
  fi
  # Left by a build that was stopped mid-download.
  rm -rf "$root"/.download.*
  if ! tmp="$(mktemp -d "$root/.download.XXXXXX" 2>&1)"; then
    BP_FS_PROBLEM="$(bp_fs_reason "$tmp")"
    bp_cache_error "$root"
    return 2
  fi
  BP_TEMPS+=("$tmp")
  bp_fetch_checked "$tmp" "$version" "$arch" || status=$?
  if [[ "$status" -ne 0 ]]; then
    rm -rf "$tmp"
    return "$status"
  fi
  # Kept in the cache only once it has run (bp_keep_binary).
  BP_BINARY="$tmp/securekey"
  BP_ORIGIN=download
  BP_KEEP_FROM="$tmp"
  BP_KEEP_TO="$(bp_release_cache "$cache_dir" "$version" "$arch")"
}

# bp_fetch_checked TMP VERSION ARCH: bp_download_release's download into
# the temp dir TMP: the binary, checked, as TMP/securekey (mode 0755) with
# its SHA-256 in TMP/securekey.sha256. Returns as bp_download_release does;
# the caller removes TMP on failure.
bp_fetch_checked() {
  local tmp="$1" version="$2" arch="$3" asset url sums_url actual expected from fetched=0
  asset="securekey-$arch"
  url="$BP_DOWNLOAD_BASE/v$version/$asset"
  sums_url="$BP_DOWNLOAD_BASE/v$version/SHA256SUMS"

  bp_info "Downloading securekey v$version for $arch from $(bp_url_shown "$url")"
  if [[ "${#BP_PINS[@]}" -eq 0 ]]; then
    from="$sums_url"
    bp_fetch "$sums_url" "$tmp/SHA256SUMS" "$BP_SUMS_MAX_KIB" || fetched=$?
  fi
  if [[ "$fetched" -eq 0 ]]; then
    from="$url"
    bp_fetch "$url" "$tmp/securekey" "$BP_BINARY_MAX_KIB" || fetched=$?
  fi
  case "$fetched" in
    0) ;;
    2)
      # Like a checksum mismatch: the server sent something that is not the
      # release, and a cargo build standing in would hide it.
      bp_error "Refused securekey v$version for $arch: ${from##*/} is $BP_FETCH_PROBLEM." \
        "URL: $(bp_url_shown "$from")" \
        "Nothing was installed. The server does not serve the release's files there: if you set" \
        "SECUREKEY_DOWNLOAD_URL, check that mirror. Or use the packaged buildpack instead:" \
        "  $(bp_packaged_add "$version")"
      return 2
      ;;
    *)
      BP_DOWNLOAD_PROBLEM="$(bp_url_shown "$from"): $BP_FETCH_PROBLEM"
      return 1
      ;;
  esac

  actual="$(bp_sha256 "$tmp/securekey")" || actual="unreadable"
  if [[ "${#BP_PINS[@]}" -gt 0 ]]; then
    if ! bp_pinned "$actual"; then
      bp_error "Refused securekey v$version for $arch: its SHA-256 does not match SECUREKEY_SHA256." \
        "Downloaded from: $(bp_url_shown "$url")" \
        "Its SHA-256:     $actual" \
        "Nothing was installed. Either the file is not the one you pinned, or SECUREKEY_SHA256 names" \
        "another version or arch: check it against a copy of the release's SHA256SUMS you trust."
      return 2
    fi
    bp_info "SHA-256 matches SECUREKEY_SHA256 (your pin)"
  else
    expected="$(awk -v name="$asset" '$2 == name || $2 == ("*" name) { print tolower($1); exit }' "$tmp/SHA256SUMS")"
    if [[ ! "$expected" =~ ^[0-9a-f]{64}$ ]]; then
      BP_DOWNLOAD_PROBLEM="$(bp_url_shown "$sums_url") lists no SHA-256 for $asset, so the download cannot be checked"
      return 1
    fi
    if [[ "$actual" != "$expected" ]]; then
      bp_error "Refused securekey v$version for $arch: its SHA-256 does not match the release's SHA256SUMS." \
        "Downloaded from: $(bp_url_shown "$url")" \
        "Its SHA-256:     $actual" \
        "SHA256SUMS says: $expected ($(bp_url_shown "$sums_url"))" \
        "Nothing was installed. The file was damaged or cut short on the way, or the release was" \
        "changed after its checksums were made. Retry the build; if it fails again, use the" \
        "packaged buildpack instead and report it:" \
        "  $(bp_packaged_add "$version")"
      return 2
    fi
    bp_info "SHA-256 matches the release's SHA256SUMS"
  fi

  rm -f "$tmp/SHA256SUMS"
  if ! { chmod 0755 "$tmp/securekey" && printf '%s\n' "$actual" >"$tmp/securekey.sha256"; } 2>/dev/null; then
    BP_FS_PROBLEM="could not write in it (is the build's disk full?)"
    bp_cache_error "$tmp"
    return 2
  fi
}

# bp_packaged_add VERSION: the command that adds the packaged buildpack of
# VERSION (it ships the binaries), from $BP_DOWNLOAD_BASE.
bp_packaged_add() {
  printf 'heroku buildpacks:add %s/v%s/securekey-buildpack-%s.tgz' \
    "$(bp_url_shown "$BP_DOWNLOAD_BASE")" "$1" "$1"
}

# Finds a securekey binary for this machine and sets BP_BINARY to its path,
# from the first place that has one:
#   1. buildpack/vendor/<arch>/securekey (a packaged buildpack);
#   2. the release binary an earlier build downloaded, in CACHE_DIR;
#   3. the binary an earlier build compiled from this source, in CACHE_DIR;
#   4. the released binary for the buildpack's own version (Cargo.toml),
#      downloaded and checked (bp_download_release): a buildpack installed
#      from its git URL or the Buildpack Registry;
#   5. only when no release could be reached and cargo is on PATH: a fresh
#      `cargo build --release --locked` of the buildpack's own source, with
#      its target dir in CACHE_DIR, kept there under the source hash.
# Says which as a detail line, and sets BP_ORIGIN to vendored, cache,
# download or cargo (with BP_CACHE_ENTRY, the cache folder it came from, for
# a cached one). A download or a cargo build is kept in the cache only once
# it has run (bp_keep_binary). On failure it says why with ` !     ` and
# returns 1; nothing is left half-written in the cache.
# shellcheck disable=SC2034 # BP_BINARY and BP_ORIGIN are read by the caller.
bp_find_binary() {
  local bp_dir="$1" cache_dir="$2" env_dir="${3:-}" arch version repository hash cached target_dir status=0
  local why=() fixes=()
  arch="$(bp_arch)"
  BP_BINARY="" BP_ORIGIN="" BP_CACHE_ENTRY=""

  if [[ -x "$bp_dir/buildpack/vendor/$arch/securekey" ]]; then
    bp_info "Using the securekey binary packaged for $arch (vendored in the buildpack)"
    BP_BINARY="$bp_dir/buildpack/vendor/$arch/securekey"
    BP_ORIGIN=vendored
    return 0
  fi

  if [[ ! -f "$bp_dir/Cargo.toml" || ! -f "$bp_dir/Cargo.lock" || ! -d "$bp_dir/src" ]]; then
    bp_error "This buildpack has no securekey binary for $arch and no source to build one." \
      "Packaged buildpacks (securekey-buildpack-<version>.tgz from the releases) ship binaries for x86_64 and aarch64 only."
    return 1
  fi
  version="$(bp_package_version "$bp_dir")"
  repository="$(bp_package_repository "$bp_dir")"
  repository="${repository%/}"
  BP_DEFAULT_DOWNLOAD_URL="$repository/releases/download"

  if bp_released_arch "$arch"; then
    bp_release_settings "$env_dir" || return 1
    bp_release_cached "$cache_dir" "$version" "$arch" && return 0
  fi
  hash="$(bp_source_hash "$bp_dir")"
  cached="$cache_dir/securekey/bin-$hash/securekey"
  if [[ -x "$cached" ]]; then
    bp_info "Using securekey built earlier from this source (cache ${hash:0:12})"
    BP_BINARY="$cached"
    BP_ORIGIN=cache
    BP_CACHE_ENTRY="${cached%/*}"
    return 0
  fi

  if bp_released_arch "$arch"; then
    bp_download_release "$cache_dir" "$version" "$arch" || status=$?
    case "$status" in
      0) return 0 ;;
      2) return 1 ;;
    esac
    why=("Could not download securekey v$version for $arch:" "  $BP_DOWNLOAD_PROBLEM")
    fixes=("Fix it with one of:"
      "- the packaged buildpack, which ships the binaries:"
      "    $(bp_packaged_add "$version")"
      "- a released version of this buildpack (its git tag):"
      "    heroku buildpacks:add $repository#vX.Y.Z"
      "- SECUREKEY_DOWNLOAD_URL set to a server with v$version/securekey-$arch and v$version/SHA256SUMS"
      "  (what scripts/package writes to dist/):"
      "    heroku config:set SECUREKEY_DOWNLOAD_URL=https://…/releases/download"
      "- a Rust buildpack (one that puts cargo on PATH) listed before this one.")
  else
    why=("Releases have securekey binaries for x86_64 and aarch64 only, not $arch.")
    fixes=("Build on x86_64 or aarch64 (amd64 or arm64) machines, or list a Rust buildpack"
      "(one that puts cargo on PATH) before this one to build securekey from source.")
  fi

  if ! command -v cargo >/dev/null 2>&1; then
    bp_error "${why[@]}" \
      "This buildpack (its git tree) has no securekey binary for $arch, and cargo is not on PATH to build one." \
      "${fixes[@]}"
    return 1
  fi

  local line
  for line in "${why[@]}"; do bp_info "$line"; done
  bp_info "Building securekey from source with cargo (source ${hash:0:12}); later builds reuse it"
  target_dir="$cache_dir/securekey/target"
  if ! bp_mkdir "$target_dir"; then
    bp_cache_error "$target_dir"
    return 1
  fi
  if ! (cd "$bp_dir" && CARGO_TARGET_DIR="$target_dir" cargo build --release --locked --bin securekey) 2>&1 | bp_indent; then
    bp_error "cargo build failed (output above)." \
      "Nothing was installed. Fix the build of this source, or use a released buildpack."
    return 1
  fi
  # Kept under the source hash once it has run (bp_keep_binary).
  BP_BINARY="$target_dir/release/securekey"
  BP_ORIGIN=cargo
  BP_KEEP_TO="$cached"
}

# bp_keep_binary VERSION: keeps the binary bp_find_binary found in the build
# cache, when it is a download or a cargo build; called once the binary has
# run, so the cache never holds one that does not. One version is kept. A
# failure to keep it is a detail line: the build itself is done.
bp_keep_binary() {
  case "${BP_ORIGIN:-}" in
    download)
      local root="${BP_KEEP_TO%/v*}"
      if { rm -rf "$root"/v* && mkdir -p "${BP_KEEP_TO%/*}" && mv "$BP_KEEP_FROM" "$BP_KEEP_TO"; } 2>/dev/null; then
        BP_BINARY="$BP_KEEP_TO/securekey"
        bp_info "Kept in the build cache: later builds of v$1 need no download"
      else
        bp_info "Warning: could not keep the download in the build cache; the next build downloads it again"
      fi
      ;;
    cargo)
      if { rm -rf "${BP_KEEP_TO%/*/*}"/bin-* && mkdir -p "${BP_KEEP_TO%/*}" &&
        cp "$BP_BINARY" "$BP_KEEP_TO.tmp" && mv "$BP_KEEP_TO.tmp" "$BP_KEEP_TO"; } 2>/dev/null; then
        bp_info "Kept in the build cache: later builds of this source need no cargo"
      else
        rm -f "$BP_KEEP_TO.tmp"
        bp_info "Warning: could not keep the build in the build cache; the next build compiles it again"
      fi
      ;;
  esac
}
