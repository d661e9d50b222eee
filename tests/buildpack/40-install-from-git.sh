#!/usr/bin/env bash
# tests/buildpack/40-install-from-git.sh DIST_DIR
#
# The buildpack installed from its git URL (or the Buildpack Registry, which
# serves the git tree): no vendored binary, and no cargo on PATH, as on a
# Ruby or Node app. bin/compile downloads the released binary for its own
# version and arch from SECUREKEY_DOWNLOAD_URL. A release is played by
# serving v<version>/ (a copy of what scripts/package wrote into DIST_DIR)
# from a python3 http.server on 127.0.0.1 (and the same over TLS, with a
# self-signed certificate, when openssl is there): no internet needed.
#
# Cases: a download installs and runs, and is cached; a later build with the
# server stopped uses the cache; a tampered binary, a SECUREKEY_SHA256
# mismatch, a 404, a closed port, an unknown host, an unknown arch, a file
# larger than its limit (announced or not) and an https download redirected
# to http each fail with a ` !     ` error that names the URL and installs
# nothing (no binary in the slug or the cache); redirects that keep the
# scheme are followed; the pin stands in for a missing SHA256SUMS; cargo
# builds only when the download could not be reached, never after a checksum
# mismatch or an oversized file. No build log holds key material.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$here/lib.sh"

dist="$(cd "${1:?usage: $0 DIST_DIR}" && pwd)"
version="$(bp_package_version "$root")"
repository="$(bp_package_repository "$root")"
arch="$(bp_arch)"
asset="securekey-$arch"

work="$(mktemp -d)"
server_pids=()
stop_servers() {
  local pid
  for pid in "${server_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  server_pids=()
}
trap 'stop_servers; rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM # the servers are stopped on any way out
out="$work/out" # every build log
mkdir -p "$out" "$work/build-home"
key_windows "$work/key-windows"

# A build environment: nothing from ours but a plain PATH without cargo.
base_path="/usr/local/bin:/usr/bin:/bin"
if PATH="$base_path" command -v cargo >/dev/null 2>&1; then
  bail install "cargo is off PATH for the builds" "cargo is in $base_path on this machine"
fi

if ! bp_released_arch "$arch"; then
  ok "# SKIP the release download: no released binary for this machine ($arch)"
  finish install
  exit 0
fi

# compile, installed_nothing, installed_runs, failed_clearly, the release
# server script and serve(): in install-setup.sh, beside this suite.
# shellcheck source=tests/buildpack/install-setup.sh
source "$here/install-setup.sh"


# ---------------------------------------------------- the git buildpack
git_bp="$work/buildpack-git"
git_tree_copy "$root" "$git_bp"
if [[ -x "$git_bp/bin/compile" && -f "$git_bp/Cargo.toml" && ! -e "$git_bp/buildpack/vendor" ]]; then
  ok "the git tree has bin/compile and the source, and no vendored binary"
else
  not_ok "the git tree has bin/compile and the source, and no vendored binary"
fi

# ------------------------------------------------------- the releases
# srv/good/v<version>/: the release as published (every file in DIST_DIR);
# srv/tampered/: the binary changed after SHA256SUMS was made; srv/nosums/:
# a release without SHA256SUMS; srv/missing/: no v<version>/ at all;
# srv/oversized/: a binary of 33 MiB (sparse: no disk used), over the
# 32 MiB limit; srv/bigsums/: a SHA256SUMS over its 64 KiB limit.
srv="$work/srv"
mkdir -p "$srv/good/v$version" "$srv/missing"
cp "$dist"/* "$srv/good/v$version/"
cp -R "$srv/good" "$srv/tampered"
printf 'x' >>"$srv/tampered/v$version/$asset"
cp -R "$srv/good" "$srv/nosums"
rm "$srv/nosums/v$version/SHA256SUMS"
cp -R "$srv/good" "$srv/oversized"
truncate -s 33M "$srv/oversized/v$version/$asset"
cp -R "$srv/good" "$srv/bigsums"
head -c 70000 /dev/zero | tr '\0' '#' >>"$srv/bigsums/v$version/SHA256SUMS"
# srv/broken/: a binary that does not run here (a wrong-arch build plays
# it: exits non-zero), srv/otherversion/: one that runs but is another
# version; each with a SHA256SUMS that matches it.
broken_release() {
  mkdir -p "$srv/$1/v$version"
  printf '#!/bin/sh\n%s\n' "$2" >"$srv/$1/v$version/$asset"
  chmod 0755 "$srv/$1/v$version/$asset"
  (cd "$srv/$1/v$version" && sha256sum -- "$asset" >SHA256SUMS)
}
broken_release broken 'exit 126'
broken_release otherversion 'echo "securekey 9.9.9"'
# Every file of the release is listed (DIST_DIR may also hold files of
# other versions from earlier runs), and each one matches.
listed="$(awk '{ print $2 }' "$srv/good/v$version/SHA256SUMS" 2>/dev/null | LC_ALL=C sort | tr '\n' ' ')"
expected="$(printf '%s\n' securekey-x86_64 securekey-aarch64 "securekey-buildpack-$version.tgz" \
  "securekey-cnb-$version.tgz" "securekey-docs-$version.tgz" "securekey-$version.tgz" | LC_ALL=C sort | tr '\n' ' ')"
if [[ "$listed" == "$expected" ]] && (cd "$srv/good/v$version" && sha256sum --quiet -c SHA256SUMS); then
  ok "scripts/package writes SHA256SUMS for both binaries, both buildpack tarballs, the man page and completions, and the npm tarball"
else
  not_ok "scripts/package writes SHA256SUMS for both binaries, both buildpack tarballs, the man page and completions, and the npm tarball" "listed: $listed"
fi
binary_sum="$(bp_sha256 "$srv/good/v$version/$asset")"
other_sum="$(bp_sha256 "$srv/good/v$version/securekey-buildpack-$version.tgz")"

install_server_script "$work/server.py"


if ! serve server ""; then
  bail install "python3's http.server serves the release"
fi
url="http://127.0.0.1:$port"

# -------------------------------------------------------- the download
compile download -- "SECUREKEY_DOWNLOAD_URL=$url/good"
cached="$work/cache_download/securekey/release/v$version/$arch/securekey"
if [[ "$status" -eq 0 ]] &&
  grep -qF "Downloading securekey v$version for $arch from $url/good/v$version/$asset" "$out/download.out" &&
  grep -qF "SHA-256 matches the release's SHA256SUMS" "$out/download.out" &&
  grep -q '^       SECURE_KEY  *ok' "$out/download.out" &&
  [[ ! -s "$out/download.err" ]] &&
  installed_runs download; then
  ok "without cargo, compile downloads v$version for $arch, checks it, installs it and it runs"
else
  not_ok "without cargo, compile downloads v$version for $arch, checks it, installs it and it runs" \
    "exit $status" "$(show "$out/download.out")" "$(show "$out/download.err")"
fi
if cmp -s "$cached" "$dist/$asset" && [[ -x "$cached" ]] &&
  [[ -z "$(find "$work/cache_download" -name '.download.*')" ]] &&
  [[ -f "$work/build_download/.profile.d/securekey.sh" ]]; then
  ok "the checked binary is kept in the cache by version and arch, with no temp file left"
else
  not_ok "the checked binary is kept in the cache by version and arch, with no temp file left" \
    "$(find "$work/cache_download" | sed 's/^/#     /')"
fi

# The default URL is the project's GitHub releases, from Cargo.toml's
# `repository`. Whatever this machine's network does with it (no internet:
# a quick failure; bounded by SECUREKEY_DOWNLOAD_TIMEOUT anyway), the log
# names the URL.
compile default SECUREKEY_DOWNLOAD_TIMEOUT=2
if grep -qF "from $repository/releases/download/v$version/$asset" "$out/default.out"; then
  ok "by default it downloads from $repository/releases/download (Cargo.toml's repository)"
else
  not_ok "by default it downloads from $repository/releases/download (Cargo.toml's repository)" \
    "exit $status" "$(show "$out/default.out")" "$(show "$out/default.err")"
fi

# -------------------------------------------------------------- refusals
compile tampered -- "SECUREKEY_DOWNLOAD_URL=$url/tampered"
if failed_clearly tampered "$status" "Refused securekey v$version for $arch" \
  "does not match the release's SHA256SUMS" "$url/tampered/v$version/$asset" \
  "Nothing was installed" "securekey-buildpack-$version.tgz"; then
  ok "a tampered binary is refused with a ' !     ' error naming the URL; nothing installed or cached"
else
  not_ok "a tampered binary is refused with a ' !     ' error naming the URL; nothing installed or cached" \
    "exit $status" "$(show "$out/tampered.err")"
fi

# The pin: SECUREKEY_SHA256 is checked instead of the served list.
compile pin-mismatch -- "SECUREKEY_DOWNLOAD_URL=$url/good" "SECUREKEY_SHA256=$other_sum"
if failed_clearly pin-mismatch "$status" "does not match SECUREKEY_SHA256" "$url/good/v$version/$asset" &&
  ! grep -qF "$other_sum" "$out/pin-mismatch.out" "$out/pin-mismatch.err"; then
  ok "a SECUREKEY_SHA256 mismatch is refused (the pin's value is never printed); nothing installed"
else
  not_ok "a SECUREKEY_SHA256 mismatch is refused (the pin's value is never printed); nothing installed" \
    "exit $status" "$(show "$out/pin-mismatch.err")"
fi

compile pin-nosums -- "SECUREKEY_DOWNLOAD_URL=$url/nosums" \
  "SECUREKEY_SHA256=$other_sum ${binary_sum^^}"
if [[ "$status" -eq 0 ]] && grep -qF "SHA-256 matches SECUREKEY_SHA256" "$out/pin-nosums.out" &&
  [[ -x "$work/build_pin-nosums/.heroku/securekey/bin/securekey" ]]; then
  ok "with SECUREKEY_SHA256 set (any case, a space-separated list), a release without SHA256SUMS installs"
else
  not_ok "with SECUREKEY_SHA256 set (any case, a space-separated list), a release without SHA256SUMS installs" \
    "exit $status" "$(show "$out/pin-nosums.out")" "$(show "$out/pin-nosums.err")"
fi

compile pin-bad -- "SECUREKEY_DOWNLOAD_URL=$url/good" "SECUREKEY_SHA256=not-a-sum"
if failed_clearly pin-bad "$status" "SECUREKEY_SHA256 must be" &&
  ! grep -qF "not-a-sum" "$out/pin-bad.err"; then
  ok "a malformed SECUREKEY_SHA256 is an error that does not echo it"
else
  not_ok "a malformed SECUREKEY_SHA256 is an error that does not echo it" "exit $status" "$(show "$out/pin-bad.err")"
fi

# Two sums joined by a comma would look like a key pair to `securekey check`.
compile pin-comma -- "SECUREKEY_DOWNLOAD_URL=$url/good" "SECUREKEY_SHA256=${other_sum^^},${binary_sum^^}"
if failed_clearly pin-comma "$status" "SECUREKEY_SHA256 holds a comma: separate several sums with spaces"; then
  ok "SECUREKEY_SHA256 with a comma (the shape of a key pair) is refused"
else
  not_ok "SECUREKEY_SHA256 with a comma (the shape of a key pair) is refused" "exit $status" "$(show "$out/pin-comma.err")"
fi

compile nosums -- "SECUREKEY_DOWNLOAD_URL=$url/nosums"
if failed_clearly nosums "$status" "HTTP 404" "$url/nosums/v$version/SHA256SUMS"; then
  ok "a release without SHA256SUMS (and no pin) is not installed"
else
  not_ok "a release without SHA256SUMS (and no pin) is not installed" "exit $status" "$(show "$out/nosums.err")"
fi

compile missing -- "SECUREKEY_DOWNLOAD_URL=$url/missing"
if failed_clearly missing "$status" "Could not download securekey v$version for $arch" "HTTP 404" \
  "$url/missing/v$version/" "cargo is not on PATH" "securekey-buildpack-$version.tgz" \
  "$repository#vX.Y.Z" "SECUREKEY_DOWNLOAD_URL"; then
  ok "a 404 (no such release) fails with the URL and the fixes (tarball, #vX.Y.Z, SECUREKEY_DOWNLOAD_URL)"
else
  not_ok "a 404 (no such release) fails with the URL and the fixes (tarball, #vX.Y.Z, SECUREKEY_DOWNLOAD_URL)" \
    "exit $status" "$(show "$out/missing.err")"
fi

compile bad-url -- "SECUREKEY_DOWNLOAD_URL=ftp://mirror.example/securekey"
if failed_clearly bad-url "$status" "SECUREKEY_DOWNLOAD_URL is not an http(s) URL" &&
  ! grep -qF "mirror.example" "$out/bad-url.err"; then
  ok "a SECUREKEY_DOWNLOAD_URL that is not http(s) is an error that does not echo it"
else
  not_ok "a SECUREKEY_DOWNLOAD_URL that is not http(s) is an error that does not echo it" \
    "exit $status" "$(show "$out/bad-url.err")"
fi

# A mirror URL with credentials: the log shows ***@ in their place. The
# password holds `:` and `%40` (an `@`, percent-encoded), as RFC 3986 wants.
compile userinfo -- "SECUREKEY_DOWNLOAD_URL=http://deploy:Zq7:Xw9%40Kp3@127.0.0.1:$port/good"
if [[ "$status" -eq 0 ]] && grep -qF "from http://***@127.0.0.1:$port/good/v$version/$asset" "$out/userinfo.out" &&
  ! grep -qE 'Zq7|Xw9|Kp3|deploy' "$out/userinfo.out" "$out/userinfo.err" && installed_runs userinfo; then
  ok "a download URL's user:password is shown as ***@ in the log, and the download works"
else
  not_ok "a download URL's user:password is shown as ***@ in the log, and the download works" \
    "exit $status" "$(show "$out/userinfo.out")"
fi

# The log's URL, for passwords holding each character that ends a part of
# a URL: the authority ends at the first `/`, `?` or `#` after `//`, the
# userinfo at its last `@` (RFC 3986, 3.2).
for sep in @ / : %40 '#' '?'; do
  shown="$(bp_url_shown "https://deploy:Zq7${sep}Xw9${sep}Kp3@mirror.example/securekey")"
  if [[ "$shown" != *Zq7* && "$shown" != *Xw9* && "$shown" != *Kp3* && "$shown" != *deploy* ]]; then
    ok "bp_url_shown hides a password holding '$sep' ($shown)"
  else
    not_ok "bp_url_shown hides a password holding '$sep'"
  fi
done

# Each of those passwords in a build whose download fails: a 404 (curl
# runs), or a URL refused before curl (a raw `@`, `/`, `#` or `?` moves
# the host). The password is in no output.
for sep in @ / : %40 '#' '?'; do
  name="userinfo-404-$(printf '%s' "$sep" | od -An -tx1 | tr -d ' \n')"
  compile "$name" -- "SECUREKEY_DOWNLOAD_URL=http://deploy:Zq7${sep}Xw9${sep}Kp3@127.0.0.1:$port/missing"
  if failed_clearly "$name" "$status" && ! grep -qE 'Zq7|Xw9|Kp3|deploy' "$out/$name.out" "$out/$name.err"; then
    ok "a failed download with '$sep' in the URL's password fails with a ' !     ' error that never shows it"
  else
    not_ok "a failed download with '$sep' in the URL's password fails with a ' !     ' error that never shows it" \
      "exit $status" "$(grep -cE 'Zq7|Xw9|Kp3|deploy' "$out/$name.out" "$out/$name.err" || true) lines show it"
  fi
done

# A URL that bp_url_usable refuses is refused before any download, and
# its error echoes none of it.
compile url-at-in-path -- "SECUREKEY_DOWNLOAD_URL=http://deploy/Zq7:Xw9@127.0.0.1:$port/good"
if failed_clearly url-at-in-path "$status" "SECUREKEY_DOWNLOAD_URL is not a usable URL" "%40" &&
  ! grep -qE 'Zq7|Xw9|deploy' "$out/url-at-in-path.out" "$out/url-at-in-path.err" &&
  ! grep -q 'Downloading' "$out/url-at-in-path.out"; then
  ok "a URL with '@' after its host is refused before any download, naming the fix (percent-encode)"
else
  not_ok "a URL with '@' after its host is refused before any download, naming the fix (percent-encode)" \
    "exit $status" "$(show "$out/url-at-in-path.err")"
fi

# ------------------------------------ a binary that does not run is never kept
# Served with a matching SHA256SUMS: the build runs it before it installs
# or caches anything, and fails leaving the slug and the cache as they were
# (the cache folder did not exist: it does not now).
for kind in broken otherversion; do
  CACHE="$work/cache_$kind" compile "$kind" -- "SECUREKEY_DOWNLOAD_URL=$url/$kind"
  if failed_clearly "$kind" "$status" "does not run on this machine" "nothing was kept in the build cache" \
    "$url/$kind/v$version/$asset" "SECUREKEY_DOWNLOAD_URL" &&
    [[ ! -e "$work/cache_$kind" ]] && [[ -z "$(find "$work/build_$kind" -name '.securekey*')" ]]; then
    ok "a served binary that does not run ($kind) fails the build: nothing in the slug, the cache untouched"
  else
    not_ok "a served binary that does not run ($kind) fails the build: nothing in the slug, the cache untouched" \
      "exit $status" "$(show "$out/$kind.err")" "$(find "$work/cache_$kind" "$work/build_$kind" 2>/dev/null | sed 's/^/#     /')"
  fi
done
# The mirror is fixed: the next build with the same cache downloads the
# good binary, installs it and keeps it.
rm -rf "$srv/broken"
cp -R "$srv/good" "$srv/broken"
rm -rf "$work/build_broken"
CACHE="$work/cache_broken" compile broken -- "SECUREKEY_DOWNLOAD_URL=$url/broken"
if [[ "$status" -eq 0 ]] && grep -q 'Downloading' "$out/broken.out" && installed_runs broken &&
  cmp -s "$work/cache_broken/securekey/release/v$version/$arch/securekey" "$dist/$asset"; then
  ok "after the mirror is fixed, the next build downloads, installs and caches the good binary"
else
  not_ok "after the mirror is fixed, the next build downloads, installs and caches the good binary" \
    "exit $status" "$(show "$out/broken.out")" "$(show "$out/broken.err")"
fi

# A broken binary in the cache (an earlier buildpack kept one): the build
# fails naming the cache, and removes it; the next build downloads afresh.
cp -R "$work/cache_broken" "$work/cache_stale"
printf '#!/bin/sh\nexit 1\n' >"$work/cache_stale/securekey/release/v$version/$arch/securekey"
bp_sha256 "$work/cache_stale/securekey/release/v$version/$arch/securekey" \
  >"$work/cache_stale/securekey/release/v$version/$arch/securekey.sha256"
CACHE="$work/cache_stale" compile stale -- "SECUREKEY_DOWNLOAD_URL=$url/good"
stale_err_ok=0
if [[ "$status" -ne 0 ]] && grep -qF "build cache ($work/cache_stale/securekey/release/v$version/$arch)" "$out/stale.err" &&
  ! grep -qv '^ !     ' "$out/stale.err" && [[ ! -e "$work/build_stale/.heroku" ]] &&
  [[ ! -e "$work/cache_stale/securekey/release/v$version/$arch" ]]; then
  stale_err_ok=1
fi
rm -rf "$work/build_stale"
CACHE="$work/cache_stale" compile stale -- "SECUREKEY_DOWNLOAD_URL=$url/good"
if [[ "$stale_err_ok" -eq 1 && "$status" -eq 0 ]] && installed_runs stale; then
  ok "a cached binary that does not run fails the build naming the cache, is removed, and the next build works"
else
  not_ok "a cached binary that does not run fails the build naming the cache, is removed, and the next build works" \
    "exit $status" "$(show "$out/stale.out")" "$(show "$out/stale.err")"
fi

# --------------------------------------------- a file where the cache goes
for where in "" /securekey; do
  name="cache-file$(tr / - <<<"$where")"
  rm -rf "$work/cache_$name"
  if [[ -n "$where" ]]; then mkdir -p "$work/cache_$name"; fi
  printf 'in the way\n' >"$work/cache_$name$where"
  compile "$name" -- "SECUREKEY_DOWNLOAD_URL=$url/good"
  if [[ "$status" -ne 0 ]] && [[ -s "$out/$name.err" ]] && ! grep -qv '^ !     ' "$out/$name.err" &&
    grep -qF "Could not use the build cache" "$out/$name.err" && grep -qF "builds:cache:purge" "$out/$name.err" &&
    [[ ! -e "$work/build_$name/.heroku" && ! -e "$work/build_$name/.profile.d" ]] &&
    [[ "$(<"$work/cache_$name$where")" == "in the way" ]]; then
    ok "a file where the cache folder${where:+ $where} goes: one ' !     ' error naming the cache and the fix"
  else
    not_ok "a file where the cache folder${where:+ $where} goes: one ' !     ' error naming the cache and the fix" \
      "exit $status" "$(show "$out/$name.err")"
  fi
done

# An arch releases have no binary for (uname -m played by a stand-in).
mkdir -p "$work/riscv"
cat >"$work/riscv/uname" <<'SH'
#!/bin/sh
if [ "$1" = -m ]; then echo riscv64; else exec /bin/uname "$@"; fi
SH
chmod 0755 "$work/riscv/uname"
compile riscv PATH="$work/riscv:$base_path" -- "SECUREKEY_DOWNLOAD_URL=$url/good"
if failed_clearly riscv "$status" "x86_64 and aarch64 only, not riscv64" "cargo is not on PATH" &&
  ! grep -q 'Downloading' "$out/riscv.out"; then
  ok "an unknown arch fails clearly without trying a download"
else
  not_ok "an unknown arch fails clearly without trying a download" "exit $status" "$(show "$out/riscv.err")"
fi

# cargo is a fallback only when the release could not be reached. A
# stand-in cargo (the real build is 10-classic-lifecycle's) writes a binary
# that says its version and passes any check.
mkdir -p "$work/fake-cargo"
cat >"$work/fake-cargo/cargo" <<SH
#!/bin/sh
mkdir -p "\$CARGO_TARGET_DIR/release"
printf '#!/bin/sh\necho "securekey $version"\n' >"\$CARGO_TARGET_DIR/release/securekey"
chmod 0755 "\$CARGO_TARGET_DIR/release/securekey"
echo "fake cargo: built"
SH
chmod 0755 "$work/fake-cargo/cargo"
compile cargo-404 PATH="$work/fake-cargo:$base_path" -- "SECUREKEY_DOWNLOAD_URL=$url/missing"
if [[ "$status" -eq 0 ]] && grep -qF "Could not download securekey v$version for $arch" "$out/cargo-404.out" &&
  grep -qF "Building securekey from source with cargo" "$out/cargo-404.out" &&
  grep -qF "fake cargo: built" "$out/cargo-404.out" &&
  [[ -x "$work/cache_cargo-404/securekey/bin-$(bp_source_hash "$git_bp")/securekey" ]]; then
  ok "with cargo on PATH and no release to download, compile says so and builds from source"
else
  not_ok "with cargo on PATH and no release to download, compile says so and builds from source" \
    "exit $status" "$(show "$out/cargo-404.out")" "$(show "$out/cargo-404.err")"
fi

compile cargo-tampered PATH="$work/fake-cargo:$base_path" -- "SECUREKEY_DOWNLOAD_URL=$url/tampered"
if failed_clearly cargo-tampered "$status" "does not match the release's SHA256SUMS" &&
  ! grep -q "cargo" "$out/cargo-tampered.out"; then
  ok "a checksum mismatch is refused even with cargo on PATH (no silent fallback)"
else
  not_ok "a checksum mismatch is refused even with cargo on PATH (no silent fallback)" \
    "exit $status" "$(show "$out/cargo-tampered.out")" "$(show "$out/cargo-tampered.err")"
fi

# ------------------------------------------------------ size limits
# The size the server announces (Content-Length) is over the limit: curl
# does not even start the transfer.
compile oversized -- "SECUREKEY_DOWNLOAD_URL=$url/oversized"
if failed_clearly oversized "$status" "Refused securekey v$version for $arch" "larger than 32 MiB" \
  "$url/oversized/v$version/$asset" "Nothing was installed" "securekey-buildpack-$version.tgz"; then
  ok "a binary larger than 32 MiB is refused with a ' !     ' error naming the URL; nothing installed"
else
  not_ok "a binary larger than 32 MiB is refused with a ' !     ' error naming the URL; nothing installed" \
    "exit $status" "$(show "$out/oversized.out")" "$(show "$out/oversized.err")"
fi

# No size announced: the body goes on past the limit, and the download is
# cut there (with the pin, so that SHA256SUMS is not asked for).
compile stream -- "SECUREKEY_DOWNLOAD_URL=$url/stream" "SECUREKEY_SHA256=$binary_sum"
if failed_clearly stream "$status" "larger than 32 MiB" "$url/stream/v$version/$asset"; then
  ok "a body with no Content-Length is cut at 32 MiB and refused; nothing installed or cached"
else
  not_ok "a body with no Content-Length is cut at 32 MiB and refused; nothing installed or cached" \
    "exit $status" "$(show "$out/stream.out")" "$(show "$out/stream.err")"
fi

compile bigsums -- "SECUREKEY_DOWNLOAD_URL=$url/bigsums"
if failed_clearly bigsums "$status" "larger than 64 KiB" "$url/bigsums/v$version/SHA256SUMS"; then
  ok "a SHA256SUMS larger than 64 KiB is refused; nothing installed"
else
  not_ok "a SHA256SUMS larger than 64 KiB is refused; nothing installed" \
    "exit $status" "$(show "$out/bigsums.out")" "$(show "$out/bigsums.err")"
fi

compile cargo-oversized PATH="$work/fake-cargo:$base_path" -- "SECUREKEY_DOWNLOAD_URL=$url/oversized"
if failed_clearly cargo-oversized "$status" "larger than 32 MiB" && ! grep -q "cargo" "$out/cargo-oversized.out"; then
  ok "an oversized binary is refused even with cargo on PATH (no silent fallback)"
else
  not_ok "an oversized binary is refused even with cargo on PATH (no silent fallback)" \
    "exit $status" "$(show "$out/cargo-oversized.out")" "$(show "$out/cargo-oversized.err")"
fi

# --------------------------------------------------------- redirects
# An http base URL (a mirror of your own) may be redirected over http.
compile moved -- "SECUREKEY_DOWNLOAD_URL=$url/moved/good"
if [[ "$status" -eq 0 ]] && installed_runs moved; then
  ok "an http download follows an http redirect"
else
  not_ok "an http download follows an http redirect" "exit $status" "$(show "$out/moved.out")" "$(show "$out/moved.err")"
fi

# An https base URL follows https redirects only. The TLS server's
# certificate is self-signed for 127.0.0.1; curl trusts it through
# CURL_CA_BUNDLE in the build's env.
tls="$work/tls"
mkdir -p "$tls"
if command -v openssl >/dev/null 2>&1 && python3 -c 'import ssl' 2>/dev/null &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$tls/key.pem" -out "$tls/cert.pem" >"$out/openssl.log" 2>&1; then
  if serve tls-server "$url" "$tls/cert.pem" "$tls/key.pem"; then
    tls_url="https://127.0.0.1:$port"
    compile https-moved CURL_CA_BUNDLE="$tls/cert.pem" -- "SECUREKEY_DOWNLOAD_URL=$tls_url/moved/good"
    if [[ "$status" -eq 0 ]] && grep -qF "from $tls_url/moved/good/v$version/$asset" "$out/https-moved.out" &&
      installed_runs https-moved; then
      ok "an https download follows an https redirect"
    else
      not_ok "an https download follows an https redirect" \
        "exit $status" "$(show "$out/https-moved.out")" "$(show "$out/https-moved.err")"
    fi

    # /elsewhere/ sends it to the plain http server, which has the release.
    compile downgrade CURL_CA_BUNDLE="$tls/cert.pem" -- "SECUREKEY_DOWNLOAD_URL=$tls_url/elsewhere/good"
    if failed_clearly downgrade "$status" "redirected to a URL that is not https" \
      "$tls_url/elsewhere/good/v$version/SHA256SUMS" "cargo is not on PATH"; then
      ok "an https download redirected to http is refused with a ' !     ' error; nothing installed"
    else
      not_ok "an https download redirected to http is refused with a ' !     ' error; nothing installed" \
        "exit $status" "$(show "$out/downgrade.out")" "$(show "$out/downgrade.err")"
    fi
  else
    not_ok "python3's http.server serves the release over TLS"
  fi
else
  # scripts/setup installs openssl: its absence is a broken machine, not a pass.
  not_ok "the https redirects: no openssl (or no ssl module in python3) to make a certificate"
fi

# ------------------------------------------------ the servers stopped
stop_servers

CACHE="$work/cache_download" compile rebuild -- "SECUREKEY_DOWNLOAD_URL=$url/good"
if [[ "$status" -eq 0 ]] &&
  grep -qF "Using securekey v$version for $arch downloaded by an earlier build (build cache)" "$out/rebuild.out" &&
  ! grep -q 'Downloading' "$out/rebuild.out" &&
  installed_runs rebuild; then
  ok "a later build of the same version uses the cache with the server down"
else
  not_ok "a later build of the same version uses the cache with the server down" \
    "exit $status" "$(show "$out/rebuild.out")" "$(show "$out/rebuild.err")"
fi

# A damaged cache entry is not trusted: it is downloaded again (and here,
# with the server down, the build fails without installing it).
cp -R "$work/cache_download" "$work/cache_damaged"
printf 'x' >>"$work/cache_damaged/securekey/release/v$version/$arch/securekey"
CACHE="$work/cache_damaged" compile damaged -- "SECUREKEY_DOWNLOAD_URL=$url/good"
if failed_clearly damaged "$status" "could not connect" && grep -qF "is damaged: downloading it again" "$out/damaged.out"; then
  ok "a damaged cached binary is neither used nor kept"
else
  not_ok "a damaged cached binary is neither used nor kept" "exit $status" "$(show "$out/damaged.out")"
fi

# The port the server listened on is closed now.
compile closed SECUREKEY_DOWNLOAD_TIMEOUT=10 -- "SECUREKEY_DOWNLOAD_URL=$url/good"
if failed_clearly closed "$status" "could not connect" "$url/good/v$version/" "cargo is not on PATH"; then
  ok "a closed port fails with a ' !     ' error naming the URL; nothing installed"
else
  not_ok "a closed port fails with a ' !     ' error naming the URL; nothing installed" \
    "exit $status" "$(show "$out/closed.err")"
fi

# The same passwords against the closed port (curl runs and cannot
# connect, where the URL is usable at all): never shown either.
for sep in @ / : %40 '#' '?'; do
  name="userinfo-closed-$(printf '%s' "$sep" | od -An -tx1 | tr -d ' \n')"
  compile "$name" SECUREKEY_DOWNLOAD_TIMEOUT=10 -- "SECUREKEY_DOWNLOAD_URL=http://deploy:Zq7${sep}Xw9${sep}Kp3@127.0.0.1:$port/good"
  if failed_clearly "$name" "$status" && ! grep -qE 'Zq7|Xw9|Kp3|deploy' "$out/$name.out" "$out/$name.err"; then
    ok "a closed port with '$sep' in the URL's password fails with a ' !     ' error that never shows it"
  else
    not_ok "a closed port with '$sep' in the URL's password fails with a ' !     ' error that never shows it" "exit $status"
  fi
done

# No network: a host that never resolves (.invalid, RFC 2606).
compile no-dns SECUREKEY_DOWNLOAD_TIMEOUT=2 -- "SECUREKEY_DOWNLOAD_URL=http://securekey.invalid/releases"
if failed_clearly no-dns "$status" "http://securekey.invalid/releases/v$version/"; then
  ok "an unreachable host fails with a ' !     ' error naming the URL; nothing installed"
else
  not_ok "an unreachable host fails with a ' !     ' error naming the URL; nothing installed" \
    "exit $status" "$(show "$out/no-dns.err")"
fi

# ------------------------------------------------------------- no leaks
check "no build log holds key material" no_key_material "$work/key-windows" "$out"
check "no slug or cache holds key material" no_key_material "$work/key-windows" \
  "$work"/build_* "$work"/cache_*

finish install
