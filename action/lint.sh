#!/usr/bin/env bash
# Runs `testguard lint` as the action's inputs say: annotations on stdout
# (`--format github`), the SARIF report in the same run, and the step's
# outcome by `fail-level`.
set -uo pipefail
read -r -a paths <<< "$(printf '%s' "${INPUT_PATHS:-.}" | tr '\n' ' ')"
[ ${#paths[@]} -eq 0 ] && paths=(.)
args=(lint --format github)
case "${INPUT_FAIL_LEVEL:-error}" in
  error | none) ;;
  warning) args+=(--strict) ;;
  *)
    echo "::error title=testguard::fail-level must be error, warning or none, not \`${INPUT_FAIL_LEVEL}\`"
    exit 2
    ;;
esac
if [ -n "${INPUT_CONFIG:-}" ]; then
  args+=(--config "$INPUT_CONFIG")
fi
if [ -n "${INPUT_SARIF:-}" ]; then
  args+=(--output-file "$INPUT_SARIF" --output-file-format sarif)
fi
testguard "${args[@]}" "${paths[@]}"
status=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  if [ -n "${INPUT_SARIF:-}" ] && [ -f "$INPUT_SARIF" ]; then
    echo "sarif=$INPUT_SARIF" >> "$GITHUB_OUTPUT"
  else
    echo "sarif=" >> "$GITHUB_OUTPUT"
  fi
fi
# 2 is testguard failing to run (a bad input, a bad config): always a failure
if [ "$status" -eq 1 ] && [ "${INPUT_FAIL_LEVEL:-error}" = none ]; then
  exit 0
fi
exit "$status"
