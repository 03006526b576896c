import type { AgentClient } from './agentClient';
import type { Fleet } from './fleet';

/** A fixed set of agents keyed by their host names (the in-process agent, or `bot.agents`). */
export class StaticFleet implements Fleet {
  private readonly byHost = new Map<string, AgentClient>();

  constructor(agents: readonly AgentClient[]) {
    for (const agent of agents) {
      const name = agent.hostName();
      if (this.byHost.has(name)) throw new Error(`two agents are named ${JSON.stringify(name)}`);
      this.byHost.set(name, agent);
    }
  }

  hostNames(): string[] {
    return [...this.byHost.keys()].sort();
  }

  agent(host: string): AgentClient | undefined {
    return this.byHost.get(host);
  }

  async close(): Promise<void> {}
}
