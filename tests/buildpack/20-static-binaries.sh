#!/usr/bin/env bash
# tests/buildpack/20-static-binaries.sh DIST_DIR
#
# The packaged binaries (DIST_DIR/securekey-x86_64 and securekey-aarch64)
# are static and stripped, and run with no libraries at all: x86_64 in an
# empty chroot, aarch64 under qemu-aarch64 (Debian's qemu-user) with an
# empty library prefix. Both pass a good check and fail a broken one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$here/lib.sh"

dist="${1:?usage: $0 DIST_DIR}"
version="$(bp_package_version "$root")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"
key_windows "$work/key-windows"

good="SECURE_KEY=$KEY_A,$KEY_B"
broken="SECURE_KEY=$KEY_A,${KEY_B:0:40}"

# ------------------------------------------------------------------- file(1)
for arch in x86_64 aarch64; do
  bin="$dist/securekey-$arch"
  description="$(file -b "$bin" 2>&1 || true)"
  case "$arch" in
    x86_64) machine="x86-64" ;;
    aarch64) machine="ARM aarch64" ;;
  esac
  if [[ "$description" == *"$machine"* ]] &&
    [[ "$description" == *"statically linked"* || "$description" == *"static-pie linked"* ]] &&
    [[ "$description" != *"interpreter"* ]]; then
    ok "$arch: file says a static $machine executable"
  else
    not_ok "$arch: file says a static $machine executable" "$description"
  fi
  if [[ "$description" == *", stripped"* ]]; then
    ok "$arch: stripped"
  else
    not_ok "$arch: stripped" "$description"
  fi
done

# ------------------------------------------------- x86_64: an empty chroot
# Nothing in the root but the binary: no libc, no loader, no /proc, no /dev.
if [[ "$(id -u)" -eq 0 ]] && chroot="$(command -v chroot)"; then
  jail="$work/jail"
  mkdir -p "$jail"
  cp "$dist/securekey-x86_64" "$jail/securekey"
  status=0
  env -i "$good" "$chroot" "$jail" /securekey check >"$out/x86-good.out" 2>"$out/x86-good.err" || status=$?
  if [[ "$status" -eq 0 ]] && grep -q 'SECURE_KEY  *ok' "$out/x86-good.out"; then
    ok "x86_64: passes a good check in an empty chroot"
  else
    not_ok "x86_64: passes a good check in an empty chroot" "exit $status" "$(show "$out/x86-good.err")"
  fi
  status=0
  env -i "$broken" "$chroot" "$jail" /securekey check >"$out/x86-broken.out" 2>"$out/x86-broken.err" || status=$?
  if [[ "$status" -eq 1 ]] && grep -q 'length' "$out/x86-broken.out"; then
    ok "x86_64: fails a broken check in an empty chroot"
  else
    not_ok "x86_64: fails a broken check in an empty chroot" "exit $status" "$(show "$out/x86-broken.err")"
  fi
  status=0
  env -i "$good" "$chroot" "$jail" /securekey write -q --output /keys.json >"$out/x86-write.out" 2>&1 || status=$?
  if [[ "$status" -eq 0 && -f "$jail/keys.json" && "$(stat -c %a "$jail/keys.json")" == 600 ]]; then
    ok "x86_64: writes the key file (0600) in an empty chroot"
  else
    not_ok "x86_64: writes the key file (0600) in an empty chroot" "exit $status" "$(show "$out/x86-write.out")"
  fi
else
  # Without root: no loader and no library path to fall back on.
  status=0
  env -i LD_LIBRARY_PATH= "$good" "$dist/securekey-x86_64" check >"$out/x86-good.out" 2>&1 || status=$?
  check "x86_64: passes a good check with no library path (not root: no chroot)" test "$status" -eq 0
fi

# ---------------------------------------- aarch64: qemu-user, no libraries
# -L points qemu's ELF-interpreter prefix at an empty dir: a dynamic binary
# finds no loader there (qemu then tries the host's own path, where a
# Debian amd64 machine has no aarch64 loader either).
if qemu="$(command -v qemu-aarch64)"; then
  empty="$work/empty-sysroot"
  mkdir -p "$empty"
  qemu=("$qemu" -L "$empty")
  status=0
  env -i "$good" "${qemu[@]}" "$dist/securekey-aarch64" check >"$out/arm-good.out" 2>"$out/arm-good.err" || status=$?
  if [[ "$status" -eq 0 ]] && grep -q 'SECURE_KEY  *ok' "$out/arm-good.out"; then
    ok "aarch64: passes a good check under qemu-aarch64 with no libraries"
  else
    not_ok "aarch64: passes a good check under qemu-aarch64 with no libraries" \
      "exit $status" "$(show "$out/arm-good.err")"
  fi
  status=0
  env -i "$broken" "${qemu[@]}" "$dist/securekey-aarch64" check >"$out/arm-broken.out" 2>"$out/arm-broken.err" || status=$?
  if [[ "$status" -eq 1 ]] && grep -q 'length' "$out/arm-broken.out"; then
    ok "aarch64: fails a broken check under qemu-aarch64"
  else
    not_ok "aarch64: fails a broken check under qemu-aarch64" "exit $status" "$(show "$out/arm-broken.err")"
  fi
  status=0
  env -i "$good" "${qemu[@]}" "$dist/securekey-aarch64" write -q --output "$work/arm/keys.json" >"$out/arm-write.out" 2>&1 || status=$?
  if [[ "$status" -eq 0 && -f "$work/arm/keys.json" && "$(stat -c %a "$work/arm/keys.json")" == 600 ]]; then
    ok "aarch64: writes the key file (0600) under qemu-aarch64"
  else
    not_ok "aarch64: writes the key file (0600) under qemu-aarch64" "exit $status" "$(show "$out/arm-write.out")"
  fi
  if env -i "${qemu[@]}" "$dist/securekey-aarch64" --version 2>&1 | grep -qxF "securekey $version"; then
    ok "aarch64: --version is $version"
  else
    not_ok "aarch64: --version is $version"
  fi
else
  not_ok "aarch64: qemu-aarch64 is on PATH (Debian: apt-get install qemu-user)"
fi

if env -i "$dist/securekey-x86_64" --version 2>&1 | grep -qxF "securekey $version"; then
  ok "x86_64: --version is $version"
else
  not_ok "x86_64: --version is $version"
fi

# The man page and completions (clap_mangen, clap_complete), in their own
# tarball and in the classic buildpack's.
docs_tgz="$dist/securekey-docs-$version.tgz"
mkdir -p "$work/docs"
if tar -xzf "$docs_tgz" -C "$work/docs" 2>/dev/null &&
  grep -q '^\.TH securekey 1' "$work/docs/man/man1/securekey.1" &&
  grep -q 'lint' "$work/docs/man/man1/securekey.1"; then
  ok "the man page is securekey(1), with its commands"
else
  not_ok "the man page is securekey(1), with its commands" "in $docs_tgz"
fi
if bash -c "source '$work/docs/completions/securekey.bash' && complete -p securekey" >/dev/null 2>&1 &&
  grep -q 'exec-d' "$work/docs/completions/_securekey" &&
  grep -q 'complete -c securekey' "$work/docs/completions/securekey.fish"; then
  ok "bash, zsh and fish completions (bash's loads and registers securekey)"
else
  not_ok "bash, zsh and fish completions (bash's loads and registers securekey)"
fi
if tar -tzf "$dist/securekey-buildpack-$version.tgz" | grep -qx './man/man1/securekey.1'; then
  ok "the classic buildpack tarball carries the man page"
else
  not_ok "the classic buildpack tarball carries the man page"
fi

check "no output holds key material" no_key_material "$work/key-windows" "$out"

finish static
