#!/usr/bin/env bash
# tests/packages/ruby/setup.sh: installs from Debian what the Ruby package's
# tests need (Ruby and RubyGems, Rails 6.1, Rack, WEBrick, Zeitwerk, curl);
# runs `apt-get update` only when something is missing. Idempotent.
set -euo pipefail

packages=(ruby ruby-rails ruby-rack ruby-webrick ruby-zeitwerk curl)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [[ "${#missing[@]}" -gt 0 ]]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
fi
