import type { DockerOptions } from 'dockerode';
import { readFileSync } from 'node:fs';
import type http from 'node:http';

/** TLS files for a `tcp://` engine, as in DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem). */
export type DockerTls = { ca?: string; cert?: string; key?: string; verify?: boolean };

/** Where the engine is: a unix socket or a TCP address. */
export type DockerEndpoint =
  { kind: 'unix'; socketPath: string } | { kind: 'tcp'; host: string; port: number; tls: boolean };

/** Parses `unix:///var/run/docker.sock`, `tcp://host:2375` or `https://host:2376` (validated by the config first). */
export function parseDockerHost(hostUrl: string, tls?: DockerTls): DockerEndpoint {
  const m = /^(unix|tcp|http|https):\/\/(.*)$/.exec(hostUrl);
  if (!m) throw new Error(`docker host "${hostUrl}" must start with unix://, tcp://, http:// or https://`);
  const scheme = m[1] as string;
  const rest = m[2] as string;
  if (scheme === 'unix') {
    if (!rest.startsWith('/')) throw new Error(`docker host "${hostUrl}" needs an absolute socket path`);
    return { kind: 'unix', socketPath: rest };
  }
  const hp = /^\[?([^\]]+?)\]?:(\d+)\/?$/.exec(rest);
  if (!hp) throw new Error(`docker host "${hostUrl}" must be HOST:PORT`);
  return { kind: 'tcp', host: hp[1] as string, port: Number(hp[2]), tls: scheme === 'https' || tls !== undefined };
}

/** True when the engine runs on this machine, so its cgroup and proc files are ours to read. */
export function isLocalEndpoint(ep: DockerEndpoint): boolean {
  return ep.kind === 'unix' || ['127.0.0.1', 'localhost', '::1'].includes(ep.host);
}

/**
 * dockerode options for an endpoint and an optional API version (`1.41`); `agent` carries every request (see
 * EngineConnections, which also handles `verify: false`: the agent always passes one; the benches use no TLS).
 */
export function dockerOptions(
  ep: DockerEndpoint,
  tls: DockerTls | undefined,
  version?: string,
  agent?: http.Agent,
): DockerOptions {
  const opts: DockerOptions =
    ep.kind === 'unix'
      ? { socketPath: ep.socketPath }
      : { host: ep.host, port: ep.port, protocol: ep.tls ? 'https' : 'http' };
  if (version) opts.version = `v${version}`;
  if (ep.kind === 'tcp' && ep.tls && tls) {
    if (tls.ca) opts.ca = readFileSync(tls.ca);
    if (tls.cert) opts.cert = readFileSync(tls.cert);
    if (tls.key) opts.key = readFileSync(tls.key);
  }
  if (agent) (opts as { agent?: http.Agent }).agent = agent;
  return opts;
}
