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
# the slug is built in one directory and runs from /app.
#
# Settings (config vars):
#   SECUREKEY_BOOT=strict  a failed check stops the boot: this script runs
#                          `exit 1`, which ends the dyno's shell before the
#                          app starts (Heroku shows a crash and restarts it).
#   SECUREKEY_BOOT=off     skip: no check, no key file.
#   (unset)                a failed check is logged, the app starts without
#                          a key file (or, for the add-on's `NEW,`, with the
#                          latest key alone).
#   SECUREKEY_FILE         where the key file goes (default
#                          $HOME/.securekey/keys.json); exported for the app.

export PATH="$HOME/.heroku/securekey/bin:$PATH"
export SECUREKEY_FILE="${SECUREKEY_FILE:-$HOME/.securekey/keys.json}"

case "${SECUREKEY_BOOT:-}" in
  "" | strict | off) ;;
  *) echo "securekey: warning: SECUREKEY_BOOT is neither strict nor off; a broken key is logged and the dyno boots" >&2 ;;
esac

if [[ "${SECUREKEY_BOOT:-}" != "off" ]]; then
  # -q: nothing on success; each problem on one line on stderr, keys named
  # by their ids only, and what was written (on any problem nothing, but
  # for the add-on's `NEW,`, whose latest key is written alone).
  if ! "$HOME/.heroku/securekey/bin/securekey" write -q; then
    if [[ "${SECUREKEY_BOOT:-}" == "strict" ]]; then
      echo "securekey: the SecureKey check failed (above); SECUREKEY_BOOT=strict stops the boot" >&2
      exit 1
    fi
    echo "securekey: the SecureKey check failed (above); the dyno boots anyway (SECUREKEY_BOOT=strict stops the boot instead)" >&2
  fi
fi
