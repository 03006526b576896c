#!/usr/bin/env bash
# Builds the test images dockwatch-test/busybox:1 and :2 with `docker import` from the static /bin/busybox
# (nothing can be pulled on the test machines). Skips an image that exists with the current layout revision.
# The two versions differ only in /VERSION ("1" or "2"), which is what rollback tests need.
# Needs a reachable engine (scripts/ensure-engine.sh). Env: DOCKWATCH_BUSYBOX (default /bin/busybox).
set -euo pipefail
SCRIPT_NAME=ensure-test-images
# shellcheck source=scripts/lib/host.sh
source "$(dirname "$0")/lib/host.sh"

REPO=dockwatch-test/busybox
# Bump when the image content changes, so machines with older images rebuild them (kept in the image's comment,
# not in a label: image labels would be inherited by every test container).
LAYOUT="dockwatch-test-image layout 2"
REQUIRED_APPLETS=(sh sleep echo cat yes tr head tail dd seq wget nc httpd ping true false kill ls)
EXTRA_APPLETS=(env grep sed awk wc sort uniq cut ps id hostname date printf test '[' mkdir rm cp mv touch stat
  timeout mkfifo free top uptime vi xargs nslookup ip ifconfig netstat tee base64 md5sum sha256sum gzip)
busybox="${DOCKWATCH_BUSYBOX:-/bin/busybox}"

engine_reachable || die "no Docker engine reachable; run scripts/ensure-engine.sh first"

image_is_current() {
  [ "$(docker image inspect --format '{{.Comment}}' "$1" 2>/dev/null)" = "$LAYOUT" ]
}

is_static() { [ -x "$1" ] && ! LC_ALL=C ldd "$1" >/dev/null 2>&1; }

missing_tags=()
for version in 1 2; do
  image_is_current "$REPO:$version" || missing_tags+=("$version")
done
# Runs a throwaway container, so a broken engine (e.g. no docker0 bridge) fails here with a hint, not in every test.
smoke_test() {
  local out
  if out=$(timeout 60 docker run --rm --label "$TEST_LABEL" "$REPO:1" cat /VERSION 2>&1) && [ "$out" = 1 ]; then
    return 0
  fi
  log "the engine cannot run a test container within 60 s: ${out:-no output (timed out?)}"
  if [[ "$out" == *"bridge docker0"* ]]; then
    log "hint: the docker0 bridge is gone (a second dockerd on this host can remove it); restart dockerd, or:"
    log "      ip link add docker0 type bridge && ip addr add 172.17.0.1/16 dev docker0 && ip link set docker0 up"
  fi
  exit 1
}

if [ ${#missing_tags[@]} -eq 0 ]; then
  smoke_test
  log "$REPO:1 and $REPO:2 present and runnable; nothing to do"
  exit 0
fi

if ! is_static "$busybox"; then
  if is_root && is_debian; then
    apt_install_missing -- busybox-static
  fi
  is_static "$busybox" || die "$busybox is not a static busybox; install Debian's busybox-static (apt-get install -y busybox-static) or set DOCKWATCH_BUSYBOX"
fi

mapfile -t available < <("$busybox" --list)
has_applet() {
  local a
  for a in "${available[@]}"; do [ "$a" = "$1" ] && return 0; done
  return 1
}
for applet in "${REQUIRED_APPLETS[@]}"; do
  has_applet "$applet" || die "$busybox has no '$applet' applet (check \`$busybox --list\`)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/dockwatch-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

for version in "${missing_tags[@]}"; do
  start=$(now_ms)
  previous=$(docker image inspect --format '{{.Id}}' "$REPO:$version" 2>/dev/null || true)
  root="$work/root$version"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/www" "$root/root"
  chmod 1777 "$root/tmp"
  cp "$busybox" "$root/bin/busybox"
  for applet in "${REQUIRED_APPLETS[@]}" "${EXTRA_APPLETS[@]}"; do
    if has_applet "$applet"; then ln -sf busybox "$root/bin/$applet"; fi
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  echo "$version" >"$root/VERSION"
  echo "dockwatch test app version $version" >"$root/www/index.html"
  if ! tar --numeric-owner --owner=0 --group=0 -C "$root" -c . |
    docker import --message "$LAYOUT" --change 'WORKDIR /' --change 'CMD ["sh"]' - "$REPO:$version" >/dev/null; then
    die "docker import of $REPO:$version failed (see the engine's error above)"
  fi
  # An outdated build left untagged; removal fails harmlessly while a container still uses it.
  [ -z "$previous" ] || docker image rm "$previous" >/dev/null 2>&1 || true
  log "built $REPO:$version in $(elapsed_since "$start")"
done
smoke_test
