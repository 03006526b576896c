#!/usr/bin/env bash
# Removes containers labelled dockwatch.test=1 (running or not) with their anonymous volumes.
# Spares those whose dockwatch.test.run label ("<pid>.<start ticks>", set by test/support/engine.ts) names a test
# process that is still alive, so cleaning up never pulls containers from under a concurrent jest run;
# `--all` removes those too. Does nothing when no engine is reachable.
set -euo pipefail
SCRIPT_NAME=remove-test-containers
# shellcheck source=scripts/lib/host.sh
source "$(dirname "$0")/lib/host.sh"

remove_all=0
[ "${1:-}" = "--all" ] && remove_all=1

if ! engine_reachable; then
  log "no Docker engine reachable; no test containers to remove"
  exit 0
fi

# True when a run label names a live process (same pid, same start time).
owner_alive() {
  [[ "$1" =~ ^([0-9]+)\.([0-9]+)$ ]] || return 1
  pid_alive "${BASH_REMATCH[1]}" && [ "$(proc_start_ticks "${BASH_REMATCH[1]}")" = "${BASH_REMATCH[2]}" ]
}

# Test containers to remove now, one id a line.
removable() {
  local id run
  while read -r id run; do
    [ -n "$id" ] || continue
    if [ "$remove_all" = 0 ] && owner_alive "${run:-}"; then continue; fi
    echo "$id"
  done < <(docker ps -a --filter "label=$TEST_LABEL" --format '{{.ID}} {{.Label "dockwatch.test.run"}}')
}

# Untags dockwatch-keep/dwtest-* (images the agents under test kept for rollback) whose container is gone.
remove_keep_tags() {
  local ref name n=0
  while read -r ref; do
    [ -n "$ref" ] || continue
    name=${ref#dockwatch-keep/}
    name=${name%%:*}
    [ -z "$(docker ps -aq --filter "name=^/${name}$")" ] || continue
    docker rmi "$ref" >/dev/null 2>&1 && n=$((n + 1))
  done < <(docker images --format '{{.Repository}}:{{.Tag}}' 'dockwatch-keep/dwtest-*' 2>/dev/null)
  [ "$n" -eq 0 ] || log "removed $n rollback keep tag(s) of test containers"
}
trap remove_keep_tags EXIT

mapfile -t ids < <(removable)
spared=$(($(docker ps -aq --filter "label=$TEST_LABEL" | wc -l) - ${#ids[@]}))
[ "$spared" -le 0 ] || log "sparing $spared test container(s) of test processes still running (--all removes them)"
if [ ${#ids[@]} -eq 0 ]; then
  log "no test containers ($TEST_LABEL) to remove"
  exit 0
fi
start=$(now_ms)
left=("${ids[@]}")
for _attempt in 1 2 3 4 5; do
  docker rm -f -v "${left[@]}" >/dev/null 2>&1 || true
  mapfile -t left < <(docker ps -aq --no-trunc --filter "label=$TEST_LABEL" | grep -F -f <(printf '%s\n' "${ids[@]}") || true)
  [ ${#left[@]} -eq 0 ] && break
  sleep 1
done
[ ${#left[@]} -eq 0 ] || die "could not remove test containers: ${left[*]} (try: docker rm -f ${left[*]})"
log "removed ${#ids[@]} test container(s) ($TEST_LABEL) in $(elapsed_since "$start")"
