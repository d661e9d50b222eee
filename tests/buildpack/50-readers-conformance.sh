#!/usr/bin/env bash
# tests/buildpack/50-readers-conformance.sh DIST_DIR
#
# The key file readers' conformance table (tests/conformance/table.tsv),
# run against all four packages, each built into its artifact and installed
# into a clean project by tests/packages/<lang>/install.sh OUT_DIR, which
# leaves OUT_DIR/reader: `reader verify VAR` and `reader present VAR`
# through the installed package. The same key files drive all four: the
# good one written by the packaged binary (DIST_DIR/securekey-x86_64), the
# others edited from it or written by hand (ids from sha256sum) for what the
# binary never writes.
#
# Every reader must give every row's stdout and exit code, a one-line error
# when it exits 2, and no key material in anything it prints. Failures name
# the row and the reader, never a key or a reader's raw output.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/buildpack/lib.sh
source "$here/lib.sh"

dist="${1:?usage: $0 DIST_DIR}"
securekey="$dist/securekey-x86_64"
table="$root/tests/conformance/table.tsv"

# More test keys (not secrets): OTHER_SECURE_KEY's previous, the add-on's
# NEW key, and one no file holds.
KEY_D=F4A40E84E294BADF50DB46B69A6C87FB824E43C2A25746FBC3F2060B398C5A78
KEY_N=D41496141E6A4A62D4828B740575EB958D148B1C1CC9182D5E9898FEEA444407
KEY_U=9BC2F80B410785710CCAB6A0754DEDBDA5E26A8F6243C56B589A81B2D3366A02
TEST_KEYS+=("$KEY_D" "$KEY_N" "$KEY_U")

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
files="$work/files"
cwd="$work/cwd" # the readers run here: a key file under it is never found
mkdir -p "$files" "$cwd" "$work/home-none"
key_windows "$work/key-windows"

# flip TEXT: TEXT with its first char changed (0 <-> 1 otherwise), still hex.
flip() {
  if [[ "${1:0:1}" == 0 ]]; then printf '1%s' "${1:1}"; else printf '0%s' "${1:1}"; fi
}

# entry VAR LATEST [PREVIOUS]: one var's pair as securekey writes it; no
# PREVIOUS gives the add-on's NEW, ("previous": null).
entry() {
  local var="$1" latest="$2" previous="${3:-}"
  if [[ -n "$previous" ]]; then
    printf '"%s":{"latest":"%s","latest_id":"%s","previous":"%s","previous_id":"%s"}' \
      "$var" "$latest" "$(key_id "$latest")" "$previous" "$(key_id "$previous")"
  else
    printf '"%s":{"latest":"%s","latest_id":"%s","previous":null,"previous_id":null}' \
      "$var" "$latest" "$(key_id "$latest")"
  fi
}

# key_file ENTRY…: a key file holding these entries.
key_file() {
  local IFS=,
  printf '{"keys":{%s},"version":1}\n' "$*"
}

# edit NAME SED_SCRIPT: $files/NAME.json, the good file edited (an edit
# that changes nothing is a broken test, not a passing row).
edit() {
  sed -e "$2" "$files/good.json" >"$files/$1.json"
  if cmp -s "$files/good.json" "$files/$1.json"; then
    not_ok "the $1 file differs from the good one" "its sed script changed nothing"
  fi
}

# The files the table names (its file column), in $files/NAME.json.
make_files() {
  local id_a id_b good
  id_a="$(key_id "$KEY_A")"
  id_b="$(key_id "$KEY_B")"

  env -i SECURE_KEY="$KEY_A,$KEY_B" OTHER_SECURE_KEY="$KEY_C,$KEY_D" \
    "$securekey" write -q --output "$files/good.json"
  good="$(<"$files/good.json")"
  # The edits below assume the binary's layout; check it is the one
  # entry() builds, ids included.
  if [[ "$good" == "$(key_file "$(entry OTHER_SECURE_KEY "$KEY_C" "$KEY_D")" "$(entry SECURE_KEY "$KEY_A" "$KEY_B")")" ]]; then
    ok "the good key file is what securekey write writes"
  else
    not_ok "the good key file is what securekey write writes" "the binary's key file has another layout than entry() builds"
  fi

  # The add-on's NEW, at boot: written by hand, whatever the binary does.
  key_file "$(entry SECURE_KEY "$KEY_N")" >"$files/previous-null.json"
  sed -e "s/\"previous_id\":null/\"previous_id\":\"$id_a\"/" "$files/previous-null.json" >"$files/previous-null-with-id.json"
  edit previous-id-null "s/\"previous_id\":\"$id_b\"/\"previous_id\":null/"
  key_file "\"SECURE_KEY\":{\"latest\":\"$KEY_N\",\"latest_id\":\"$(key_id "$KEY_N")\"}" >"$files/previous-missing.json"
  key_file "\"SECURE_KEY\":{\"latest\":\"$KEY_N\",\"previous\":\"\",\"latest_id\":\"$(key_id "$KEY_N")\",\"previous_id\":\"$(key_id "")\"}" >"$files/previous-empty.json"

  edit tampered-latest-id "s/\"latest_id\":\"$id_a\"/\"latest_id\":\"$(flip "$id_a")\"/"
  edit tampered-previous-id "s/\"previous_id\":\"$id_b\"/\"previous_id\":\"$(flip "$id_b")\"/"
  edit tampered-latest-key "s/$KEY_A/$(flip "$KEY_A")/"
  edit tampered-previous-key "s/$KEY_B/$(flip "$KEY_B")/"
  edit tampered-other-var "s/\"latest_id\":\"$(key_id "$KEY_C")\"/\"latest_id\":\"$(flip "$(key_id "$KEY_C")")\"/"
  edit lowercase-key "s/$KEY_A/${KEY_A,,}/"
  key_file "$(entry SECURE_KEY "${KEY_A:0:63}" "$KEY_B")" >"$files/short-key.json"
  edit missing-latest-id "s/,\"latest_id\":\"$id_a\"//"
  head -c "$(($(wc -c <"$files/good.json") / 2))" "$files/good.json" >"$files/truncated.json"
  : >"$files/empty.json"
  printf 'SECURE_KEY=%s,%s\n' "$KEY_A" "$KEY_B" >"$files/not-json.json"
  edit version-2 's/"version":1/"version":2/'
  edit version-string 's/"version":1/"version":"1"/'
  edit version-float 's/"version":1/"version":1.0/'
  edit no-version 's/,"version":1//'
  printf '{"version":1,"keys":[]}\n' >"$files/keys-not-object.json"
  printf '{"version":1,"keys":{"SECURE_KEY":[]}}\n' >"$files/entry-not-object.json"
  edit extra-fields 's/^{/{"written_by":"hand",/; s/"previous_id":/"note":{"a":[1,2.5,null]},"previous_id":/g'

  edit json-comment 's|^{|{/* by hand */|'
  { printf '\xef\xbb\xbf' && cat "$files/good.json"; } >"$files/json-bom.json"
  edit json-nan 's/^{/{"x":NaN,/'
  edit json-big-number 's/^{/{"x":1e400,/'
  edit json-lone-surrogate 's/^{/{"x":"\\ud800",/'
  edit json-bad-escape 's/^{/{"x":"\\x",/'
  edit json-not-utf8 's/^{/{"x":"\xff",/'
  local open close
  open="$(printf '[%.0s' {1..126})"
  close="$(printf ']%.0s' {1..126})"
  edit json-deep "s/^{/{\"x\":$open$close,/"
  edit json-too-deep "s/^{/{\"x\":[$open$close],/"
  edit json-duplicate-version 's/^{/{"version":2,/'

  mkdir -p "$files/folder.json" "$work/cwd-good/.securekey" "$work/cwd-new/.securekey" "$work/home-good/.securekey"
  cp "$files/good.json" "$work/cwd-good/.securekey/keys.json"
  cp "$files/previous-null.json" "$work/cwd-new/.securekey/keys.json"
  cp "$files/good.json" "$work/home-good/.securekey/keys.json"

  # What the key file may be (a regular file of at most 1 MiB).
  ln -s "$files/good.json" "$files/symlink.json"
  mkfifo "$files/fifo.json"
  ln -s /dev/zero "$files/dev-zero.json"
  ln -s /dev/null "$files/dev-null.json"
  local cap=1048576 size
  size="$(wc -c <"$files/good.json")"
  # {"pad":"xxx…", + the good file's object after its "{": exactly the cap.
  { printf '{"pad":"' && head -c "$((cap - size - 9))" /dev/zero | tr '\0' x &&
    printf '",' && tail -c "+2" "$files/good.json"; } >"$files/at-cap.json"
  { head -c "$((cap + 1 - size))" /dev/zero | tr '\0' ' ' && cat "$files/good.json"; } >"$files/over-cap.json"
  { head -c "$((65 * 1024 * 1024))" /dev/zero | tr '\0' ' ' && cat "$files/good.json"; } >"$files/huge.json"
  for f in at-cap over-cap; do
    [[ "$(wc -c <"$files/$f.json")" -eq "$cap" || "$f" == over-cap ]] ||
      not_ok "the $f file is exactly the cap" "it is $(wc -c <"$files/$f.json") bytes"
  done
  [[ "$(wc -c <"$files/over-cap.json")" -eq "$((cap + 1))" ]] ||
    not_ok "the over-cap file is one byte over the cap" "it is $(wc -c <"$files/over-cap.json") bytes"
}

# row_env FILE: the reader's environment and working directory for a row
# (sets env_args and row_cwd): the key file at $SECUREKEY_FILE, or under
# the working directory for the rows about the default.
row_env() {
  env_args=(PATH=/usr/bin:/bin HOME="$work/home-none")
  row_cwd="$cwd"
  case "$1" in
    cwd) row_cwd="$work/cwd-good" ;;
    cwd-empty-var) row_cwd="$work/cwd-good" env_args+=(SECUREKEY_FILE=) ;;
    file-over-cwd) row_cwd="$work/cwd-new" env_args+=(SECUREKEY_FILE="$files/good.json") ;;
    home-only) env_args=(PATH=/usr/bin:/bin HOME="$work/home-good") ;;
    none) env_args+=(SECUREKEY_FILE="$files/none.json") ;;
    *)
      [[ -e "$files/$1.json" || -L "$files/$1.json" ]] || return 1
      env_args+=(SECUREKEY_FILE="$files/$1.json")
      ;;
  esac
}

# presented NAME: what the client presents, as bytes on stdout.
presented() {
  case "$1" in
    latest) printf '%s\n' "$KEY_A" ;;
    previous) printf '%s\n' "$KEY_B" ;;
    other-latest) printf '%s\n' "$KEY_C" ;;
    new-latest) printf '%s\n' "$KEY_N" ;;
    unknown) printf '%s\n' "$KEY_U" ;;
    latest-lowercase) printf '%s\n' "${KEY_A,,}" ;;
    latest-63) printf '%s\n' "${KEY_A:0:63}" ;;
    latest-65) printf '%s0\n' "$KEY_A" ;;
    empty-line) printf '\n' ;;
    nothing | -) ;;
    pair) printf '%s,%s\n' "$KEY_A" "$KEY_B" ;;
    latest-crlf) printf '%s\r\n' "$KEY_A" ;;
    latest-no-newline) printf '%s' "$KEY_A" ;;
    latest-cr) printf '%s\r' "$KEY_A" ;;
    latest-cr-crlf) printf '%s\r\r\n' "$KEY_A" ;;
    latest-trailing-space) printf '%s \n' "$KEY_A" ;;
    latest-leading-space) printf ' %s\n' "$KEY_A" ;;
    latest-two-lines) printf '%s\n%s\n' "$KEY_A" "$KEY_B" ;;
    null-text) printf 'null\n' ;;
    *) return 1 ;;
  esac
}

# The readers: each package built and installed by its own
# tests/packages/<lang>/install.sh, which leaves an executable `reader`.
readers=(python ruby node rust)
declare -A broken=()
for reader in "${readers[@]}"; do
  install="$root/tests/packages/$reader/install.sh"
  if [[ ! -f "$install" ]]; then
    broken[$reader]="no tests/packages/$reader/install.sh"
  elif ! bash "$install" "$work/pkg-$reader" >"$work/install-$reader.log" 2>&1 ||
    [[ ! -x "$work/pkg-$reader/reader" ]]; then
    broken[$reader]="the package did not build and install (tests/packages/$reader/install.sh)"
    show "$work/install-$reader.log"
  fi
done

# describe FILE LEAKED: a reader's stdout for a failure report: the words
# the table expects, or a placeholder (it may hold anything, a key included;
# when LEAKED is set, 8 hex chars may be a piece of a key, not an id).
describe() {
  local text
  text="$(tr '\n' ' ' <"$1")"
  text="${text% }"
  if [[ -z "$2" && "$text" =~ ^(latest|previous|refused|[0-9a-f]{8}( [0-9a-f]{8})?)?$ ]]; then
    printf '"%s"' "$text"
  else
    printf 'something else'
  fi
}

make_files

n=0
while IFS=$'\t' read -r row file command var stdin want_stdout want_exit; do
  [[ -z "$row" || "$row" == \#* ]] && continue
  n=$((n + 1))
  if ! row_env "$file" || ! presented "$stdin" >"$work/stdin" ||
    [[ "$command" != verify && "$command" != present ]] || [[ ! "$want_exit" =~ ^[012]$ ]]; then
    not_ok "$row" "the row is malformed (the table's file, command, stdin or exit column)"
    continue
  fi
  [[ "$var" == "<latest>" ]] && var="$KEY_A"
  want=""
  [[ "$want_stdout" == - ]] || want="${want_stdout// /$'\n'}"
  failures=()
  for reader in "${readers[@]}"; do
    if [[ -n "${broken[$reader]:-}" ]]; then
      t_failed=$((t_failed + 1))
      failures+=("$reader: ${broken[$reader]}")
      continue
    fi
    status=0
    # A reader that hangs (on a FIFO, say) fails its row instead of the suite.
    (cd "$row_cwd" && env -i "${env_args[@]}" timeout 20 "$work/pkg-$reader/reader" "$command" "$var") \
      <"$work/stdin" >"$work/stdout" 2>"$work/stderr" || status=$?
    problems=()
    leaked=""
    no_key_material "$work/key-windows" "$work/stdout" "$work/stderr" >/dev/null ||
      leaked=yes
    [[ "$status" == "$want_exit" ]] || problems+=("exit $status, expected $want_exit")
    [[ "$(<"$work/stdout")" == "$want" ]] ||
      problems+=("stdout $(describe "$work/stdout" "$leaked"), expected \"$want_stdout\"")
    # A verdict comes alone; a refused file gets exactly one line of why.
    lines="$(wc -l <"$work/stderr")"
    if [[ "$want_exit" == 2 && "$lines" -ne 1 ]]; then
      problems+=("stderr is $lines lines, expected one")
    elif [[ "$want_exit" != 2 && -s "$work/stderr" ]]; then
      problems+=("stderr is not empty")
    fi
    [[ -z "$leaked" ]] || problems+=("key material in its output")
    if [[ "${#problems[@]}" -eq 0 ]]; then
      t_passed=$((t_passed + 1))
    else
      t_failed=$((t_failed + 1))
      joined="$(printf '%s; ' "${problems[@]}")"
      failures+=("$reader: ${joined%; }")
    fi
  done
  if [[ "${#failures[@]}" -eq 0 ]]; then
    echo "ok - $row"
  else
    echo "not ok - $row"
    printf '#   %s\n' "${failures[@]}"
  fi
done <"$table"

[[ "$n" -gt 0 ]] || not_ok "the table has rows" "no rows in $table"
finish readers
