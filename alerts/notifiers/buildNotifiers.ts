import type { NotifierConfig, NotifiersConfig } from '../../config/notifiersSchema';
import { alertmanager } from './alertmanager';
import { discordWebhook } from './discordWebhook';
import type { Notifier } from './notifier';
import { slackWebhook } from './slackWebhook';
import { webhook } from './webhook';

/** The notifiers built from the config, and a line per entry that could not be built (none after validation). */
export type BuiltNotifiers = { notifiers: Notifier[]; errors: string[] };

/** The one wiring place from `notifiers:` entries to Notifier instances; collects every error instead of stopping. */
export function buildNotifiers(configs: NotifiersConfig, now: () => number): BuiltNotifiers {
  const built: BuiltNotifiers = { notifiers: [], errors: [] };
  configs.forEach((config, i) => {
    try {
      built.notifiers.push(buildNotifier(config, now));
    } catch (err) {
      built.errors.push(`notifiers[${i}] (${config.name}): ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return built;
}

function buildNotifier(config: NotifierConfig, now: () => number): Notifier {
  switch (config.type) {
    case 'discord-webhook':
      return discordWebhook(config, now);
    case 'slack-webhook':
      return slackWebhook(config, now);
    case 'alertmanager':
      return alertmanager(config, now);
    case 'webhook':
      return webhook(config, now);
  }
}
