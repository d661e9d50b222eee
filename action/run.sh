#!/usr/bin/env bash
# The GitHub Action's run step (action.yml): `securekey ARGS` three times,
# once per document, because the binary prints one document per run:
#   1. in the log, the format ARGS asks for (default github: each finding an
#      annotation); its exit code is the step's, and `ok` is whether it was 0;
#   2. --format markdown, appended to $GITHUB_STEP_SUMMARY (the table is the
#      binary's, not this script's);
#   3. --format json, saved as $RUNNER_TEMP/securekey-report.json, whose path
#      is the `report` output.
# For saved configs the three runs read the same files; a live read (--app,
# status) reads the API three times, each run on its own (docs/github-actions.md).
#
# INPUT_ARGS: the arguments, split at whitespace with globs expanded as a
# shell would (`lint saved/*.json`); or one argument per line when an
# argument holds a space. HEROKU_API_KEY reaches the binary from the
# workflow's env; this script never prints it, nor any other env value.
set -euo pipefail

input="${INPUT_ARGS:-lint --format github}"
args=()
if [[ "$input" == *$'\n'* ]]; then
  while IFS= read -r line; do
    [[ -z "$line" ]] || args+=("$line")
  done <<<"$input"
else
  read -r -a words <<<"$input"
  for word in "${words[@]}"; do
    if [[ "$word" == *[*?[]* ]] && compgen -G "$word" >/dev/null; then
      while IFS= read -r match; do args+=("$match"); done < <(compgen -G "$word")
    else
      args+=("$word")
    fi
  done
fi

# Take out --format, remembered for the log; the other runs choose their own.
format=github
rest=()
i=0
while [[ "$i" -lt "${#args[@]}" ]]; do
  a="${args[$i]}"
  case "$a" in
    --format) format="${args[$((i + 1))]:-}" && i=$((i + 1)) ;;
    --format=*) format="${a#--format=}" ;;
    *) rest+=("$a") ;;
  esac
  i=$((i + 1))
done

report="${RUNNER_TEMP:?RUNNER_TEMP is unset}/securekey-report.json"
status=0
securekey "${rest[@]}" --format "$format" || status=$?
# The summary and the report: their exit codes are the first run's too.
securekey "${rest[@]}" --format markdown >>"${GITHUB_STEP_SUMMARY:?GITHUB_STEP_SUMMARY is unset}" 2>/dev/null || true
securekey "${rest[@]}" --format json >"$report" 2>/dev/null || true

if [[ "$status" -eq 0 ]]; then ok=true; else ok=false; fi
{
  echo "ok=$ok"
  echo "report=$report"
} >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is unset}"
exit "$status"
