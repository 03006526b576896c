import type { AgentClient } from './agentClient';

/**
 * The agents the bot reaches, one per host: the in-process agent (`dockwatch run`), the agents listed in
 * `bot.agents`, or those found by DNS (`bot.discovery`). Commands aggregate over `hostNames()` or pick one host.
 */
export interface Fleet {
  /** The host names reachable now (configured or discovered), sorted. */
  hostNames(): string[];
  /** The client of one host, or undefined when no such host is known. */
  agent(host: string): AgentClient | undefined;
  /** Stops background work (discovery refreshes, open connections). */
  close(): Promise<void>;
}
