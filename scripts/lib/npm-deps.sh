# Sourced by scripts/test.sh and scripts/start.sh (after lib/host.sh), from the repository root:
# checks Node and runs `npm ci` only when node_modules does not match package-lock.json.
# shellcheck shell=bash

require_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    die "node and npm are required (Node >= 20); install Node 20 (e.g. from nodejs.org or NodeSource) and retry"
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node >= 20 is required, found $(node --version)"
}

# True when node_modules holds exactly what package-lock.json pins (npm's hidden lockfile agrees with it, skipping
# optional packages for other platforms) and package.json asks for what the lock was made from.
node_modules_in_sync() {
  [ -f node_modules/.package-lock.json ] || return 1
  node - <<'EOF'
const fs = require('fs');
const read = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));
const lock = read('package-lock.json').packages ?? {};
const installed = read('node_modules/.package-lock.json').packages ?? {};
const manifest = read('package.json');
const root = lock[''] ?? {};
const same = (a = {}, b = {}) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
let ok = same(manifest.dependencies, root.dependencies) && same(manifest.devDependencies, root.devDependencies);
for (const [path, entry] of Object.entries(lock)) {
  if (!ok) break;
  if (path === '') continue;
  const have = installed[path];
  if (!have) ok = entry.optional === true;
  else ok = have.version === entry.version && (have.integrity ?? '') === (entry.integrity ?? '');
}
for (const path of Object.keys(installed)) if (ok && !lock[path]) ok = false;
process.exit(ok ? 0 : 1);
EOF
}

# Runs `npm ci` unless node_modules already matches the lockfile (DOCKWATCH_FORCE_NPM_CI=1 always runs it).
ensure_node_modules() {
  require_node
  if [ "${DOCKWATCH_FORCE_NPM_CI:-0}" != 1 ] && node_modules_in_sync; then
    log "node_modules matches package-lock.json; skipping npm ci"
    return 0
  fi
  local start
  start=$(now_ms)
  log "npm ci"
  npm ci --no-audit --no-fund --no-update-notifier >&2 || die "npm ci failed; see npm's output above"
  log "npm ci done in $(elapsed_since "$start")"
}
