import { BlockList, isIP } from 'node:net';
import { DOCKER_HUB } from './imageRef';

/** What the engine says about registries in `GET /info` (`RegistryConfig`). */
export type EngineRegistryConfig = {
  InsecureRegistryCIDRs?: unknown;
  IndexConfigs?: unknown;
};

/** Where a registry's HTTP API is: Docker Hub's is `registry-1.docker.io`; insecure registries speak plain http. */
export type RegistryEndpoint = { registry: string; baseUrl: string };

/**
 * Decides the scheme per registry as the engine would: plain http for registries on loopback (`localhost`,
 * `127.0.0.0/8`, `::1`) and those the engine lists as insecure (an `IndexConfigs` entry with `Secure: false`, or an IP
 * inside `InsecureRegistryCIDRs`); https for the rest.
 */
export class RegistryEndpoints {
  private readonly insecureNames = new Set<string>();
  private readonly insecureCidrs = new BlockList();

  constructor(config: EngineRegistryConfig = {}) {
    const cidrs = Array.isArray(config.InsecureRegistryCIDRs) ? config.InsecureRegistryCIDRs : [];
    for (const cidr of cidrs) {
      const [net, bits] = String(cidr).split('/');
      const family = isIP(net ?? '');
      if (family && bits !== undefined && /^\d+$/.test(bits)) {
        this.insecureCidrs.addSubnet(net as string, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
      }
    }
    const index = config.IndexConfigs;
    if (index && typeof index === 'object') {
      for (const [name, entry] of Object.entries(index as Record<string, { Secure?: unknown }>)) {
        if (entry?.Secure === false) this.insecureNames.add(name.toLowerCase());
      }
    }
  }

  /** The API endpoint of a registry as image references name it (`127.0.0.1:5000`, `ghcr.io`, `docker.io`). */
  endpoint(registry: string): RegistryEndpoint {
    if (registry === DOCKER_HUB) return { registry, baseUrl: 'https://registry-1.docker.io' };
    const scheme = this.isInsecure(registry) ? 'http' : 'https';
    return { registry, baseUrl: `${scheme}://${registry}` };
  }

  /** Whether the engine would talk plain http to this registry. */
  isInsecure(registry: string): boolean {
    const name = registry.toLowerCase();
    if (this.insecureNames.has(name)) return true;
    const host = hostOf(name);
    if (host === 'localhost' || host.endsWith('.localhost')) return true;
    const family = isIP(host);
    if (family === 4) return host.startsWith('127.') || this.insecureCidrs.check(host, 'ipv4');
    if (family === 6) return host === '::1' || this.insecureCidrs.check(host, 'ipv6');
    return false;
  }
}

/** The host part of `host[:port]` or `[v6]:port`, brackets removed. */
function hostOf(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(1, registry.indexOf(']'));
  const colon = registry.lastIndexOf(':');
  return colon < 0 ? registry : registry.slice(0, colon);
}
