# shellcheck shell=bash
# .profile.d/securekey.sh, installed into the slug by the securekey buildpack.
#
# Every dyno (web, worker, release, one-off) starts as `bash --login -c CMD`
# with HOME=/app, and sources $HOME/.profile.d/*.sh after the config vars are
# set. This is the one place that sees the SecureKey add-on's rotations: they
# skip release phase, and a file written by the release dyno is never seen by
# other dynos. So every boot checks the keys again and writes the key file.
#
# It is *sourced* into the dyno's shell, so it does not `set -euo pipefail`:
# those options would stay on in the shell that runs the app's command. For
# the same reason it defines no functions or variables of its own, forks
# nothing but the binary (run once), and uses only $HOME-relative paths:
# the slug is built in one directory and runs from /app. Every expansion
# holds under a caller's `set -u` too.
#
# What a failure does is decided by `securekey boot`, the same code as the
# CNB's exec.d (SECUREKEY_BOOT: strict stops the boot, off skips it, else a
# failure is logged and the dyno boots). Its exit code is 0 unless the boot
# must stop; then this script runs `exit` with it, which ends the dyno's
# shell before the app starts (Heroku shows a crash and restarts it).
#
# HOME unset or empty (never on Heroku or Dokku, whose dynos have
# HOME=/app; a hand-made runner may forget it): the binary's place is not
# known, so nothing is exported or written; one error line says so and the
# dyno boots without a key file. The same when the binary is missing from
# the slug. Under SECUREKEY_BOOT=strict either one stops the boot instead:
# the binary that holds the policy cannot run, and strict must not pass.
#
# SECUREKEY_FILE: where the key file goes, exported for the app. The path
# rule (SECUREKEY_FILE, else $HOME/.securekey/keys.json) is the binary's:
# `boot --print-file` prints the path it used, whatever the boot did. The
# one policy this script keeps is for when there is no binary to ask: strict
# must not pass.

if [[ -n "${HOME:-}" && -x "$HOME/.heroku/securekey/bin/securekey" ]]; then
  export PATH="$HOME/.heroku/securekey/bin${PATH:+:$PATH}"
  SECUREKEY_FILE="$("$HOME/.heroku/securekey/bin/securekey" boot --print-file)" || exit
  export SECUREKEY_FILE
elif [[ "${SECUREKEY_BOOT:-}" == "strict" ]]; then
  echo "securekey: error: no securekey binary in \$HOME/.heroku/securekey/bin (is HOME set?); SECUREKEY_BOOT=strict stops the boot" >&2
  exit 1
elif [[ "${SECUREKEY_BOOT:-}" != "off" ]]; then
  echo "securekey: error: no securekey binary in \$HOME/.heroku/securekey/bin (is HOME set?); the dyno boots anyway, without a key file (SECUREKEY_BOOT=strict stops the boot instead)" >&2
fi
