#!/usr/bin/env bash
# tests/packages/ruby/install.sh OUT_DIR: the Ruby gem for the conformance
# table (tests/buildpack/50-readers-conformance.sh): `gem build` of
# packages/ruby/securekey.gemspec into OUT_DIR, `gem install --local` of
# that .gem into a GEM_HOME of its own (OUT_DIR/gems), and OUT_DIR/reader,
# which runs the installed gem's securekey-reader with that GEM_HOME alone.
# Works under `env -i PATH=/usr/bin:/bin`; writes nothing into the source tree.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
out="${1:?usage: $0 OUT_DIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
gem_home="$out/gems"
version="$(sed -n 's/^  VERSION = "\([^"]*\)"$/\1/p' "$root/packages/ruby/lib/securekey.rb")"
gem_file="$out/securekey-$version.gem"

# gem writes its caches under HOME: keep them in OUT_DIR.
export HOME="$out/home" GEM_HOME="$gem_home" GEM_PATH="$gem_home"
unset GEM_SPEC_CACHE BUNDLE_GEMFILE RUBYOPT RUBYLIB
mkdir -p "$HOME"
rm -rf "$gem_home" "$gem_file"
(cd "$root/packages/ruby" && gem build securekey.gemspec --output "$gem_file")
gem install --local "$gem_file" --install-dir "$gem_home" --bindir "$gem_home/bin" \
  --no-document --ignore-dependencies

# The reader: the installed executable, with only this GEM_HOME to load from.
{
  echo '#!/usr/bin/env bash'
  echo "# The securekey gem's securekey-reader, installed from its .gem."
  printf 'export GEM_HOME=%q GEM_PATH=%q\n' "$gem_home" "$gem_home"
  echo 'unset RUBYOPT RUBYLIB BUNDLE_GEMFILE'
  printf 'exec %q "$@"\n' "$gem_home/bin/securekey-reader"
} >"$out/reader"
chmod +x "$out/reader"
