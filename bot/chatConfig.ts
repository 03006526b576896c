import type { Config } from '../config/schema';

/** Whether the config turns on a chat adapter (`bot.discord` or `bot.slack`); without one no bot code is loaded. */
export function hasChatAdapter(config: Config): boolean {
  return config.bot.discord !== undefined || config.bot.slack !== undefined;
}
