#!/usr/bin/env bash
# The step of action.yml that runs safefix (a file, so that tests run it as the action does).
# In: SAFEFIX_PATHS, SAFEFIX_MODE (fix | diff | check), SAFEFIX_ARGS, SAFEFIX_SARIF, and the
# runner's RUNNER_TEMP and GITHUB_OUTPUT. Out: exit-code and body in GITHUB_OUTPUT.
set -u
# split as a shell would (quotes kept together: --verify-cmd "pytest -x -q"), never evaluated
words() { python -c 'import os, shlex, sys; print("\n".join(shlex.split(os.environ[sys.argv[1]])))' "$1"; }
mapfile -t paths < <(SAFEFIX_PATHS="${SAFEFIX_PATHS:-.}" words SAFEFIX_PATHS)
mapfile -t args < <(SAFEFIX_ARGS="${SAFEFIX_ARGS:-}" words SAFEFIX_ARGS)
body="$RUNNER_TEMP/safefix-body.md"
status=0
case "${SAFEFIX_MODE:-check}" in
  check)
    if [ "${SAFEFIX_SARIF:-false}" = "true" ]; then
      safefix check --output-format sarif "${args[@]}" -- "${paths[@]}" \
        > "$RUNNER_TEMP/safefix.sarif" || status=$?
    else
      safefix check --output-format github "${args[@]}" -- "${paths[@]}" || status=$?
    fi
    ;;
  fix)
    safefix --output-format markdown "${args[@]}" -- "${paths[@]}" > "$body" || status=$?
    ;;
  diff)
    safefix --diff --output-format markdown "${args[@]}" -- "${paths[@]}" > "$body" || status=$?
    ;;
  *)
    echo "::error title=safefix::mode must be fix, diff or check, not '$SAFEFIX_MODE'"
    exit 2
    ;;
esac
echo "exit-code=$status" >> "$GITHUB_OUTPUT"
echo "body=$body" >> "$GITHUB_OUTPUT"
# fix: exit 3 says some files were left unchanged (the body lists them); the fixes made still
# deserve their pull request. --diff exits 1 when there are changes: that is its answer.
if [ "$status" -eq 3 ] && [ "${SAFEFIX_MODE}" = "fix" ]; then exit 0; fi
if [ "$status" -eq 1 ] && [ "${SAFEFIX_MODE}" = "diff" ]; then exit 0; fi
exit "$status"
