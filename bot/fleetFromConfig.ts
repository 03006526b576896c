import { readFileSync } from 'node:fs';
import type { Logger } from '../shared/logger';
import type { BotConfig } from '../config/botSchema';
import { ConfigError } from '../config/configError';
import { DnsFleet, type LookupAll } from './dnsFleet';
import type { Fleet } from './fleet';
import { RemoteAgentClient } from './remoteAgentClient';
import { UnionFleet } from './remote/unionFleet';
import { StaticFleet } from './staticFleet';

/** Test seams of {@link buildFleet}. */
export type FleetOptions = { lookup?: LookupAll };

/**
 * The agents `dockwatch bot` reaches (the one wiring place of its fleet): every `bot.agents` entry by its configured
 * name, plus the agents `bot.discovery` finds (both together: the union, configured names first). Every problem is
 * collected into one ConfigError; agents that do not answer yet are not a problem (commands say so when used).
 */
export async function buildFleet(bot: BotConfig, logger: Logger, options: FleetOptions = {}): Promise<Fleet> {
  const problems: string[] = [];
  const clients: RemoteAgentClient[] = [];
  bot.agents.forEach((entry, i) => {
    try {
      clients.push(
        new RemoteAgentClient({
          name: entry.name,
          url: entry.url,
          ...(entry.token === undefined ? {} : { token: entry.token }),
          ...(entry.ca === undefined ? {} : { ca: entry.ca }),
        }),
      );
    } catch (err) {
      problems.push(`bot.agents[${i}] (${entry.name}): ${(err as Error).message}`);
    }
  });
  const { discovery } = bot;
  if (discovery?.ca !== undefined) {
    try {
      readFileSync(discovery.ca);
    } catch (err) {
      problems.push(`bot.discovery.ca: cannot read ${discovery.ca} (${(err as NodeJS.ErrnoException).code ?? ''})`);
    }
  }
  if (bot.agents.length === 0 && !discovery) {
    problems.push('bot: no agents to reach (list them in bot.agents or set bot.discovery)');
  }
  if (problems.length) {
    for (const client of clients) client.close();
    throw new ConfigError(problems);
  }
  const closeClients = () => clients.forEach((c) => c.close());
  const configured = new StaticFleet(clients);
  if (!discovery) return new UnionFleet([configured], closeClients);
  const discovered = new DnsFleet({ discovery, logger, ...(options.lookup ? { lookup: options.lookup } : {}) });
  await discovered.start();
  return new UnionFleet([configured, discovered], closeClients);
}
