import type Docker from 'dockerode';
import type http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

/** Where a socket of our own to the engine goes: a unix socket, plain TCP, or TLS with the client's files. */
export type EngineSocketAddress =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'tls'; host: string; port: number; tls: tls.ConnectionOptions };

/** The engine a dockerode client talks to, as a raw request needs it: address, Host header, API version prefix. */
export type EngineSocketEndpoint = {
  address: EngineSocketAddress;
  hostHeader: string;
  /** `/v1.41` when the client is pinned to a (negotiated) version, else empty, as docker-modem prefixes paths. */
  apiPrefix: string;
  /** Headers the client sends with every request. */
  headers: Record<string, string>;
  /** The client's HTTP agent: sockets come from it, so it counts and can cut them as it does the client's own. */
  agent?: http.Agent;
};

/** The docker-modem fields read here (its typings do not declare them). */
type ModemFields = {
  socketPath?: unknown;
  host?: unknown;
  port?: unknown;
  protocol?: unknown;
  version?: unknown;
  ca?: tls.ConnectionOptions['ca'];
  cert?: tls.ConnectionOptions['cert'];
  key?: tls.ConnectionOptions['key'];
  checkServerIdentity?: unknown;
  headers?: Record<string, unknown>;
  agent?: http.Agent;
};

/**
 * The endpoint of `docker`'s modem for a socket of our own, or undefined when it is one this reader does not speak
 * (ssh, a socket path given as a function, a host given as a URL): the caller then goes through dockerode.
 */
export function engineSocketEndpoint(docker: Docker): EngineSocketEndpoint | undefined {
  const m = docker.modem as unknown as ModemFields;
  const address = socketAddress(m);
  if (!address) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.headers ?? {})) if (typeof value === 'string') headers[name] = value;
  const hostHeader =
    address.kind === 'unix'
      ? 'localhost'
      : `${net.isIPv6(address.host) ? `[${address.host}]` : address.host}:${address.port}`;
  return {
    address,
    hostHeader,
    apiPrefix: typeof m.version === 'string' && m.version ? `/${m.version}` : '',
    headers,
    ...(m.agent ? { agent: m.agent } : {}),
  };
}

function socketAddress(m: ModemFields): EngineSocketAddress | undefined {
  if (m.host === undefined || m.host === null || m.host === '') {
    return typeof m.socketPath === 'string' && m.socketPath ? { kind: 'unix', path: m.socketPath } : undefined;
  }
  const port = Number(m.port);
  if (typeof m.host !== 'string' || m.host.includes('/') || !Number.isInteger(port) || port <= 0) return undefined;
  const host = m.host;
  if (m.protocol === 'http') return { kind: 'tcp', host, port };
  if (m.protocol !== 'https') return undefined;
  const options: tls.ConnectionOptions = { ca: m.ca, cert: m.cert, key: m.key };
  if (!net.isIP(host)) options.servername = host;
  if (typeof m.checkServerIdentity === 'function')
    options.checkServerIdentity = m.checkServerIdentity as tls.ConnectionOptions['checkServerIdentity'];
  return { kind: 'tls', host, port, tls: options };
}

type CreateConnection = (options: object, callback: (err?: Error | null) => void) => net.Socket | undefined;

/** net's `onread` option: every read lands in `buffer` and is handed to `callback` at once, with no 'data'. */
export type SocketOnRead = { buffer: Buffer; callback: (bytes: number, buffer: Buffer) => boolean };

/**
 * Opens a socket to the endpoint, reading with `onread`: through its agent's `createConnection` when it has one (with
 * the agent's own options, e.g. `rejectUnauthorized: false`, under ours, as node's HTTP client merges them), else with
 * net or tls. `onRefused` gets the agent's refusal (it may refuse when too many requests wait); the result is then
 * undefined.
 */
export function connectEngine(
  endpoint: EngineSocketEndpoint,
  onread: SocketOnRead,
  onRefused: (err: Error) => void,
): net.Socket | undefined {
  const a = endpoint.address;
  const options =
    a.kind === 'unix'
      ? { path: a.path, onread }
      : a.kind === 'tcp'
        ? { host: a.host, port: a.port, onread }
        : { ...a.tls, host: a.host, port: a.port, onread };
  const agent = endpoint.agent;
  if (!agent || (a.kind === 'tls') !== agent instanceof https.Agent)
    return a.kind === 'tls' ? tls.connect(options) : net.connect(options);
  const agentOptions = (agent as unknown as { options?: object }).options ?? {};
  const create = agent.createConnection as unknown as CreateConnection;
  return create.call(agent, { ...agentOptions, ...options }, (err) => {
    if (err) onRefused(err);
  });
}
