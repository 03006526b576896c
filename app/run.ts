import type { RunningAgent } from './agent';
import type { Logger } from '../shared/logger';
import type { Config } from '../config/schema';
import { startBot, type RunningBot } from '../bot/botRuntime';
import type { Fleet } from '../bot/fleet';
import { buildFleet } from '../bot/fleetFromConfig';
import { InProcessAgent } from '../api/inProcessAgent';
import { UnionFleet } from '../bot/remote/unionFleet';
import { StaticFleet } from '../bot/staticFleet';

/**
 * The bot of `dockwatch run`: the agent of this process first, plus the agents of `bot.agents` and `bot.discovery`
 * when configured; audit and alert posts in the agent's store.
 */
export async function startInProcessBot(config: Config, agent: RunningAgent, logger: Logger): Promise<RunningBot> {
  const local = new StaticFleet([new InProcessAgent(agent, { config, actions: agent.actions, pulls: agent.pulls })]);
  const remote = config.bot.agents.length || config.bot.discovery ? await buildFleet(config.bot, logger) : undefined;
  const fleet: Fleet = remote ? new UnionFleet([local, remote], () => void remote.close()) : local;
  return startBot({ config, fleet, store: agent.store, logger, release: () => fleet.close() });
}
