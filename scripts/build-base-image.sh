#!/usr/bin/env bash
# Builds the local base image dockwatch-base/node:20-slim without any registry: debootstraps a minimal Debian 12
# (bookworm, variant minbase) rootfs from the Debian mirror this machine's apt uses, adds this machine's Node 20
# (/usr/bin/node, npm and the node headers node-gyp needs), a `node` user (uid 1000) like the official node image,
# trims docs/man/locales/apt caches and `docker import`s it. Falls back to a rootfs assembled from the host (node,
# the libraries `ldd` lists, CA certificates, passwd/group) when debootstrap is impossible (not root, not Debian,
# no mirror): that base has no apt and only a static busybox as shell, so use the Dockerfile's PREBUILT=1 path with it.
# Skips the build when the image exists with the current layout and the same Node version (fast, idempotent).
# Size (measured here, Node 20.20): 234 MB (Debian 12 minbase ~95 MB, node ~100 MB, npm and headers ~35 MB); built
# in ~3.5 min (debootstrap downloads ~40 MB). The dockwatch image on it is ~315 MB.
# Needs a reachable engine (scripts/ensure-engine.sh). Env: DOCKWATCH_BASE_IMAGE (default dockwatch-base/node:20-slim),
# DOCKWATCH_DEBIAN_MIRROR (default: from /etc/apt sources), DOCKWATCH_BASE_METHOD (debootstrap | host, default
# debootstrap with host as fallback), DOCKWATCH_FORCE_BASE=1 (rebuild).
set -euo pipefail
SCRIPT_NAME=build-base-image
# shellcheck source=scripts/lib/host.sh
source "$(dirname "$0")/lib/host.sh"

IMAGE="${DOCKWATCH_BASE_IMAGE:-dockwatch-base/node:20-slim}"
# Bump when the image content changes; kept in the image's comment together with the Node version.
LAYOUT="dockwatch-base layout 1"
SUITE=bookworm
method="${DOCKWATCH_BASE_METHOD:-auto}"

engine_reachable || die "no Docker engine reachable; run scripts/ensure-engine.sh first"
command -v node >/dev/null 2>&1 || die "node is required (the base image carries this machine's Node 20 binary)"
node_bin=$(readlink -f "$(command -v node)")
node_version=$("$node_bin" --version)
[[ "$node_version" == v20.* ]] || die "this machine's node is $node_version; the base image needs Node 20"
wanted_comment="$LAYOUT node $node_version"

current=$(docker image inspect --format '{{.Comment}}' "$IMAGE" 2>/dev/null || true)
if [ "${DOCKWATCH_FORCE_BASE:-0}" != 1 ] && [[ "$current" == "$wanted_comment"* ]]; then
  log "$IMAGE present ($current); nothing to do"
  exit 0
fi

# The first Debian mirror URI apt uses here (deb822 .sources or one-line .list), e.g. http://deb.debian.org/debian.
debian_mirror() {
  if [ -n "${DOCKWATCH_DEBIAN_MIRROR:-}" ]; then
    echo "$DOCKWATCH_DEBIAN_MIRROR"
    return 0
  fi
  local files=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] && files+=("$f")
  done
  [ ${#files[@]} -gt 0 ] || return 1
  {
    grep -hE '^URIs:' "${files[@]}" | awk '{ for (i = 2; i <= NF; i++) print $i }'
    grep -hE '^deb ' "${files[@]}" | sed -E 's/\[[^]]*\] //' | awk '{ print $2 }'
  } | grep -E '/debian/?$' | head -n 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/dockwatch-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

# Node, npm (with npx) and the headers (node-gyp builds better-sqlite3 against them) from this machine.
add_node() {
  install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
  local npm_dir
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  if [ -d "$npm_dir" ] && [ -f "$npm_dir/package.json" ]; then
    mkdir -p "$root/usr/local/lib/node_modules"
    cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  fi
  local include
  include="$(dirname "$(dirname "$node_bin")")/include/node"
  if [ -d "$include" ]; then
    mkdir -p "$root/usr/local/include"
    cp -a "$include" "$root/usr/local/include/node"
  fi
}

add_node_user() {
  grep -q '^node:' "$root/etc/group" || echo 'node:x:1000:' >>"$root/etc/group"
  grep -q '^node:' "$root/etc/passwd" || echo 'node:x:1000:1000::/home/node:/bin/sh' >>"$root/etc/passwd"
  if [ -f "$root/etc/shadow" ] && ! grep -q '^node:' "$root/etc/shadow"; then echo 'node:*:19000:0:99999:7:::' >>"$root/etc/shadow"; fi
  mkdir -p "$root/home/node"
  chown 1000:1000 "$root/home/node"
}

build_with_debootstrap() {
  is_root && is_debian || return 1
  local mirror
  mirror=$(debian_mirror) || true
  [ -n "$mirror" ] || {
    log "no Debian mirror found in /etc/apt sources"
    return 1
  }
  command -v debootstrap >/dev/null 2>&1 || apt_install_missing -- debootstrap
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  local opts=(--variant=minbase)
  [ -r "$keyring" ] && opts+=("--keyring=$keyring")
  log "debootstrap $SUITE from $mirror (log: $DOCKWATCH_STATE_DIR/debootstrap.log)"
  mkdir -p "$DOCKWATCH_STATE_DIR"
  if ! debootstrap "${opts[@]}" "$SUITE" "$root" "$mirror" >"$DOCKWATCH_STATE_DIR/debootstrap.log" 2>&1; then
    tail -n 15 "$DOCKWATCH_STATE_DIR/debootstrap.log" | sed 's/^/    /' >&2
    log "debootstrap failed"
    return 1
  fi
  # The suite's updates and security pockets too, so `apt-get install` in a build stage finds current packages.
  printf 'deb %s %s main\ndeb %s %s-updates main\n' "$mirror" "$SUITE" "$mirror" "$SUITE" >"$root/etc/apt/sources.list"
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/cache/apt/*.bin \
    "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/* "$root"/debootstrap
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
  add_node
  add_node_user
  echo debootstrap
}

# Node and exactly the shared libraries it loads, CA certificates and a minimal passwd/group: no shell, no apt.
build_from_host() {
  mkdir -p "$root"/{etc,tmp,usr/local/bin,home}
  chmod 1777 "$root/tmp"
  add_node
  local lib
  while read -r lib; do
    [ -e "$lib" ] || continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done < <(ldd "$node_bin" | grep -oE '/[^ ]+' | sort -u)
  if [ -d /etc/ssl/certs ]; then
    mkdir -p "$root/etc/ssl"
    cp -rL /etc/ssl/certs "$root/etc/ssl/certs"
  fi
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  # A shell for the Dockerfile's RUN steps, when the host has a static busybox (Debian's busybox-static).
  if [ -x /bin/busybox ] && ! LC_ALL=C ldd /bin/busybox >/dev/null 2>&1; then
    mkdir -p "$root/bin"
    cp /bin/busybox "$root/bin/busybox"
    local applet
    for applet in sh grep mkdir chown rm cat ls id; do ln -sf busybox "$root/bin/$applet"; done
  fi
  add_node_user
  echo host
}

start=$(now_ms)
built=""
case "$method" in
  debootstrap) built=$(build_with_debootstrap) || die "debootstrap of the base failed (see above)" ;;
  host) built=$(build_from_host) ;;
  *)
    built=$(build_with_debootstrap) || {
      log "falling back to a rootfs assembled from this host (node + its libraries); use PREBUILT=1 builds with it"
      rm -rf "$root"
      built=$(build_from_host)
    }
    ;;
esac

previous=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
if ! tar --numeric-owner -C "$root" -c . |
  docker import --message "$wanted_comment ($built)" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_VERSION='"${node_version#v}" \
    --change 'CMD ["node"]' - "$IMAGE" >/dev/null; then
  die "docker import of $IMAGE failed (see the engine's error above)"
fi
[ -z "$previous" ] || docker image rm "$previous" >/dev/null 2>&1 || true
got=$(docker run --rm --label "$TEST_LABEL" --entrypoint /usr/local/bin/node "$IMAGE" --version 2>&1) || true
[ "$got" = "$node_version" ] || die "$IMAGE does not run its node (got: ${got:-nothing}); rebuild with DOCKWATCH_FORCE_BASE=1"
size=$(docker image inspect --format '{{.Size}}' "$IMAGE")
log "built $IMAGE ($built, node $node_version, $((size / 1000000)) MB) in $(elapsed_since "$start")"
