#!/usr/bin/env bash
# The reference for scripts/bench: `securekey check` on the process env,
# written in bash as a buildpack author might (the per-value checks of
# docs/checks.md, key ids by sha256sum). It is here to be timed against the binary, not
# used: it knows no dotenv, JSON or ENV_DIR, and prints no fixes.
#
#   benches/check.sh [NAME…]     exit 0 ok, 1 errors
set -euo pipefail

if [[ "$#" -gt 0 ]]; then
  required=("$@")
else
  required=("${SECUREKEY_REQUIRE:-SECURE_KEY}")
fi

declare -A is_required=()
names=()
for name in "${required[@]}"; do
  is_required[$name]=1
  names+=("$name")
done
# Discovered: key-shaped names, and values shaped like a current pair.
while IFS= read -r name; do
  [[ -n "${is_required[$name]:-}" ]] && continue
  case "$name" in
    SECURE_KEY | ?*_SECURE_KEY | SECUREKEY_?*_KEY) names+=("$name") ;;
    *) [[ "${!name}" =~ ^[0-9A-F]{64},[0-9A-F]{64}$ ]] && names+=("$name") ;;
  esac
done < <(compgen -e)

errors=0
warnings=0
declare -A pair_owner=()

finding() { # severity check var message
  if [[ "$1" == error ]]; then errors=$((errors + 1)); else warnings=$((warnings + 1)); fi
  printf '  %s[%s] %s: %s\n' "$1" "$2" "$3" "$4"
}

trim() {
  local s="$1"
  s="${s#"${s%%[![:space:]]*}"}"
  printf '%s' "${s%"${s##*[![:space:]]}"}"
}

id_of() {
  local digest
  digest="$(printf '%s' "$1" | sha256sum)"
  printf '%s' "${digest:0:8}"
}

# check_key VAR SLOT RAW: sets key_id to the key's id, or to "" when the
# key is unusable. (No subshell: the finding counts must survive.)
check_key() {
  key_id=""
  local var="$1" slot="$2" raw="$3" key bad
  key="$(trim "$raw")"
  if [[ -z "$key" ]]; then
    if [[ "$slot" == latest ]]; then
      finding error empty "$var" "the latest key is empty"
    else
      finding error previous-empty "$var" "no previous key (LATEST,): grace is impossible"
    fi
    return 1
  fi
  [[ "$key" != "$raw" ]] && finding warning whitespace "$var" "whitespace around the $slot key"
  if [[ "$key" =~ ^[0-9a-z]{40,60}$ && "$key" =~ [g-z] ]]; then
    finding error legacy-base36 "$var" "the $slot key is a pre-2013 base36 key"
    return 1
  fi
  if [[ "$key" =~ [^0-9A-Fa-f] ]]; then
    bad="${key%%[^0-9A-Fa-f]*}"
    finding error not-hex "$var" "the $slot key has a non-hex char at position $((${#bad} + 1)) of ${#key}"
    return 1
  fi
  if [[ "${#key}" -ne 64 ]]; then
    finding error length "$var" "the $slot key is ${#key} hex chars, not 64"
    return 1
  fi
  [[ "$key" =~ [a-f] ]] && finding warning case "$var" "the $slot key is not uppercase"
  key_id="$(id_of "${key^^}")"
}

checked=0
for var in "${names[@]}"; do
  checked=$((checked + 1))
  if [[ -z "${!var+set}" ]]; then
    finding error missing "$var" "$var is required but not set"
    continue
  fi
  value="${!var}"
  inner="$(trim "$value")"
  if [[ -z "$inner" ]]; then
    finding error empty "$var" "$var is empty"
    continue
  fi
  [[ "$inner" != "$value" ]] && finding warning whitespace "$var" "whitespace around the value"
  if [[ "$inner" =~ ^\"(.*)\"$ || "$inner" =~ ^\'(.*)\'$ ]]; then
    finding error quoted "$var" "the value is wrapped in quotes"
    inner="${BASH_REMATCH[1]}"
  fi
  commas="${inner//[^,]/}"
  if [[ "${#commas}" -ne 1 ]]; then
    finding error key-count "$var" "$((${#commas} + 1)) keys, not 2 (LATEST,PREVIOUS)"
    continue
  fi
  check_key "$var" latest "${inner%%,*}" || true
  latest_id="$key_id"
  check_key "$var" previous "${inner#*,}" || true
  previous_id="$key_id"
  if [[ -n "$latest_id" && -n "$previous_id" ]]; then
    upper="${inner^^}"
    if [[ "$(trim "${upper%%,*}")" == "$(trim "${upper#*,}")" ]]; then
      finding warning same-keys "$var" "latest equals previous"
    fi
    if [[ -n "${pair_owner[$latest_id,$previous_id]:-}" ]]; then
      finding warning duplicate-pair "$var" "holds the same pair as ${pair_owner[$latest_id,$previous_id]}"
    else
      pair_owner[$latest_id,$previous_id]="$var"
    fi
  fi
  printf '%-24s latest %-8s  previous %-8s\n' "$var" "${latest_id:---------}" "${previous_id:---------}"
done
printf '%d vars checked: %d errors, %d warnings\n' "$checked" "$errors" "$warnings"
[[ "$errors" -eq 0 ]]
