import type { Logger } from '../shared/logger';
import type { Store } from '../agent/store/database';
import type { Config } from '../config/schema';
import { actionTimeoutFor, buildCommandCore } from '.';
import type { ChatAdapter } from './adapters/chatAdapter';
import { AlertFeed } from './alertFeed';
import { AlertPostStore } from './alertPostStore';
import type { CommandCore } from './core/commandCore';
import type { Fleet } from './fleet';

/** How often the bot reads every host's alerts to post them. */
export const ALERT_FEED_INTERVAL_MS = 5000;

/**
 * What the bot runs on: the whole config, the agents, the store for its audit and alert posts, and what to release
 * when it stops or fails to start (the fleet's connections, a store of its own).
 */
export type BotRuntimeDeps = {
  config: Config;
  fleet: Fleet;
  store: Store;
  logger: Logger;
  release: () => Promise<void>;
};

/** A running bot: its command core and adapters, stopped together. */
export type RunningBot = { core: CommandCore; adapters: readonly ChatAdapter[]; stop(): Promise<void> };

/**
 * Starts the chat side (the one wiring place of the adapters, one line each): the command core, every configured
 * adapter (loaded only when configured, so an agent without a bot never loads discord.js or bolt) and the alert feed
 * posting to them. An adapter that fails to start stops the others and rejects with every failure named.
 */
export async function startBot(deps: BotRuntimeDeps): Promise<RunningBot> {
  const { config, fleet, store, logger } = deps;
  const actionTimeoutMs = actionTimeoutFor(config.revisions.rollbackTimeout);
  const core = buildCommandCore({ bot: config.bot, fleet, store, logger, actionTimeoutMs });
  let adapters: ChatAdapter[];
  try {
    adapters = await startAdapters(config, core, logger);
  } catch (err) {
    await deps.release();
    throw err;
  }
  const feed = new AlertFeed({
    fleet,
    adapters,
    posts: new AlertPostStore(store),
    intervalMs: ALERT_FEED_INTERVAL_MS,
    logger,
  });
  feed.start();
  logger.info('bot started', { adapters: adapters.map((a) => a.platform), hosts: fleet.hostNames() });
  return {
    core,
    adapters,
    async stop() {
      core.stopLive();
      await feed.stop();
      await Promise.allSettled(adapters.map((a) => a.stop()));
      await deps.release();
    },
  };
}

/** Loads and starts every configured adapter, one line each; one that fails stops the others. */
async function startAdapters(config: Config, core: CommandCore, logger: Logger): Promise<ChatAdapter[]> {
  const adapters: ChatAdapter[] = [];
  const { discord, slack } = config.bot;
  if (discord) {
    const { createDiscordAdapter } = await import('./adapters/discord/discordAdapter');
    adapters.push(createDiscordAdapter({ config: discord, core, logger }));
  }
  if (slack) {
    const { createSlackAdapter } = await import('./adapters/slack/slackAdapter');
    adapters.push(createSlackAdapter({ config: slack, core, logger }));
  }
  const started = await Promise.allSettled(adapters.map((a) => a.start()));
  const failures = started.flatMap((r, i) =>
    r.status === 'rejected' ? [`${adapters[i]?.platform}: ${(r.reason as Error).message ?? String(r.reason)}`] : [],
  );
  if (failures.length) {
    await Promise.allSettled(adapters.map((a) => a.stop()));
    throw new Error(`the bot could not start: ${failures.join('; ')}`);
  }
  return adapters;
}
