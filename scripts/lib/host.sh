# Shared by scripts/*.sh (sourced, never run): logging, host detection, Debian package installs, engine checks.
# shellcheck shell=bash

# shellcheck disable=SC2034  # used by the scripts that source this file
DOCKWATCH_STATE_DIR="${DOCKWATCH_STATE_DIR:-/tmp/dockwatch-test}"
DOCKERD_PID_FILE="$DOCKWATCH_STATE_DIR/dockerd.pid"
DOCKERD_LOG_FILE="$DOCKWATCH_STATE_DIR/dockerd.log"
TEST_LABEL="dockwatch.test=1"

log() { printf '[%s %s] %s\n' "$(date +%H:%M:%S)" "${SCRIPT_NAME:-dockwatch}" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }
is_debian() { [ -r /etc/debian_version ] && grep -qiE '^(ID|ID_LIKE)=.*debian' /etc/os-release 2>/dev/null; }

# Seconds since the epoch with millisecond precision, for phase timings.
now_ms() { date +%s%3N; }
elapsed_since() { local start=$1; printf '%d.%01ds' $((($(now_ms) - start) / 1000)) $(((($(now_ms) - start) % 1000) / 100)); }

# True when the Docker CLI exists and the engine answers GET /version within 15 s. Not `docker info`: on a busy
# engine /info can block for minutes behind libnetwork's store (seen here with 500 containers) while /version answers.
engine_reachable() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 15 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# True when a Debian package is installed (not merely known or half-configured).
deb_installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]; }

# Packages among "$@" that are not installed, one a line.
missing_debs() {
  local pkg
  for pkg in "$@"; do deb_installed "$pkg" || echo "$pkg"; done
}

# True when apt knows a candidate version for every package given (i.e. the package lists are usable).
apt_has_candidates() {
  local pkg candidate
  for pkg in "$@"; do
    candidate=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [ -n "$candidate" ] && [ "$candidate" != "(none)" ] || return 1
  done
}

apt_failed() {
  log "$1 failed; last lines of $2:"
  tail -n 25 "$2" | sed 's/^/    /' >&2
  die "$1 failed (is deb.debian.org reachable? is another apt/dpkg running?)"
}

# Installs the given Debian packages that are missing; `apt-get update` runs only when the lists lack a candidate
# or the first install attempt fails (stale lists). Extra apt-get options go before `--`.
apt_install_missing() {
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    opts+=("$1")
    shift
  done
  [ "${1:-}" = "--" ] && shift
  local missing
  mapfile -t missing < <(missing_debs "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  is_root || die "Debian packages missing: ${missing[*]}; run as root: apt-get install -y ${opts[*]} ${missing[*]}"
  local apt=(env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get -y -q -o DPkg::Lock::Timeout=300
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  local apt_log="$DOCKWATCH_STATE_DIR/apt.log" start
  mkdir -p "$DOCKWATCH_STATE_DIR"
  start=$(now_ms)
  if ! apt_has_candidates "${missing[@]}"; then
    log "apt-get update (the package lists lack ${missing[*]}); output in $apt_log"
    "${apt[@]}" update >>"$apt_log" 2>&1 || apt_failed "apt-get update" "$apt_log"
  fi
  log "apt-get install ${opts[*]:+${opts[*]} }${missing[*]}; output in $apt_log"
  if ! "${apt[@]}" install "${opts[@]}" "${missing[@]}" >>"$apt_log" 2>&1; then
    log "install failed; refreshing the package lists and retrying once"
    "${apt[@]}" update >>"$apt_log" 2>&1 || apt_failed "apt-get update" "$apt_log"
    "${apt[@]}" install "${opts[@]}" "${missing[@]}" >>"$apt_log" 2>&1 ||
      apt_failed "apt-get install ${opts[*]} ${missing[*]}" "$apt_log"
  fi
  log "installed ${missing[*]} in $(elapsed_since "$start")"
}

# Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), to tell a pid from a reused one.
proc_start_ticks() { awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null; }

# Prints the pid recorded in $DOCKERD_PID_FILE when that process is still the dockerd we started; fails otherwise.
our_dockerd_pid() {
  [ -r "$DOCKERD_PID_FILE" ] || return 1
  local pid ticks
  read -r pid ticks <"$DOCKERD_PID_FILE" || true
  [ -n "${pid:-}" ] && pid_alive "$pid" || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "dockerd" ] || return 1
  [ -z "${ticks:-}" ] || [ "$(proc_start_ticks "$pid")" = "$ticks" ] || return 1
  echo "$pid"
}

# Pids of running dockerds that serve the default socket (no -H/--host), whoever started them; private test
# engines listening elsewhere are skipped. Reads /proc, so procps is not needed.
dockerd_pids() {
  local dir args
  for dir in /proc/[0-9]*; do
    [ "$(cat "$dir/comm" 2>/dev/null)" = "dockerd" ] || continue
    args=$(tr '\0' ' ' <"$dir/cmdline" 2>/dev/null) || continue
    [[ " $args" =~ \ (-H|--host)[=\ ] ]] && continue
    pid_alive "${dir#/proc/}" && echo "${dir#/proc/}"
  done
  return 0
}

# True when the process exists and is not a zombie waiting to be reaped.
pid_alive() {
  local state
  state=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != "Z" ]
}
