#!/usr/bin/env bash
# tests/buildpack/15-dokku-herokuish.sh DIST_DIR
#
# Plays the packaged classic buildpack (DIST_DIR/securekey-buildpack-<version>.tgz)
# through Dokku, which builds and runs apps with herokuish
# (github.com/gliderlabs/herokuish), step by step as their code does it:
#
# - build (herokuish `/build`, include/buildpack.bash): bin/detect,
#   bin/compile and bin/release run as the app's unprivileged user
#   (`unprivileged` = setuidgid), HOME=/app, in /tmp/build; the result is
#   moved into /app.
# - start as root (herokuish `/start web`, include/procfile.bash
#   procfile-exec; Dokku before 0.34, and the herokuish image run by hand):
#   HOME=/app, /app chowned to the app user unless HEROKUISH_DISABLE_CHOWN=true,
#   .profile.d/*.sh sourced AS ROOT under `set -eo pipefail`, then
#   `exec setuidgid USER $(eval echo CMD)`: the Procfile command runs as the
#   app user, expanded but without a shell. A key file written as root must
#   belong to the app user (docs/heroku.md, "The key file" "Owner").
# - start as the app user (Dokku 0.34+: the image has `USER herokuishuser`,
#   HEROKUISH_SETUIDGUID=false, HEROKUISH_DISABLE_CHOWN=true and the config
#   vars in .profile.d/01-app-env.sh; dokku
#   plugins/builder-herokuish/dockerfiles/builder-release.Dockerfile).
# - release task (Procfile `release:`, app.json scripts.dokku.predeploy): not
#   herokuish's procfile-exec but Dokku's own `bash -c 'set -e; … source
#   /app/.profile.d/*; CMD || exit 1'` as the image's user (dokku
#   plugins/app-json/functions.go, constructScript).
#
# Needs root (useradd, chown, setpriv from util-linux). The app user
# herokuishuser (uid and gid 32767 where free, as in herokuish's image) is
# created if missing and removed afterwards; `nobody` plays another user.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$here/lib.sh"

dist="${1:?usage: $0 DIST_DIR}"
dist="$(cd "$dist" && pwd)"
version="$(bp_package_version "$root")"
tarball="$dist/securekey-buildpack-$version.tgz"

if [[ "$(id -u)" -ne 0 ]] || ! command -v setpriv >/dev/null || ! command -v useradd >/dev/null; then
  bail dokku "runs as root with setpriv and useradd (herokuish starts apps as root)" \
    "run it as root, as CI does; scripts/setup installs util-linux and passwd"
fi

# ---------------------------------------------------------------- the users
app_user=herokuishuser
created_user=""
created_group=""
cleanup() {
  rm -rf "${work:-}"
  if [[ -n "$created_user" ]]; then userdel "$app_user" 2>/dev/null || true; fi
  if [[ -n "$created_group" ]] && getent group "$app_user" >/dev/null; then
    groupdel "$app_user" 2>/dev/null || true
  fi
}
trap cleanup EXIT

if ! getent group "$app_user" >/dev/null; then
  if getent group 32767 >/dev/null; then groupadd "$app_user"; else groupadd --gid 32767 "$app_user"; fi
  created_group=1
fi
if ! id -u "$app_user" >/dev/null 2>&1; then
  uid_opt=(--uid 32767)
  if getent passwd 32767 >/dev/null; then uid_opt=(); fi
  useradd "${uid_opt[@]}" --gid "$app_user" --no-create-home --home-dir /app \
    --shell /bin/bash "$app_user"
  created_user=1
fi
app_uid="$(id -u "$app_user")"
app_gid="$(id -g "$app_user")"
other_uid="$(id -u nobody)"
other_gid="$(id -g nobody)"

# The words that run a command as the app user, with the user's groups,
# the caller's env and no shell in between (what setuidgid does).
as_app=(setpriv --reuid="$app_uid" --regid="$app_gid" --init-groups)

# In /tmp (as herokuish's /tmp/build), not $TMPDIR, which may be private:
# everyone may walk to /app, as in a container, so only the key folder's own
# mode keeps another user out.
work="$(mktemp -d /tmp/securekey-dokku.XXXXXX)"
chmod 0755 "$work"
cd "$work"
out="$work/out" # every captured output, root's only
mkdir -m 0700 "$out"
key_windows "$work/key-windows"
base_path="/usr/local/bin:/usr/bin:/bin"

# owned_by PATH UID GID MODE: PATH has that owner, group and mode.
owned_by() {
  [[ "$(stat -c '%u:%g %a' "$1" 2>/dev/null)" == "$2:$3 $4" ]]
}

# owners PATH…: owner, group, mode and name of each, on one line.
owners() {
  stat -c '%u:%g %a %n' "$@" 2>&1 | paste -sd ';' -
}

# ---------------------------------------------------------------- buildpack
# herokuish installs a BUILDPACK_URL tarball in /tmp/buildpacks/custom and
# hands it to the app user.
bp="$work/buildpacks/custom"
mkdir -p "$bp"
if tar -xzf "$tarball" -C "$bp" && [[ -x "$bp/bin/compile" ]]; then
  chown -R "$app_uid:$app_gid" "$work/buildpacks"
  ok "the buildpack tarball unpacks where herokuish puts a custom buildpack"
else
  bail dokku "the buildpack tarball unpacks where herokuish puts a custom buildpack" "tarball: $tarball"
fi

# ---------------------------------------------------------------- the app
# Its processes are scripts: herokuish starts a Procfile command without a
# shell, so a command line with quotes, `&&` or pipes needs one.
build="$work/build" # /tmp/build
mkdir -p "$build/bin"
cat >"$build/Procfile" <<'PROCFILE'
release: bin/release-tasks
web: bin/web
PROCFILE
cat >"$build/bin/release-tasks" <<'SCRIPT'
#!/usr/bin/env bash
# Release phase: a broken key stops the release before the migration.
set -euo pipefail
securekey check
echo "release-tasks: migrated as $(id -un)"
SCRIPT
cat >"$build/bin/web" <<'SCRIPT'
#!/usr/bin/env bash
# The web process: reads the key file as the app's own user.
set -euo pipefail
echo "web: up on port $PORT as $(id -un); key file $SECUREKEY_FILE"
exec python3 -c '
import json, os, sys
try:
    with open(os.environ["SECUREKEY_FILE"], encoding="utf-8") as f:
        pair = json.load(f)["keys"]["SECURE_KEY"]
except FileNotFoundError:
    print("web: no key file")
    sys.exit(0)
except OSError as e:
    print("web: cannot read the key file:", e.strerror, file=sys.stderr)
    sys.exit(1)
print("web: read SECURE_KEY", pair["latest_id"], pair["previous_id"])
'
SCRIPT
chmod 0755 "$build/bin/release-tasks" "$build/bin/web"

# Config vars reach the build as ENV_DIR files (/tmp/env), the app user's.
envd="$work/env"
env_dir "$envd" "SECURE_KEY=$KEY_A,$KEY_B"
cache="$work/cache"
mkdir -p "$cache"
chown -R "$app_uid:$app_gid" "$build" "$envd" "$cache"

# -------------------------------------------------------------------- build
image="$work/image" # /app in the built image
mkdir -p "$image"
chown "$app_uid:$app_gid" "$image"
# build CMD…: a build step as the app user, as herokuish runs it.
build_step() {
  (cd "$build" && env -i PATH="$base_path" HOME="$image" STACK=heroku-24 USER="$app_user" \
    "${as_app[@]}" "$@")
}
status=0
{
  [[ "$(build_step "$bp/bin/detect" "$build" 2>"$out/detect.err")" == securekey ]] &&
    build_step "$bp/bin/compile" "$build" "$cache" "$envd" >"$out/compile.out" 2>"$out/compile.err" &&
    build_step "$bp/bin/release" "$build" "$cache" >"$build/.release" 2>"$out/release.err"
} || status=$?
if [[ "$status" -eq 0 ]] && grep -q '^       SECURE_KEY  *ok' "$out/compile.out"; then
  ok "build: detect, compile and release pass as the app user (HOME=/app)"
else
  not_ok "build: detect, compile and release pass as the app user (HOME=/app)" \
    "exit $status" "$(show "$out/compile.out")" "$(show "$out/compile.err")"
fi
# herokuish moves the build into /app (as root, dotfiles included).
(shopt -s dotglob && mv "$build"/* "$image"/)
if owned_by "$image/.heroku/securekey/bin/securekey" "$app_uid" "$app_gid" 755 &&
  owned_by "$image/.profile.d/securekey.sh" "$app_uid" "$app_gid" 644; then
  ok "build: the binary and the .profile.d script in /app belong to the app user"
else
  not_ok "build: the binary and the .profile.d script in /app belong to the app user" \
    "$(owners "$image/.heroku/securekey/bin/securekey" "$image/.profile.d/securekey.sh")"
fi
check "build: the slug holds no key material" no_key_material "$work/key-windows" "$image"

# --------------------------------------------------------------- containers
app="$work/app" # /app in a running container
key_dir="$app/.securekey"
key_file="$key_dir/keys.json"

# new_container: a container from the image (a fresh /app). A restart keeps
# the container's files: call start again without this.
new_container() {
  rm -rf "$app"
  cp -a "$image" "$app"
}

# herokuish's procfile-exec, played: $1 /app, $2 the app user's uid, $3 gid,
# $4 the Procfile command. Config vars come in the env. (/etc/profile.d is
# this machine's, not the image's: skipped. herokuish's chown follows
# symlinks; -h here, so the test never chowns outside /app.)
# shellcheck disable=SC2016 # expanded by the played herokuish
procfile_exec='set -eo pipefail
app_path="$1" uid="$2" gid="$3" cmd="$4"
export HOME="$app_path"
if [[ "${HEROKUISH_DISABLE_CHOWN:-}" != true ]]; then
  chown "$uid:$gid" "$app_path"
  find "$app_path" \( ! -uid "$uid" -o ! -gid "$gid" \) -print0 | xargs -0 -r chown -h "$uid:$gid"
fi
cd "$app_path"
shopt -s nullglob
for file in "$app_path"/.profile.d/*.sh; do
  source "$file"
done
shopt -u nullglob
if [[ "${HEROKUISH_SETUIDGUID:-}" == false ]]; then
  exec $(eval echo "$cmd")
fi
exec setpriv --reuid="$uid" --regid="$gid" --init-groups $(eval echo "$cmd")'

# start AS NAME CMD [VAR=VALUE…]: herokuish starts CMD (a Procfile command)
# in the current container, with the config vars VAR=VALUE. AS is root
# (herokuish's default: root sources .profile.d, the process drops to the
# app user) or app (Dokku 0.34+: all of it as the app user). Output in
# $out/NAME.out and NAME.err; returns the exit status.
start() {
  local who="$1" name="$2" cmd="$3"
  shift 3
  local -a runner=() settings=()
  if [[ "$who" == app ]]; then
    runner=("${as_app[@]}")
    settings=(HEROKUISH_SETUIDGUID=false HEROKUISH_DISABLE_CHOWN=true)
  fi
  env -i PATH="$base_path" USER="$app_user" PORT=5000 DYNO="$name.1" "${settings[@]}" "$@" \
    "${runner[@]}" bash -c "$procfile_exec" herokuish "$app" "$app_uid" "$app_gid" "$cmd" \
    >"$out/$name.out" 2>"$out/$name.err"
}

# Dokku's release task, played: bash -c with .profile.d sourced, then the
# command as a bash command line. $1 /app, $2 the command.
# shellcheck disable=SC2016 # expanded by the played task
release_task='set -e; set -o pipefail || true
if [[ -d "$1" ]]; then export HOME="$1"; cd "$HOME"; fi
if [[ -d "$1/.profile.d" ]]; then for file in "$1"/.profile.d/*; do source "$file"; done; fi
eval "$2 || exit 1"'

# task AS NAME CMD [VAR=VALUE…]: Dokku's release task in a fresh container,
# as root (before 0.34) or as the app user (0.34+).
task() {
  local who="$1" name="$2" cmd="$3"
  shift 3
  local -a runner=()
  if [[ "$who" == app ]]; then
    runner=("${as_app[@]}")
  fi
  new_container
  env -i PATH="$base_path" USER="$app_user" "$@" \
    "${runner[@]}" bash -c "$release_task" task "$app" "$cmd" >"$out/$name.out" 2>"$out/$name.err"
}

# reads NAME LATEST PREVIOUS: the web process NAME ran as the app user and
# read this pair's ids from its key file.
reads() {
  grep -qF "web: up on port 5000 as $app_user" "$out/$1.out" &&
    grep -qxF "web: read SECURE_KEY $(key_id "$2") $(key_id "$3")" "$out/$1.out"
}
# no_temp_files: nothing but keys.json (and what the test put there) in the
# key folder.
no_temp_files() {
  [[ -z "$(find "$key_dir" -name '.keys.json.tmp*' -print -quit)" ]]
}
# as_other CMD…: CMD as another unprivileged user.
as_other() {
  setpriv --reuid="$other_uid" --regid="$other_gid" --init-groups "$@"
}

web_cmd="$(sed -n 's/^web:[[:space:]]*//p' "$image/Procfile")"
good=("SECURE_KEY=$KEY_A,$KEY_B")

# ------------------------------------------------ herokuish /start as root
new_container
status=0
start root root-web "$web_cmd" "${good[@]}" || status=$?
if [[ "$status" -eq 0 ]] && reads root-web "$KEY_A" "$KEY_B"; then
  ok "root boot: the web process runs as the app user and reads its key file"
else
  not_ok "root boot: the web process runs as the app user and reads its key file" \
    "exit $status" "$(show "$out/root-web.out")" "$(show "$out/root-web.err")"
fi
if owned_by "$key_dir" "$app_uid" "$app_gid" 700 && owned_by "$key_file" "$app_uid" "$app_gid" 600 &&
  holds "$key_file" "$KEY_A" "$KEY_B"; then
  ok "root boot: the key folder (0700) and file (0600) belong to the app user"
else
  not_ok "root boot: the key folder (0700) and file (0600) belong to the app user" \
    "$(owners "$key_dir" "$key_file")" "app user: $app_uid:$app_gid"
fi
if as_other test -r "$app/Procfile" && ! as_other cat "$key_file" >/dev/null 2>&1 &&
  ! as_other ls "$key_dir" >/dev/null 2>&1; then
  ok "root boot: another user reads the app's files but not its key folder or file"
else
  not_ok "root boot: another user reads the app's files but not its key folder or file"
fi
check "root boot: no temp file is left in the key folder" no_temp_files

# A restart keeps the container's files; herokuish chowns /app to the app
# user first, then root writes the rotated pair.
status=0
start root root-restart "$web_cmd" "SECURE_KEY=$KEY_C,$KEY_A" || status=$?
if [[ "$status" -eq 0 ]] && reads root-restart "$KEY_C" "$KEY_A" &&
  owned_by "$key_file" "$app_uid" "$app_gid" 600 && no_temp_files; then
  ok "root restart: the rotated key file belongs to the app user, who reads it"
else
  not_ok "root restart: the rotated key file belongs to the app user, who reads it" \
    "exit $status" "$(owners "$key_dir" "$key_file")" "$(show "$out/root-restart.err")"
fi

# With HEROKUISH_DISABLE_CHOWN=true nothing hands files back: the app
# user's folder still holds a root-owned file from an earlier boot.
new_container
install -d -m 0700 -o "$app_uid" -g "$app_gid" "$key_dir"
install -m 0600 -o 0 -g 0 /dev/null "$key_file"
status=0
start root root-nochown "$web_cmd" "${good[@]}" HEROKUISH_DISABLE_CHOWN=true || status=$?
if [[ "$status" -eq 0 ]] && reads root-nochown "$KEY_A" "$KEY_B" &&
  owned_by "$key_file" "$app_uid" "$app_gid" 600 && owned_by "$key_dir" "$app_uid" "$app_gid" 700; then
  ok "root boot, HEROKUISH_DISABLE_CHOWN=true: a root-owned old key file is replaced by one the app user owns"
else
  not_ok "root boot, HEROKUISH_DISABLE_CHOWN=true: a root-owned old key file is replaced by one the app user owns" \
    "exit $status" "$(owners "$key_dir" "$key_file")" "$(show "$out/root-nochown.err")"
fi

# Nothing the writer did not create changes owner.
new_container
install -d -m 0700 -o "$app_uid" -g "$app_gid" "$key_dir"
install -m 0640 -o "$other_uid" -g "$other_gid" /dev/null "$key_dir/notes.txt"
status=0
start root root-foreign "$web_cmd" "${good[@]}" HEROKUISH_DISABLE_CHOWN=true || status=$?
if [[ -f "$key_file" ]] && owned_by "$key_dir/notes.txt" "$other_uid" "$other_gid" 640 &&
  owned_by "$key_dir" "$app_uid" "$app_gid" 700 && owned_by "$app" "$app_uid" "$app_gid" 755; then
  ok "root boot: another user's file in the key folder, the folder and HOME keep their owners"
else
  not_ok "root boot: another user's file in the key folder, the folder and HOME keep their owners" \
    "exit $status" "$(owners "$app" "$key_dir" "$key_dir/notes.txt")"
fi
new_container
install -d -m 0755 -o "$other_uid" -g "$other_gid" "$app/shared"
status=0
start root root-foreign-dir "$web_cmd" "${good[@]}" SECUREKEY_FILE="$app/shared/keys.json" \
  HEROKUISH_DISABLE_CHOWN=true || status=$?
if [[ -f "$app/shared/keys.json" ]] && owned_by "$app/shared" "$other_uid" "$other_gid" 755; then
  ok "root boot: a SECUREKEY_FILE folder that exists, of another owner, keeps its owner and mode"
else
  not_ok "root boot: a SECUREKEY_FILE folder that exists, of another owner, keeps its owner and mode" \
    "exit $status" "$(owners "$app/shared" "$app/shared/keys.json")"
fi

# A symlink at the key file path: refused, never followed (no write to its
# target, no chown of it), whether the target exists or not.
decoy="$work/decoy"
new_container
install -d -m 0700 -o "$app_uid" -g "$app_gid" "$key_dir"
printf 'decoy\n' >"$decoy"
chown "$other_uid:$other_gid" "$decoy"
chmod 0644 "$decoy"
ln -s "$decoy" "$key_file"
status=0
start root root-symlink "$web_cmd" "${good[@]}" HEROKUISH_DISABLE_CHOWN=true || status=$?
if [[ -L "$key_file" ]] && [[ "$(readlink "$key_file")" == "$decoy" ]] &&
  [[ "$(<"$decoy")" == decoy ]] && owned_by "$decoy" "$other_uid" "$other_gid" 644 &&
  grep -q 'symlink' "$out/root-symlink.err" && grep -q 'the dyno boots anyway' "$out/root-symlink.err" &&
  no_temp_files; then
  ok "root boot: a symlink at the key file path is refused and its target left alone"
else
  not_ok "root boot: a symlink at the key file path is refused and its target left alone" \
    "exit $status" "$(owners "$decoy")" "$(show "$out/root-symlink.err")"
fi
new_container
install -d -m 0700 -o "$app_uid" -g "$app_gid" "$key_dir"
ln -s "$work/made-by-follow" "$key_file"
status=0
start root root-dangling "$web_cmd" "${good[@]}" HEROKUISH_DISABLE_CHOWN=true || status=$?
if [[ -L "$key_file" && ! -e "$work/made-by-follow" ]] && grep -q 'symlink' "$out/root-dangling.err"; then
  ok "root boot: a dangling symlink at the key file path is refused, nothing created at its target"
else
  not_ok "root boot: a dangling symlink at the key file path is refused, nothing created at its target" \
    "exit $status" "$(show "$out/root-dangling.err")"
fi

# SECUREKEY_BOOT behaves as on Heroku.
new_container
status=0
start root root-broken "$web_cmd" "SECURE_KEY=$KEY_A" || status=$?
if [[ "$status" -eq 0 ]] && grep -qxF 'web: no key file' "$out/root-broken.out" && [[ ! -e "$key_file" ]] &&
  grep -q 'key-count' "$out/root-broken.err" && grep -q 'the dyno boots anyway' "$out/root-broken.err"; then
  ok "root boot: a broken key is logged and the process starts without a key file"
else
  not_ok "root boot: a broken key is logged and the process starts without a key file" \
    "exit $status" "$(show "$out/root-broken.out")" "$(show "$out/root-broken.err")"
fi

new_container
status=0
start root root-strict "$web_cmd" "SECURE_KEY=$KEY_A" SECUREKEY_BOOT=strict || status=$?
if [[ "$status" -ne 0 ]] && ! grep -q '^web: up' "$out/root-strict.out" && [[ ! -e "$key_file" ]] &&
  grep -q 'SECUREKEY_BOOT=strict stops the boot' "$out/root-strict.err"; then
  ok "root boot: SECUREKEY_BOOT=strict stops the boot on a broken key"
else
  not_ok "root boot: SECUREKEY_BOOT=strict stops the boot on a broken key" \
    "exit $status" "$(show "$out/root-strict.out")" "$(show "$out/root-strict.err")"
fi

new_container
status=0
start root root-strict-good "$web_cmd" "${good[@]}" SECUREKEY_BOOT=strict || status=$?
if grep -q '^web: up' "$out/root-strict-good.out" && holds "$key_file" "$KEY_A" "$KEY_B"; then
  ok "root boot: SECUREKEY_BOOT=strict starts the process with good keys"
else
  not_ok "root boot: SECUREKEY_BOOT=strict starts the process with good keys" \
    "exit $status" "$(show "$out/root-strict-good.err")"
fi

new_container
status=0
start root root-off "$web_cmd" "SECURE_KEY=$KEY_A" SECUREKEY_BOOT=off || status=$?
if [[ "$status" -eq 0 ]] && grep -qxF 'web: no key file' "$out/root-off.out" && [[ ! -e "$key_dir" ]] &&
  [[ ! -s "$out/root-off.err" ]]; then
  ok "root boot: SECUREKEY_BOOT=off skips the check and the key file"
else
  not_ok "root boot: SECUREKEY_BOOT=off skips the check and the key file" \
    "exit $status" "$(show "$out/root-off.err")"
fi

# ------------------------------------------- Dokku 0.34+: all as the app user
# Dokku writes the config vars into .profile.d/01-app-env.sh, sourced before
# securekey.sh.
# dokku_config VAR=VALUE…: that file in the current container.
dokku_config() {
  local kv env_file="$app/.profile.d/01-app-env.sh"
  : >"$env_file"
  for kv in "$@"; do
    printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}" >>"$env_file"
  done
  chown "$app_uid:$app_gid" "$env_file"
  chmod 0600 "$env_file"
}

new_container
dokku_config "${good[@]}"
status=0
start app user-web "$web_cmd" || status=$?
if [[ "$status" -eq 0 ]] && reads user-web "$KEY_A" "$KEY_B" &&
  owned_by "$key_dir" "$app_uid" "$app_gid" 700 && owned_by "$key_file" "$app_uid" "$app_gid" 600; then
  ok "app-user boot (Dokku 0.34+): config from .profile.d/01-app-env.sh, the app writes and reads its own key file"
else
  not_ok "app-user boot (Dokku 0.34+): config from .profile.d/01-app-env.sh, the app writes and reads its own key file" \
    "exit $status" "$(show "$out/user-web.out")" "$(show "$out/user-web.err")"
fi

new_container
dokku_config "SECURE_KEY=$KEY_A" SECUREKEY_BOOT=strict
status=0
start app user-strict "$web_cmd" || status=$?
if [[ "$status" -ne 0 ]] && ! grep -q '^web: up' "$out/user-strict.out" &&
  grep -q 'SECUREKEY_BOOT=strict stops the boot' "$out/user-strict.err"; then
  ok "app-user boot (Dokku 0.34+): SECUREKEY_BOOT=strict stops the boot on a broken key"
else
  not_ok "app-user boot (Dokku 0.34+): SECUREKEY_BOOT=strict stops the boot on a broken key" \
    "exit $status" "$(show "$out/user-strict.err")"
fi

# ------------------------------------------------------------ release phase
release_cmd="$(sed -n 's/^release:[[:space:]]*//p' "$image/Procfile")"
for who in root app; do
  status=0
  task "$who" "task-$who" "$release_cmd" "${good[@]}" || status=$?
  if [[ "$status" -eq 0 ]] && grep -q 'SECURE_KEY  *ok' "$out/task-$who.out" &&
    grep -q '^release-tasks: migrated' "$out/task-$who.out"; then
    ok "Dokku release task as $who: \`release: bin/release-tasks\` checks, then migrates"
  else
    not_ok "Dokku release task as $who: \`release: bin/release-tasks\` checks, then migrates" \
      "exit $status" "$(show "$out/task-$who.out")" "$(show "$out/task-$who.err")"
  fi
done

status=0
task root task-broken "$release_cmd" "SECURE_KEY=$KEY_A" || status=$?
if [[ "$status" -eq 1 ]] && grep -q 'key-count' "$out/task-broken.out" &&
  ! grep -q 'migrated' "$out/task-broken.out"; then
  ok "Dokku release task: a broken key fails the release before the migration"
else
  not_ok "Dokku release task: a broken key fails the release before the migration" \
    "exit $status" "$(show "$out/task-broken.out")"
fi

# Dokku's task is a bash command line, so a chain works there (not in a
# process that herokuish starts).
status=0
task root task-chain 'securekey check && echo "chain: migrated"' "SECURE_KEY=$KEY_A,${KEY_B:0:40}" || status=$?
if [[ "$status" -eq 1 ]] && grep -q 'length' "$out/task-chain.out" && ! grep -q 'migrated' "$out/task-chain.out"; then
  ok "Dokku release task: \`release: securekey check && …\` stops the chain on a broken key"
else
  not_ok "Dokku release task: \`release: securekey check && …\` stops the chain on a broken key" \
    "exit $status" "$(show "$out/task-chain.out")"
fi

# herokuish's own `/start release` (procfile-exec, no shell), as root.
new_container
status=0
start root start-release-check 'securekey check' "${good[@]}" || status=$?
status_broken=0
new_container
start root start-release-broken 'securekey check' "SECURE_KEY=$KEY_A," || status_broken=$?
if [[ "$status" -eq 0 ]] && grep -q 'SECURE_KEY  *ok' "$out/start-release-check.out" &&
  [[ "$status_broken" -eq 1 ]] && grep -q 'previous-empty' "$out/start-release-broken.out"; then
  ok "herokuish /start release: \`release: securekey check\` runs without a shell, passes and fails"
else
  not_ok "herokuish /start release: \`release: securekey check\` runs without a shell, passes and fails" \
    "exit $status / $status_broken" "$(show "$out/start-release-check.err")" "$(show "$out/start-release-broken.out")"
fi

new_container
status=0
start root start-release-tasks "$release_cmd" "${good[@]}" || status=$?
if [[ "$status" -eq 0 ]] && grep -qxF "release-tasks: migrated as $app_user" "$out/start-release-tasks.out"; then
  ok "herokuish /start release: \`release: bin/release-tasks\` runs as the app user"
else
  not_ok "herokuish /start release: \`release: bin/release-tasks\` runs as the app user" \
    "exit $status" "$(show "$out/start-release-tasks.out")" "$(show "$out/start-release-tasks.err")"
fi

# ------------------------------------------------------------- no leaks
check "build logs, boots and release output hold no key material" \
  no_key_material "$work/key-windows" "$out"

finish dokku
