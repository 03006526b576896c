#!/usr/bin/env bash
# THE test command (CI runs it through .ci/run): installs and starts what the tests need, runs `npm test`
# (type-check, lint, jest: unit and integration), then cleans up: removes test containers (label dockwatch.test=1)
# and stops dockerd only if this run started it. Works on a fresh Debian 12 machine as root and on a machine where
# everything is already there. Exits with `npm test`'s code (jest's, once type-check and lint pass).
# Extra arguments are passed to jest, e.g. `bash scripts/test.sh test/unit`.
# Env: DOCKWATCH_STATE_DIR (dockerd log and pid, default /tmp/dockwatch-test), DOCKWATCH_FORCE_NPM_CI=1.
set -euo pipefail
SCRIPT_NAME=test.sh
cd "$(dirname "$0")/.."
here=scripts
# shellcheck source=scripts/lib/host.sh
source "$here/lib/host.sh"
# shellcheck source=scripts/lib/npm-deps.sh
source "$here/lib/npm-deps.sh"
export DOCKWATCH_STATE_DIR

run_start=$(now_ms)
started_engine=0
timings=()
phase() {
  local name=$1 start rc=0
  shift
  start=$(now_ms)
  "$@" || rc=$?
  timings+=("$(printf '%-22s %s%s' "$name" "$(elapsed_since "$start")" "$([ "$rc" = 0 ] || echo " (failed, exit $rc)")")")
  return "$rc"
}

# shellcheck disable=SC2317  # invoked through the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  log "cleanup"
  bash "$here/remove-test-containers.sh"
  if [ "$started_engine" = 1 ]; then
    bash "$here/stop-engine.sh"
  elif engine_reachable; then
    log "leaving the Docker engine running: this run did not start it"
  fi
  if [ ${#timings[@]} -gt 0 ]; then
    log "timings:"
    printf '    %s\n' "${timings[@]}" "$(printf '%-22s %s' total "$(elapsed_since "$run_start")")" >&2
  fi
  log "exit code $rc"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

phase "npm ci" ensure_node_modules

engine_before=$(our_dockerd_pid || true)
phase "ensure-engine" bash "$here/ensure-engine.sh"
engine_after=$(our_dockerd_pid || true)
if [ -n "$engine_after" ] && [ "$engine_after" != "$engine_before" ]; then started_engine=1; fi

phase "ensure-test-images" bash "$here/ensure-test-images.sh"
phase "build-base-image" bash "$here/build-base-image.sh"
phase "ensure-monitoring" bash "$here/ensure-monitoring.sh"
phase "ensure-helm-render" bash "$here/ensure-helm-render.sh" >/dev/null
phase "leftover containers" bash "$here/remove-test-containers.sh"

log "npm test $*"
test_start=$(now_ms)
test_log="$DOCKWATCH_STATE_DIR/npm-test.log"
mkdir -p "$DOCKWATCH_STATE_DIR"
set +e
npm test -- "$@" 2>&1 | tee "$test_log"
rc=${PIPESTATUS[0]}
set -e
timings+=("$(printf '%-22s %s' "npm test" "$(elapsed_since "$test_start")")")
# jest's own summary ("Tests: 2 failed, 325 passed, 327 total") restated as the plain closing line CI reads.
summary=$(grep -E '^Tests:' "$test_log" | tail -n 1 || true)
passed=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$summary")
failed=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$summary")
if [ -n "$summary" ]; then
  printf 'tests: %s passed, %s failed\n' "${passed:-0}" "${failed:-0}"
fi
exit "$rc"
