#!/usr/bin/env bash
# tests/packages/ruby/setup.sh: installs from Debian what the Ruby package's
# tests need (Ruby, RubyGems and Bundler, Rails 6.1, Rack, WEBrick, puma, Faraday 1.1, Zeitwerk, git, curl),
# and nothing when it is all there (`apt-get update` only then too).
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib.sh"

missing=()
for package in ruby ruby-bundler ruby-rails ruby-rack ruby-webrick ruby-zeitwerk puma ruby-faraday git curl; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
debian_install "${missing[@]}"
