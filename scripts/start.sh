#!/usr/bin/env bash
# Installs and runs dockwatch: `npm ci` (when node_modules is out of date), `npm run build`, makes a Docker engine
# reachable (starts Debian's dockerd only when none is reachable and we are root on Debian; otherwise prints what
# to do), then replaces itself with `node dist/cli.js run "$@"`.
# The engine it may start keeps running after dockwatch exits; stop it with scripts/stop-engine.sh.
set -euo pipefail
SCRIPT_NAME=start.sh
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/host.sh
source scripts/lib/host.sh
# shellcheck source=scripts/lib/npm-deps.sh
source scripts/lib/npm-deps.sh

ensure_node_modules
log "npm run build"
npm run build >&2 || die "build failed; see tsc's output above"
[ -f dist/cli.js ] || die "dist/cli.js is missing after the build"
bash scripts/ensure-engine.sh
log "exec node --optimize-for-size --v8-pool-size=2 dist/cli.js run $*"
exec node --optimize-for-size --v8-pool-size=2 dist/cli.js run "$@"
