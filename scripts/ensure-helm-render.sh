#!/usr/bin/env bash
# Builds tools/helm-render (renders helm/dockwatch like `helm template`; helm itself cannot be installed here) offline
# with Debian's Go 1.19, sprig 3, yaml.v2 and gojsonschema from /usr/share/gocode (GOPATH mode, no module download),
# installing those packages if missing. Rebuilds only when the sources changed. Prints the binary's path on stdout.
# Env: DOCKWATCH_STATE_DIR (binary and Go build cache, default /tmp/dockwatch-test).
set -euo pipefail
SCRIPT_NAME=ensure-helm-render
# shellcheck source=scripts/lib/host.sh
source "$(dirname "$0")/lib/host.sh"
cd "$(dirname "$0")/.."

PACKAGES=(golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v2-dev golang-github-xeipuuv-gojsonschema-dev)
GOCODE=/usr/share/gocode
SOURCES=tools/helm-render
BIN_DIR="$DOCKWATCH_STATE_DIR/bin"
BIN="$BIN_DIR/helm-render"
STAMP="$BIN.sha256"

apt_install_missing --no-install-recommends -- "${PACKAGES[@]}"
command -v go >/dev/null 2>&1 || die "golang-go is installed but \`go\` is not on PATH"
for pkg in github.com/Masterminds/sprig gopkg.in/yaml.v2 github.com/xeipuuv/gojsonschema; do
  [ -d "$GOCODE/src/$pkg" ] || die "$GOCODE/src/$pkg is missing (packages: ${PACKAGES[*]})"
done

sources_hash=$( (cat "$SOURCES"/*.go && go version) | sha256sum | cut -d' ' -f1)
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$sources_hash" ]; then
  log "helm-render up to date ($BIN)"
  echo "$BIN"
  exit 0
fi

mkdir -p "$BIN_DIR"
log "building helm-render with $(go version | awk '{print $3}') into $BIN"
(cd "$SOURCES" && GO111MODULE=off GOPATH="$GOCODE" GOFLAGS= GOCACHE="$DOCKWATCH_STATE_DIR/go-build" \
  go build -o "$BIN.tmp" .) || die "go build of $SOURCES failed"
mv "$BIN.tmp" "$BIN"
echo "$sources_hash" >"$STAMP"
echo "$BIN"
