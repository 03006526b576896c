#!/usr/bin/env bash
# Makes a Docker engine reachable. Does nothing when the engine already answers (`docker version`). Otherwise,
# as root on Debian: installs docker.io and busybox-static if missing, starts dockerd in the background (log and
# pid under $DOCKWATCH_STATE_DIR, default /tmp/dockwatch-test) and waits for it. Elsewhere: says what to do, fails.
# Only a dockerd started here is recorded in the pid file, so scripts/stop-engine.sh never stops anyone else's.
# Env: DOCKWATCH_STATE_DIR, DOCKWATCH_ENGINE_TIMEOUT (seconds to wait for readiness, default 30).
set -euo pipefail
SCRIPT_NAME=ensure-engine
# shellcheck source=scripts/lib/host.sh
source "$(dirname "$0")/lib/host.sh"

timeout_s="${DOCKWATCH_ENGINE_TIMEOUT:-30}"

server_version() { timeout 15 docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown; }

# Polls the engine until it answers, $1 (a dockerd pid we wait on, or empty) dies, or the deadline passes.
wait_for_engine() {
  local watch_pid=$1 deadline=$(($(date +%s) + timeout_s))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    engine_reachable && return 0
    if [ -n "$watch_pid" ] && ! pid_alive "$watch_pid"; then
      log "dockerd (pid $watch_pid) exited before the engine became reachable"
      return 1
    fi
    sleep 0.2
  done
  log "the engine did not answer within ${timeout_s}s"
  return 1
}

print_dockerd_log() {
  [ -s "$DOCKERD_LOG_FILE" ] || return 0
  log "last lines of $DOCKERD_LOG_FILE:"
  tail -n 30 "$DOCKERD_LOG_FILE" | sed 's/^/    /' >&2
}

explain_manual_setup() {
  cat >&2 <<EOF

No Docker engine is reachable (\`docker version\` gets no answer from a server), and this script only
installs and starts one as root on Debian.
Do one of these, then run the command again:
  - start your Docker engine (e.g. \`sudo systemctl start docker\`, or Docker Desktop), and make sure this user
    can use it (member of the \`docker\` group, or DOCKER_HOST pointing at a reachable engine);
  - on Debian as root: \`apt-get install -y docker.io busybox-static\` and this script starts dockerd itself.
EOF
}

if engine_reachable; then
  log "Docker engine reachable (server $(server_version)); nothing to do"
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ] && [[ "$DOCKER_HOST" != unix:///var/run/docker.sock && "$DOCKER_HOST" != unix:///run/docker.sock ]]; then
  die "DOCKER_HOST=$DOCKER_HOST is not reachable; a local dockerd would not serve it. Fix DOCKER_HOST or unset it."
fi

if ! is_root || ! is_debian; then
  is_root || log "not running as root"
  is_debian || log "not a Debian system"
  explain_manual_setup
  exit 1
fi

mkdir -p "$DOCKWATCH_STATE_DIR"
apt_install_missing -- docker.io busybox-static
[ -x /usr/sbin/dockerd ] || die "/usr/sbin/dockerd is missing although docker.io is installed"
command -v docker >/dev/null 2>&1 || die "the docker CLI is missing although docker.io is installed"

# The package may have started its own service (systemd or sysv hosts): use it, it is not ours to stop.
if engine_reachable; then
  log "Docker engine reachable after install (server $(server_version)); started by the system, not by us"
  exit 0
fi

# A dockerd that is still starting up (or one we started earlier): wait for it rather than start a second one.
mapfile -t running < <(dockerd_pids)
if [ ${#running[@]} -gt 0 ]; then
  log "dockerd already running (pid ${running[*]}) but not answering yet; waiting up to ${timeout_s}s"
  if wait_for_engine ""; then
    log "Docker engine reachable (server $(server_version))"
    exit 0
  fi
  die "dockerd (pid ${running[*]}) is running but does not answer; it was not started by this script, so it is left alone. Check its log (e.g. journalctl -u docker or /var/log/docker.log)."
fi

# Hosts without systemd may have no cgroup hierarchy mounted; do what Debian's /etc/init.d/docker does.
if ! grep -qE '^[^ ]+ /sys/fs/cgroup(/[^ ]*)? cgroup2? ' /proc/mounts && command -v cgroupfs-mount >/dev/null 2>&1; then
  log "no cgroup filesystem mounted; running cgroupfs-mount"
  cgroupfs-mount >&2 || log "cgroupfs-mount failed; dockerd may not start"
fi

rm -f "$DOCKERD_PID_FILE"
start=$(now_ms)
log "starting dockerd (log: $DOCKERD_LOG_FILE)"
printf '\n=== dockerd started by dockwatch scripts at %s ===\n' "$(date -Is)" >>"$DOCKERD_LOG_FILE"
# setsid: dockerd gets its own session, so Ctrl-C on a test run does not hit it and it outlives this script.
setsid /usr/sbin/dockerd >>"$DOCKERD_LOG_FILE" 2>&1 </dev/null &
pid=$!
sleep 0.1
if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "dockerd" ] && [ -r /var/run/docker.pid ]; then
  pid=$(cat /var/run/docker.pid)
fi
echo "$pid $(proc_start_ticks "$pid")" >"$DOCKERD_PID_FILE"

if ! wait_for_engine "$pid"; then
  print_dockerd_log
  if pid_alive "$pid"; then
    log "stopping the dockerd we started (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
  fi
  rm -f "$DOCKERD_PID_FILE"
  die "could not start a Docker engine; see the dockerd log above ($DOCKERD_LOG_FILE)"
fi
log "Docker engine ready in $(elapsed_since "$start") (server $(server_version), dockerd pid $pid started by us, pid file $DOCKERD_PID_FILE)"
