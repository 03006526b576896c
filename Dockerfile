# dockwatch container image: the agent (`run`, the default) or the bot alone (`bot`), Node 20 on Debian 12 slim.
#
# Build (anywhere with internet):   docker build --build-arg BASE=node:20-slim -t dockwatch .
# Build without a registry for the base (as on the project's machines):
#   bash scripts/build-base-image.sh        # debootstraps Debian 12 + this machine's Node 20: dockwatch-base/node:20-slim
#   docker build -t dockwatch .             # BASE defaults to it; npm ci runs inside the build (needs the npm registry)
#   Behind a TLS-intercepting proxy, pass its CA: --build-arg NPM_EXTRA_CA="$(cat proxy-ca.pem)". The build stage
#   installs python3, make and g++ with apt when the base lacks them (better-sqlite3 compiles against the base's Node).
# Build from host artefacts (PREBUILT=1: no registry or compiler inside the build; the path the tests take):
#   npm ci && npm run build, then a context folder holding dist/, package.json, package-lock.json and the production
#   node_modules/ (test/support/dockwatchImage.ts copies them to a temporary folder, never pruning your tree), and
#   docker build --build-arg PREBUILT=1 -f Dockerfile <that folder>
#   better-sqlite3's compiled module then comes from the host: its glibc must be no newer than the image's (Debian 12).
# Measured here: the full build ~6 min (apt, npm ci, compiling better-sqlite3), PREBUILT ~1 min; the image ~315 MB.
#
# Run (one host). The mounts: the Docker socket (rw: restart and rollback need it); the host's cgroups read-only
# (the fast collector reads them); the host's /proc read-only at /host/proc (each container's network counters); a
# volume at /data (agent.dataDir: the SQLite store). --group-add gives the non-root user the socket's group. The
# token is required off loopback (the control API's bearer token):
#   docker run -d --name dockwatch -p 127.0.0.1:9417:9417 \
#     --group-add "$(stat -c %g /var/run/docker.sock)" \
#     -v /var/run/docker.sock:/var/run/docker.sock \
#     -v /sys/fs/cgroup:/sys/fs/cgroup:ro \
#     -v /proc:/host/proc:ro -e DOCKWATCH_DOCKER_PROC_ROOT=/host/proc \
#     -v dockwatch-data:/data \
#     -e DOCKWATCH_AGENT_TOKEN="$(openssl rand -hex 32)" \
#     dockwatch
#   Host paths elsewhere: mount them under /host and point DOCKWATCH_DOCKER_CGROUP_ROOT (docker.cgroupRoot, default
#   /sys/fs/cgroup) and DOCKWATCH_DOCKER_PROC_ROOT (docker.procRoot, default /proc) at them.
#   Where the socket's group cannot be added (rootless engines, some NAS systems), run as root: `--user 0`.
#   A config file: -v ./dockwatch.yaml:/etc/dockwatch/dockwatch.yaml:ro -e DOCKWATCH_CONFIG=/etc/dockwatch/dockwatch.yaml
#   The bot alone: `docker run ... dockwatch bot` (see the README's bot sections; deploy/swarm for a Swarm stack).

ARG BASE=dockwatch-base/node:20-slim

# ---- build: npm ci (compiles better-sqlite3 against the base's Node), tsc, then drop the dev dependencies ----
FROM ${BASE} AS build
# Lets `docker image prune --filter label=dockwatch.stage=build` drop old build stages (the runtime image lacks it).
LABEL dockwatch.stage=build
# 1 = take dist/ and production node_modules/ from the context instead of building them (see above).
ARG PREBUILT=0
# PEM text of an extra CA for networks that intercept TLS to the npm registry (leave empty elsewhere).
ARG NPM_EXTRA_CA=""
WORKDIR /app
# node-gyp finds Node's headers here (the official node images and dockwatch-base both ship them) instead of
# downloading them.
ENV npm_config_nodedir=/usr/local npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
RUN set -e; \
    if [ "$PREBUILT" = 1 ]; then exit 0; fi; \
    if ! command -v make >/dev/null || ! command -v g++ >/dev/null || ! command -v python3 >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*; \
    fi; \
    if [ -n "$NPM_EXTRA_CA" ]; then printf '%s\n' "$NPM_EXTRA_CA" >/tmp/extra-ca.pem; export NODE_EXTRA_CA_CERTS=/tmp/extra-ca.pem; fi; \
    npm ci; \
    rm -f /tmp/extra-ca.pem
COPY . .
RUN set -e; \
    if [ "$PREBUILT" = 1 ]; then \
      for need in dist/cli.js node_modules/better-sqlite3 package.json; do \
        [ -e "$need" ] || { echo "PREBUILT=1: the build context lacks $need (see the top of the Dockerfile)" >&2; exit 1; }; \
      done; \
    else \
      npm run build && npm prune --omit=dev; \
    fi; \
    node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()" || { \
      echo "better-sqlite3 does not load in this image (built for another Node or glibc?)" >&2; exit 1; }; \
    rm -rf dist/test dist/bench node_modules/.cache

# ---- runtime: only dist, production node_modules and package.json, as the non-root user dockwatch ----
FROM ${BASE}
# uid/gid 10001; reaching the Docker socket needs its group: `--group-add $(stat -c %g /var/run/docker.sock)`.
RUN set -e; \
    grep -q '^dockwatch:' /etc/group || echo 'dockwatch:x:10001:' >>/etc/group; \
    grep -q '^dockwatch:' /etc/passwd || echo 'dockwatch:x:10001:10001:dockwatch:/data:/usr/sbin/nologin' >>/etc/passwd; \
    mkdir -p /data /app && chown 10001:10001 /data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
ENV NODE_ENV=production \
    DOCKWATCH_AGENT_DATA_DIR=/data \
    DOCKWATCH_HEALTH_URL=http://127.0.0.1:9417/healthz
VOLUME /data
EXPOSE 9417
USER dockwatch
# No curl in the image: node asks /healthz (set DOCKWATCH_HEALTH_URL when --listen uses another port).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.DOCKWATCH_HEALTH_URL).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "--optimize-for-size", "--v8-pool-size=2", "dist/cli.js"]
CMD ["run", "--listen", "0.0.0.0:9417"]
