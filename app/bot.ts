import type { Logger } from '../shared/logger';
import { openStore } from '../agent/store/database';
import { storeHealthOf } from '../agent/store/storeHealth';
import type { Config } from '../config/schema';
import { startBot, type RunningBot } from '../bot/botRuntime';
import { buildFleet } from '../bot/fleetFromConfig';

/**
 * The bot of `dockwatch bot`: the agents of `bot.agents` and `bot.discovery` over their control APIs, its audit and
 * alert posts in its own store under `agent.dataDir`.
 */
export async function startRemoteBot(config: Config, logger: Logger): Promise<RunningBot> {
  const fleet = await buildFleet(config.bot, logger);
  const store = openStore(config.agent.dataDir);
  storeHealthOf(store).logTo(logger);
  const release = async () => {
    await fleet.close();
    store.close();
  };
  return startBot({ config, fleet, store, logger, release });
}
