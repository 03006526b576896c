import { BlockList, isIP } from 'node:net';

/** A parsed `HOST:PORT`; IPv6 hosts are without their brackets. */
export type HostPort = { host: string; port: number };

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/;

/** Parses `host:port`, `1.2.3.4:port` or `[::1]:port` (port 0-65535); undefined if malformed. */
export function parseHostPort(text: string): HostPort | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const [, v6, name, portText] = match;
  const port = Number(portText);
  if (port > 65535) return undefined;
  if (v6 !== undefined) return isIP(v6) === 6 ? { host: v6, port } : undefined;
  if (name === undefined || (isIP(name) !== 4 && !HOSTNAME.test(name))) return undefined;
  return { host: name, port };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether a host names this machine's loopback interface: `localhost`, 127.0.0.0/8 or `::1` (also IPv4-mapped). */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
}
