import type { NotifierConfigOf } from '../../config/notifiersSchema';
import { postJson } from './httpPost';
import type { Notifier } from './notifier';
import { renderSlack } from './slackPayload';

/** A Slack incoming webhook: POSTs {@link renderSlack}'s Block Kit message (Slack answers 200 `ok` or an error). */
export function slackWebhook(config: NotifierConfigOf<'slack-webhook'>, now: () => number): Notifier {
  return {
    name: config.name,
    type: 'slack-webhook',
    deliver: (notification, signal) =>
      postJson({
        name: config.name,
        url: config.url,
        body: renderSlack(notification, config),
        timeoutMs: config.timeout,
        signal,
        now,
      }),
  };
}
