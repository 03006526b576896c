#!/usr/bin/env bash
# Installs (only if missing) Debian's prometheus, prometheus-alertmanager, prometheus-node-exporter, docker-compose
# (1.29, validates deploy/compose), docker-registry (the distribution registry 2.8) and apache2-utils (htpasswd)
# without recommends, for integration tests that start their own instances on free loopback ports. Starts nothing.
# A system instance the packages may have started (systemd or sysv hosts) is reported and left alone: the tests
# never use the default ports 9090/9093/9100/5000.
set -euo pipefail
SCRIPT_NAME=ensure-monitoring
# shellcheck source=scripts/lib/host.sh
source "$(dirname "$0")/lib/host.sh"

PACKAGES=(prometheus prometheus-alertmanager prometheus-node-exporter docker-compose docker-registry apache2-utils)
BINARIES=(/usr/bin/prometheus /usr/bin/promtool /usr/bin/prometheus-alertmanager /usr/bin/amtool
  /usr/bin/prometheus-node-exporter /usr/bin/docker-compose /usr/bin/docker-registry /usr/bin/htpasswd)

binaries_present() {
  local bin
  for bin in "${BINARIES[@]}"; do [ -x "$bin" ] || return 1; done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mapfile -t missing < <(missing_debs "${PACKAGES[@]}")
if [ ${#missing[@]} -eq 0 ] && binaries_present; then
  log "prometheus $(/usr/bin/prometheus --version 2>&1 | awk 'NR==1 {print $3}'), alertmanager, node-exporter, docker-compose, docker-registry and htpasswd present; nothing to do"
  exit 0
fi

if ! is_root || ! is_debian; then
  cat >&2 <<EOF
Missing: ${missing[*]:-binaries ${BINARIES[*]}}.
Integration tests need Debian's Prometheus tools. As root on Debian:
  apt-get install -y --no-install-recommends ${PACKAGES[*]}
EOF
  exit 1
fi

apt_install_missing --no-install-recommends -- "${PACKAGES[@]}"
binaries_present || die "packages installed but one of ${BINARIES[*]} is missing"

for port in 9090 9093 9100 5000; do
  if port_in_use "$port"; then
    log "note: something listens on 127.0.0.1:$port (probably a system service the package started); left alone, tests use free ports"
  fi
done
log "monitoring tools ready"
