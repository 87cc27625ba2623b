#!/usr/bin/env bash
# The run step of the GitHub Action (action.yml), kept here so it can be tested outside GitHub:
# runs authconform with the action's inputs (from the environment, never spliced into the
# script), writes the SARIF, JUnit and Markdown reports, appends the Markdown to the job summary
# and records the exit status as the step output `exit-code`. It exits 0 itself: the action's
# last step applies the gate, after the SARIF upload.
# Inputs: AUTHCONFORM (the binary), INPUT_TARGET, INPUT_SUITES (space-separated paths),
# INPUT_FAIL_ON, INPUT_SARIF, INPUT_JUNIT, INPUT_ARGS (more flags, space-separated);
# GITHUB_STEP_SUMMARY and GITHUB_OUTPUT as GitHub sets them.
set -uo pipefail
bin=${AUTHCONFORM:-authconform}
args=(run)
# shellcheck disable=SC2206 # word-splitting the path list is the input's documented format
[ -n "${INPUT_SUITES:-}" ] && args+=(${INPUT_SUITES})
[ -n "${INPUT_TARGET:-}" ] && args+=(--target "$INPUT_TARGET")
args+=(--fail-on "${INPUT_FAIL_ON:-must}")
summary=$(mktemp)
args+=(-f markdown -o "$summary")
[ -n "${INPUT_SARIF:-}" ] && args+=(-f sarif -o "$INPUT_SARIF")
[ -n "${INPUT_JUNIT:-}" ] && args+=(-f junit -o "$INPUT_JUNIT")
# shellcheck disable=SC2206
[ -n "${INPUT_ARGS:-}" ] && args+=(${INPUT_ARGS})
"$bin" "${args[@]}"
status=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$summary" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
rm -f "$summary"
[ -n "${GITHUB_OUTPUT:-}" ] && echo "exit-code=$status" >> "$GITHUB_OUTPUT"
echo "authconform exited $status"
exit 0
