#!/usr/bin/env bash
# Removes every container labelled dockwatch.test=1 (running or not) with its anonymous volumes.
# Does nothing when no engine is reachable.
set -euo pipefail
SCRIPT_NAME=remove-test-containers
# shellcheck source=scripts/lib/host.sh
source "$(dirname "$0")/lib/host.sh"

if ! engine_reachable; then
  log "no Docker engine reachable; no test containers to remove"
  exit 0
fi
mapfile -t ids < <(docker ps -aq --filter "label=$TEST_LABEL")
if [ ${#ids[@]} -eq 0 ]; then
  log "no test containers ($TEST_LABEL) to remove"
  exit 0
fi
start=$(now_ms)
left=("${ids[@]}")
for _attempt in 1 2 3 4 5; do
  docker rm -f -v "${left[@]}" >/dev/null 2>&1 || true
  mapfile -t left < <(docker ps -aq --filter "label=$TEST_LABEL")
  [ ${#left[@]} -eq 0 ] && break
  sleep 1
done
[ ${#left[@]} -eq 0 ] || die "could not remove test containers: ${left[*]} (try: docker rm -f ${left[*]})"
log "removed ${#ids[@]} test container(s) ($TEST_LABEL) in $(elapsed_since "$start")"
