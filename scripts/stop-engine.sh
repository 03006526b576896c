#!/usr/bin/env bash
# Stops the dockerd that scripts/ensure-engine.sh started (pid file under $DOCKWATCH_STATE_DIR) and nothing else:
# a dockerd started by hand or by the system has no pid file here and is left running.
set -euo pipefail
SCRIPT_NAME=stop-engine
# shellcheck source=scripts/lib/host.sh
source "$(dirname "$0")/lib/host.sh"

if ! pid=$(our_dockerd_pid); then
  rm -f "$DOCKERD_PID_FILE"
  log "no dockerd started by dockwatch scripts is running; nothing to stop"
  exit 0
fi

start=$(now_ms)
log "stopping dockerd (pid $pid) that dockwatch scripts started"
kill -TERM "$pid" 2>/dev/null || true
deadline=$(($(date +%s) + 30))
while pid_alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
if pid_alive "$pid"; then
  log "dockerd (pid $pid) still running after 30s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$DOCKERD_PID_FILE"
log "dockerd stopped in $(elapsed_since "$start")"
