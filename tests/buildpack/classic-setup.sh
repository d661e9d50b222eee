# shellcheck shell=bash
# shellcheck disable=SC2154 # work, out and tarball are set by the suite
# The classic suites' shared setup (10-classic-lifecycle.sh,
# 11-classic-from-source.sh): a cleared build environment, `compile`, and
# the packaged buildpack unpacked into $work/buildpack ($bp). Sourced after
# lib.sh, with $work, $out and $tarball set.

# A build or dyno environment: nothing from ours but a plain PATH (no cargo)
# and the HOME Heroku would set.
base_path="/usr/local/bin:/usr/bin:/bin"

# compile NAME BUILDPACK BUILD_DIR CACHE_DIR ENV_DIR [VAR=VALUE…]: runs
# bin/compile in a cleared environment (plus VAR=VALUE), output to
# $out/NAME.out and NAME.err; returns its exit status.
compile() {
  local name="$1" bp="$2" build="$3" cache="$4" envd="$5"
  shift 5
  env -i PATH="$base_path" HOME="$work/build-home" STACK=heroku-24 "$@" \
    "$bp/bin/compile" "$build" "$cache" "$envd" >"$out/$name.out" 2>"$out/$name.err"
}

# ---------------------------------------------------------------- buildpack
bp="$work/buildpack"
mkdir -p "$bp" "$work/build-home"
if tar -xzf "$tarball" -C "$bp" &&
  [[ -x "$bp/bin/detect" && -x "$bp/bin/compile" && -x "$bp/bin/release" ]] &&
  [[ -x "$bp/buildpack/vendor/x86_64/securekey" && -x "$bp/buildpack/vendor/aarch64/securekey" ]]; then
  ok "the tarball unpacks to bin/detect, bin/compile, bin/release and both vendored binaries"
else
  bail classic "the tarball unpacks to bin/detect, bin/compile, bin/release and both vendored binaries" \
    "tarball: $tarball"
fi
