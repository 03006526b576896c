import { promises as dns } from 'node:dns';
import type { Logger } from '../shared/logger';
import type { DiscoveryConfig } from '../config/botSchema';
import type { AgentClient } from './agentClient';
import type { Fleet } from './fleet';
import { RemoteAgentClient } from './remoteAgentClient';

/** `dns.promises.lookup(name, { all: true, family: 4 })`: /etc/hosts and the system resolver alike. */
export type LookupAll = (
  hostname: string,
  options: { all: true; family: 4 },
) => Promise<readonly { address: string; family: number }[]>;

/** A client of one discovered address: an AgentClient that can learn its name and be renamed and closed. */
export type DiscoveredAgent = AgentClient & {
  identify(signal?: AbortSignal): Promise<string>;
  rename(name: string): void;
  close(): void;
};

/** What a DnsFleet is built from; `lookup` and `connect` are injectable for tests. */
export type DnsFleetOptions = {
  discovery: DiscoveryConfig;
  logger: Logger;
  lookup?: LookupAll;
  /** A client for one agent URL (default: a RemoteAgentClient with the discovery's token and CA). */
  connect?: (url: string) => DiscoveredAgent;
};

type Member = { ip: string; client: DiscoveredAgent; reported: string };

/**
 * The agents behind every A record of `bot.discovery.dns`, one client per address, named by what each agent reports
 * (`name@ip` when two report the same). Refreshed every `interval`: new addresses join once they answer, vanished
 * ones are dropped, and a failing lookup keeps the last good set.
 */
export class DnsFleet implements Fleet {
  private readonly members = new Map<string, Member>();
  private readonly byName = new Map<string, DiscoveredAgent>();
  private readonly silent = new Set<string>();
  private readonly lookup: LookupAll;
  private readonly connect: (url: string) => DiscoveredAgent;
  private dnsFailing: boolean | undefined;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: DnsFleetOptions) {
    const { discovery } = options;
    this.lookup = options.lookup ?? ((name, opts) => dns.lookup(name, opts));
    this.connect =
      options.connect ??
      ((url) =>
        new RemoteAgentClient({
          url,
          ...(discovery.token === undefined ? {} : { token: discovery.token }),
          ...(discovery.ca === undefined ? {} : { ca: discovery.ca }),
        }));
  }

  /** Resolves and identifies once, then keeps refreshing every `interval` until close(). */
  async start(): Promise<void> {
    await this.refresh();
    if (this.closed) return;
    this.timer = setInterval(() => void this.refresh(), this.options.discovery.interval);
    this.timer.unref();
  }

  /** One resolution pass (joined when one is already running). */
  refresh(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  hostNames(): string[] {
    return [...this.byName.keys()].sort();
  }

  agent(host: string): AgentClient | undefined {
    return this.byName.get(host);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
    for (const member of this.members.values()) member.client.close();
    this.members.clear();
    this.byName.clear();
  }

  private async pass(): Promise<void> {
    const { discovery, logger } = this.options;
    let addresses: string[];
    try {
      const found = await this.lookup(discovery.dns, { all: true, family: 4 });
      addresses = [...new Set(found.map((a) => a.address))];
    } catch (err) {
      if (this.dnsFailing !== true) {
        const error = (err as Error).message;
        logger.warn('agent discovery: DNS lookup failed, keeping the agents found before', {
          dns: discovery.dns,
          error,
        });
      }
      this.dnsFailing = true;
      return;
    }
    if (this.dnsFailing === true) logger.info('agent discovery: DNS lookup works again', { dns: discovery.dns });
    this.dnsFailing = false;
    if (this.closed) return;
    for (const [ip, member] of this.members) {
      if (addresses.includes(ip)) continue;
      logger.info('agent discovery: address gone, agent dropped', { ip, host: member.client.hostName() });
      member.client.close();
      this.members.delete(ip);
    }
    for (const ip of this.silent) if (!addresses.includes(ip)) this.silent.delete(ip);
    const fresh = addresses.filter((ip) => !this.members.has(ip));
    await Promise.all(fresh.map((ip) => this.join(ip)));
    this.rename();
  }

  private async join(ip: string): Promise<void> {
    const { discovery, logger } = this.options;
    const url = `${discovery.scheme}://${ip}:${discovery.port}`;
    const client = this.connect(url);
    try {
      const reported = await client.identify();
      if (this.closed) return client.close();
      this.members.set(ip, { ip, client, reported });
      this.silent.delete(ip);
      logger.info('agent discovery: agent found', { url, host: reported });
    } catch (err) {
      client.close();
      if (this.silent.has(ip)) return;
      this.silent.add(ip);
      logger.warn('agent discovery: address does not answer, retrying at the next refresh', {
        url,
        error: (err as Error).message,
      });
    }
  }

  /** Names every member by what it reports, or `name@ip` when several report the same name. */
  private rename(): void {
    const count = new Map<string, number>();
    for (const m of this.members.values()) count.set(m.reported, (count.get(m.reported) ?? 0) + 1);
    this.byName.clear();
    for (const m of [...this.members.values()].sort((a, b) => a.ip.localeCompare(b.ip))) {
      const name = (count.get(m.reported) ?? 0) > 1 ? `${m.reported}@${m.ip}` : m.reported;
      m.client.rename(name);
      this.byName.set(name, m.client);
    }
  }
}
