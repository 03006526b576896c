import type { NotifierConfigOf } from '../../config/notifiersSchema';
import { renderDiscord } from './discordPayload';
import { postJson } from './httpPost';
import type { Notifier } from './notifier';

/**
 * A Discord channel webhook: POSTs {@link renderDiscord}'s message with `?wait=true`, so Discord answers with the
 * message or with an error (and its `retry_after` when rate limited) instead of a blind 204.
 */
export function discordWebhook(config: NotifierConfigOf<'discord-webhook'>, now: () => number): Notifier {
  const url = new URL(config.url);
  url.searchParams.set('wait', 'true');
  return {
    name: config.name,
    type: 'discord-webhook',
    deliver: (notification, signal) =>
      postJson({
        name: config.name,
        url: url.toString(),
        body: renderDiscord(notification, config),
        timeoutMs: config.timeout,
        signal,
        now,
      }),
  };
}
