#!/usr/bin/env bash
# Sourced by scripts/setup and scripts/bench.

# debian_install PKG…: installs the Debian packages (none: nothing) as root;
# run by anyone else, says what to run as root and exits 2.
debian_install() {
  [[ "$#" -gt 0 ]] || return 0
  if [[ "$(id -u)" -ne 0 ]]; then
    echo " !     missing Debian packages: $*; install them as root:" >&2
    echo " !     apt-get update && apt-get install -y $*" >&2
    exit 2
  fi
  echo "-----> installing $*" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
