#!/usr/bin/env bash
# The GitHub Action's install step (action.yml): the released securekey
# binary for this runner, checked against the release's SHA256SUMS by the
# repository's install.sh (the one copy of the download and check), kept in
# the runner's tool cache ($RUNNER_TOOL_CACHE/securekey/VERSION/ARCH/, with
# the toolkit's `.complete` marker beside it, so a second run on the same
# runner downloads nothing), and put on PATH through $GITHUB_PATH.
#
# Inputs (from action.yml's env): INPUT_VERSION (empty: the version in
# Cargo.toml of the ref the action is used at), INPUT_DOWNLOAD_URL (empty:
# the project's releases).
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:?not run by a GitHub runner (GITHUB_ACTION_PATH is unset)}"

# The runner's platform, as install.sh names it.
case "${RUNNER_OS:-}" in
  Linux) os=linux ;;
  macOS) os=darwin ;;
  *) os="" ;;
esac
case "${RUNNER_ARCH:-}" in
  X64) arch=x86_64 ;;
  ARM64) arch=aarch64 ;;
  *) arch="" ;;
esac
if [[ -z "$os" || -z "$arch" ]]; then
  echo "::error title=securekey::no securekey release binary for a ${RUNNER_OS:-unknown} ${RUNNER_ARCH:-unknown} runner: releases ship Linux and macOS, X64 and ARM64 (Windows is not supported); use runs-on: ubuntu-latest or macos-latest"
  exit 1
fi

version="${INPUT_VERSION:-}"
if [[ -z "$version" ]]; then
  # [package]'s version in the action's own Cargo.toml: the ref it is used at.
  version="$(awk '/^\[/ { in_package = ($0 == "[package]") }
    in_package && /^version *=/ { gsub(/^version *= *"|".*$/, ""); print; exit }' \
    "$action_path/Cargo.toml")"
fi
version="${version#v}"
if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]]; then
  echo "::error title=securekey::the version input is not a release version (e.g. 0.1.0)"
  exit 1
fi

dir="${RUNNER_TOOL_CACHE:?RUNNER_TOOL_CACHE is unset}/securekey/$version/$(tr '[:upper:]' '[:lower:]' <<<"$RUNNER_ARCH")"
if [[ -f "$dir.complete" && -x "$dir/securekey" ]]; then
  echo "securekey $version: from the tool cache ($dir)"
else
  rm -f -- "$dir.complete"
  options=(--to "$dir" --version "$version" --os "$os" --arch "$arch")
  if [[ -n "${INPUT_DOWNLOAD_URL:-}" ]]; then
    options+=(--download-url "$INPUT_DOWNLOAD_URL")
  fi
  # (On PATH for install.sh's own check: $GITHUB_PATH puts it there next.)
  if ! PATH="$dir:$PATH" bash "$action_path/install.sh" "${options[@]}"; then
    echo "::error title=securekey::installing securekey $version failed (the reason is in the log above); nothing was installed"
    exit 1
  fi
  : >"$dir.complete"
fi

echo "$dir" >>"${GITHUB_PATH:?GITHUB_PATH is unset}"
echo "path=$dir/securekey" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is unset}"
