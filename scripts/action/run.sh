#!/usr/bin/env bash
# The action's lint step. Inputs arrive as INPUT_* environment variables (never interpolated into
# this script). Writes the `findings` and `sarif` outputs, then runs keylint once more for the
# annotations and the job summary, and exits with keylint's status.
set -euo pipefail
set -f # inputs are split on spaces, never globbed
bin="${RUNNER_TEMP:?RUNNER_TEMP is not set}/keylint/bin/keylint"
read -r -a paths <<< "${INPUT_PATHS:-.}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
extra=()
[ -z "${INPUT_ARGS:-}" ] || read -r -a extra <<< "$INPUT_ARGS"
fail_on="${INPUT_FAIL_ON:-warning}"
case "$fail_on" in error | warning | info | never) ;; *)
  echo "::error title=keylint::fail-on must be error, warning, info or never, not '$fail_on'"
  exit 2
  ;;
esac
out="${GITHUB_OUTPUT:-/dev/null}"

# 1. count (and the SARIF report), whatever the outcome
report="$RUNNER_TEMP/keylint-report.json"
"$bin" lint "${paths[@]}" "${extra[@]}" --format json --fail-on never --color never > "$report"
count="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["findings"])' "$report")"
echo "findings=$count" >> "$out"
if [ -n "${INPUT_SARIF:-}" ]; then
  "$bin" lint "${paths[@]}" "${extra[@]}" --format sarif --fail-on never --color never > "$INPUT_SARIF"
  echo "sarif=$INPUT_SARIF" >> "$out"
fi

# 2. annotations + job summary (github format), or the plain human view
format=human
[ "${INPUT_ANNOTATIONS:-true}" = "true" ] && format=github
if [ "${INPUT_SUMMARY:-true}" != "true" ]; then
  unset GITHUB_STEP_SUMMARY
elif [ "$format" = human ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  # no annotations wanted, but the summary is: write it from a quiet github-format run
  "$bin" lint "${paths[@]}" "${extra[@]}" --format github --fail-on never > /dev/null
fi
status=0
"$bin" lint "${paths[@]}" "${extra[@]}" --format "$format" --fail-on "$fail_on" --color always || status=$?
exit "$status"
