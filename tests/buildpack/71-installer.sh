#!/usr/bin/env bash
# install.sh (the `curl -fsSL … | bash` installer) against release assets
# served from 127.0.0.1 by python3's http.server: a good install on this
# machine's platform and on the others (each gets its asset), a tampered
# SHA256SUMS and a tampered binary (refused, nothing installed, an existing
# binary untouched), an unknown platform (refused before any download), an
# unwritable target. Then the names: the asset for each platform agrees
# across scripts/package (dist/), release.yml's macOS jobs, install.sh, the
# Action (action/install.sh's runner mapping) and the cargo-binstall
# metadata, whose URL template is rendered for each target and found.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$here/lib.sh"

dist="$(cd "${1:?usage: $0 DIST_DIR}" && pwd)"
version="$(bp_package_version "$root")"
repository="$(bp_package_repository "$root")"
work="$(mktemp -d)"
server_pid=""
trap '[[ -z "$server_pid" ]] || kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
installer="$root/install.sh"

srv="$work/srv"
release_tree "$dist" "$srv/good" "$version"
release_tree "$dist" "$srv/sums" "$version"
release_tree "$dist" "$srv/binary" "$version"
native="$(bash "$installer" --asset-name)"
# A SHA256SUMS whose line for the native asset is another file's hash; a
# binary one byte longer than SHA256SUMS says.
other="$(sha256sum "$dist/SHA256SUMS" | cut -d' ' -f1)"
sed -i "s/^[0-9a-f]\{64\}  $native\$/$other  $native/" "$srv/sums/v$version/SHA256SUMS"
printf 'x' >>"$srv/binary/v$version/$native"
release_server "$srv" "$work/server.log" || bail installer "python3 -m http.server serves the release" "$(show "$work/server.log")"
url="http://127.0.0.1:$port"

requests() { grep -c '"GET ' "$work/server.log" || true; }

# ------------------------------------------------------------ good
to="$work/home/.local/bin"
status=0
HOME="$work/home" bash "$installer" --version "$version" --download-url "$url/good" \
  >"$work/good.out" 2>"$work/good.err" || status=$?
if [[ "$status" -eq 0 ]] && cmp -s "$to/securekey" "$dist/$native" && [[ -x "$to/securekey" ]] &&
  "$to/securekey" --version | grep -qF "$version" &&
  grep -qF "installed $to/securekey (v$version, $native" "$work/good.err" &&
  [[ -z "$(find "$to" -name '.securekey.*')" ]]; then
  ok "install.sh installs $native v$version into ~/.local/bin, checked, and it runs"
else
  not_ok "install.sh installs $native v$version into ~/.local/bin" "exit $status" "$(show "$work/good.err")"
fi

for platform in "linux aarch64" "linux x86_64" "darwin x86_64" "darwin aarch64"; do
  read -r os arch <<<"$platform"
  dir="$work/to-$os-$arch"
  status=0
  bash "$installer" --to "$dir" --os "$os" --arch "$arch" --version "$version" \
    --download-url "$url/good" >/dev/null 2>"$work/p.err" || status=$?
  asset="$(bash "$installer" --os "$os" --arch "$arch" --asset-name)"
  if [[ "$status" -eq 0 ]] && cmp -s "$dir/securekey" "$srv/good/v$version/$asset" &&
    grep -qF "GET /good/v$version/$asset " "$work/server.log"; then
    ok "--os $os --arch $arch installs $asset"
  else
    not_ok "--os $os --arch $arch installs $asset" "exit $status" "$(show "$work/p.err")"
  fi
done

# ------------------------------------------------------------ tampered
for kind in sums binary; do
  dir="$work/tampered-$kind"
  mkdir -p "$dir"
  printf 'the binary already here\n' >"$dir/securekey"
  status=0
  bash "$installer" --to "$dir" --version "$version" --download-url "$url/$kind" \
    >"$work/$kind.out" 2>"$work/$kind.err" || status=$?
  if [[ "$status" -eq 1 ]] &&
    grep -qF "error: $native does not match SHA256SUMS" "$work/$kind.err" &&
    grep -qF "nothing installed" "$work/$kind.err" &&
    [[ "$(cat "$dir/securekey")" == "the binary already here" ]] &&
    [[ "$(find "$dir" -mindepth 1 | wc -l)" -eq 1 ]]; then
    ok "a tampered $kind is refused: exit 1, says so, the old binary untouched, no temp file left"
  else
    not_ok "a tampered $kind is refused" "exit $status" "$(show "$work/$kind.err")" "$(ls -la "$dir")"
  fi
done

# ------------------------------------------------------------ unknown platform
# uname as a FreeBSD or a riscv64 machine answers it: detection, not flags.
for fake in "FreeBSD amd64" "Linux riscv64" "MINGW64_NT-10.0 x86_64"; do
  read -r fake_s fake_m <<<"$fake"
  shim="$work/uname-$fake_s-$fake_m"
  mkdir -p "$shim"
  # shellcheck disable=SC2016 # $1 is the shim's own argument
  printf '#!/bin/sh\ncase "$1" in -s) echo "%s" ;; -m) echo "%s" ;; esac\n' "$fake_s" "$fake_m" >"$shim/uname"
  chmod +x "$shim/uname"
  before="$(requests)"
  status=0
  PATH="$shim:$PATH" bash "$installer" --to "$work/unknown" --download-url "$url/good" \
    >/dev/null 2>"$work/unknown.err" || status=$?
  if [[ "$status" -eq 1 ]] &&
    grep -qF "error: no securekey release binary for $fake_s $fake_m" "$work/unknown.err" &&
    grep -qF "Windows is not supported" "$work/unknown.err" &&
    [[ "$(requests)" -eq "$before" && ! -e "$work/unknown" ]]; then
    ok "an unknown platform ($fake_s $fake_m) is refused before any download"
  else
    not_ok "an unknown platform ($fake_s $fake_m) is refused" "exit $status" "$(show "$work/unknown.err")"
  fi
done

# ------------------------------------------------------------ unwritable target
# As root, permissions do not apply: the install runs as nobody (setpriv).
locked="$work/locked"
mkdir -p "$locked"
chmod 0755 "$work" "$locked"
as_user=()
runnable="$installer"
if [[ "$(id -u)" -eq 0 ]]; then
  as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
  # A copy nobody can read wherever the checkout is.
  runnable="$work/install.sh"
  install -m 0755 "$installer" "$runnable"
else
  chmod 0555 "$locked"
fi
status=0
"${as_user[@]}" env HOME=/nonexistent TMPDIR=/tmp bash "$runnable" --to "$locked" --version "$version" \
  --download-url "$url/good" >/dev/null 2>"$work/locked.err" || status=$?
if [[ "$status" -eq 1 ]] && grep -qF "error: cannot write to $locked" "$work/locked.err" &&
  [[ -z "$(ls -A "$locked")" ]]; then
  ok "an unwritable --to is refused with a clear message, nothing written"
else
  not_ok "an unwritable --to is refused" "exit $status" "$(show "$work/locked.err")"
fi
printf 'a file\n' >"$work/a-file"
status=0
bash "$installer" --to "$work/a-file/bin" --download-url "$url/good" >/dev/null 2>"$work/file.err" || status=$?
if [[ "$status" -eq 1 ]] && grep -qF "error: cannot create $work/a-file/bin" "$work/file.err"; then
  ok "a --to under a file is refused with a clear message"
else
  not_ok "a --to under a file is refused" "exit $status" "$(show "$work/file.err")"
fi

# A download URL's password is never printed.
status=0
bash "$installer" --to "$work/pw" --version "$version" --download-url "http://user:s3cr3t-pw@127.0.0.1:$port/good" \
  >"$work/pw.out" 2>&1 || status=$?
if ! grep -qF 's3cr3t-pw' "$work/pw.out" && grep -qF 'http://***@127.0.0.1' "$work/pw.out"; then
  ok "the download URL's password is not printed"
else
  not_ok "the download URL's password is not printed" "$(show "$work/pw.out")"
fi

# ------------------------------------------------------------ the names
if grep -qxF "SECUREKEY_VERSION_DEFAULT=\"$version\"" "$installer" &&
  grep -qxF "SECUREKEY_DOWNLOAD_URL_DEFAULT=\"$repository/releases/download\"" "$installer"; then
  ok "install.sh's default release is Cargo.toml's version and repository"
else
  not_ok "install.sh's default release is Cargo.toml's version ($version) and repository"
fi

# Every platform's asset, as each place names it, then one line per
# disagreement. binstall's template is rendered with its own variables.
names="$(python3 - "$root" "$dist" "$installer" <<'PY'
import os, re, subprocess, sys, tomllib, yaml
root, dist, installer = sys.argv[1:]
cargo = tomllib.load(open(f"{root}/Cargo.toml", "rb"))
package = cargo["package"]
binstall = package["metadata"]["binstall"]
release = yaml.safe_load(open(f"{root}/.github/workflows/release.yml"))
macos = [m["asset"] for m in release["jobs"]["macos"]["strategy"]["matrix"]["include"]]
macos_targets = {m["target"]: m["asset"] for m in release["jobs"]["macos"]["strategy"]["matrix"]["include"]}
package_script = open(f"{root}/scripts/package").read()
darwin_assets = re.search(r"^darwin_assets=\(([^)]*)\)", package_script, re.M).group(1).split()
action = open(f"{root}/action/install.sh").read()
runner = {"linux": "Linux", "darwin": "macOS"}
runner_arch = {"x86_64": "X64", "aarch64": "ARM64"}
problems = []
targets = {
    "x86_64-unknown-linux-musl": ("linux", "x86_64"), "x86_64-unknown-linux-gnu": ("linux", "x86_64"),
    "aarch64-unknown-linux-musl": ("linux", "aarch64"), "aarch64-unknown-linux-gnu": ("linux", "aarch64"),
    "x86_64-apple-darwin": ("darwin", "x86_64"), "aarch64-apple-darwin": ("darwin", "aarch64"),
}
for target, (os_, arch) in targets.items():
    asset = subprocess.run(["bash", installer, "--os", os_, "--arch", arch, "--asset-name"],
                           capture_output=True, text=True, check=True).stdout.strip()
    template = binstall.get("overrides", {}).get(target, {}).get("pkg-url", binstall["pkg-url"])
    url = re.sub(r"\{ *([a-z-]+) *\}", lambda m: {
        "repo": package["repository"], "version": package["version"], "name": package["name"],
        "target": target, "target-arch": arch, "binary-ext": "", "archive-format": "bin",
    }[m.group(1)], template)
    prefix = f"{package['repository']}/releases/download/v{package['version']}/"
    if not url.startswith(prefix) or url[len(prefix):] != asset:
        problems.append(f"binstall {target}: {url}, install.sh: {asset}")
    if os_ == "linux":
        if not os.path.isfile(f"{dist}/{asset}"):
            problems.append(f"{target}: {asset} is not in dist/ (scripts/package)")
    else:
        if macos_targets.get(target) != asset:
            problems.append(f"{target}: release.yml builds {macos_targets.get(target)}, install.sh wants {asset}")
        if asset not in darwin_assets:
            problems.append(f"{target}: scripts/package does not sum {asset}")
    if f"{runner[os_]}) os={os_} ;;" not in action or f"{runner_arch[arch]}) arch={arch} ;;" not in action:
        problems.append(f"{target}: action/install.sh does not map {runner[os_]} {runner_arch[arch]} to --os {os_} --arch {arch}")
    print(f"platform {target} {asset}")
for problem in problems:
    print(f"problem {problem}")
PY
)" || names="problem the names check failed to run"
if grep -q '^problem ' <<<"$names"; then
  not_ok "every platform's asset name agrees across scripts/package, release.yml, install.sh, the Action and binstall" \
    "$(grep '^problem ' <<<"$names")"
else
  ok "every platform's asset name agrees across scripts/package, release.yml, install.sh, the Action and binstall ($(grep -c '^platform ' <<<"$names") targets rendered)"
fi

finish installer
