import { startAgent, type RunningAgent } from '../../app/agent';
import type { Logger } from '../../shared/logger';
import { buildCommandCore } from '../../bot';
import type { CommandCore } from '../../bot/core/commandCore';
import { InProcessAgent } from '../../api/inProcessAgent';
import { StaticFleet } from '../../bot/staticFleet';
import { loadConfig } from '../../config/load';
import type { Config } from '../../config/schema';
import { waitFor } from './waitFor';

/** An agent started from a config file and the command core over it in process, as `dockwatch run` wires them. */
export type AgentWithCore = { config: Config; agent: RunningAgent; core: CommandCore };

/**
 * Loads `configFile` as the CLI does (with the test's DOCKER_HOST), starts the agent, waits until it has synced with
 * the engine, and builds the command core over it with `actionTimeoutMs` as the action deadline.
 */
export async function startAgentWithCore(
  configFile: string,
  logger: Logger,
  actionTimeoutMs: number,
): Promise<AgentWithCore> {
  const config = loadConfig({ file: configFile, env: { DOCKER_HOST: process.env.DOCKER_HOST } });
  const agent = await startAgent(config, logger);
  await waitFor(async () => agent.engine.up, { what: 'the agent to sync', timeoutMs: 20_000 });
  const core = buildCommandCore({
    bot: config.bot,
    fleet: new StaticFleet([new InProcessAgent(agent, { config, actions: agent.actions })]),
    store: agent.store,
    logger,
    actionTimeoutMs,
  });
  return { config, agent, core };
}
