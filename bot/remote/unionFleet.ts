import type { AgentClient } from '../agentClient';
import type { Fleet } from '../fleet';

/**
 * Several fleets as one (`bot.agents` plus discovery): a host name the first fleet knows hides the same name in a
 * later one, so a configured agent wins over its discovered twin.
 */
export class UnionFleet implements Fleet {
  constructor(
    private readonly parts: readonly Fleet[],
    private readonly onClose: () => void = () => undefined,
  ) {}

  hostNames(): string[] {
    return [...new Set(this.parts.flatMap((f) => f.hostNames()))].sort();
  }

  agent(host: string): AgentClient | undefined {
    for (const fleet of this.parts) {
      const agent = fleet.agent(host);
      if (agent) return agent;
    }
    return undefined;
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((f) => f.close()));
    this.onClose();
  }
}
