import type { Alert } from '../alerts/alert';
import { formatAgo } from './core/humanUnits';
import { RUN_PREFIX } from './core/commandCore';
import type { Reply, ReplyButton } from './core/reply';
import { quoteWords } from '../shared/tokenize';

/** How long the "Silence 1h" button on an alert message silences it for. */
export const ALERT_SILENCE = '1h';

/**
 * An alert as a chat message posted by the bot: what fired (or resolved), on which host, with buttons that run
 * `restart` and `logs` on its container and `silence` for an hour, each authorized for whoever presses it. An update
 * notice (an `update-available` alert, labelled with the container's `image` and the new `digest`) has **Deploy**
 * (`deploy <container> <image>`, confirmed like the command) instead of Restart.
 */
export function alertMessage(alert: Alert, host: string, now: number): Reply {
  const container = alert.labels.container;
  const resolved = alert.state === 'resolved';
  const fields = [
    { name: 'Host', value: host },
    { name: 'Severity', value: alert.severity },
    ...(container ? [{ name: 'Container', value: container }] : []),
    {
      name: resolved ? 'Resolved' : 'Since',
      value: formatAgo(alert.resolvedAt ?? alert.firedAt ?? alert.activeAt, now),
    },
  ];
  const lines = alert.lines?.length ? { code: { text: alert.lines.join('\n') } } : {};
  return {
    status: resolved ? 'ok' : 'failed',
    title: `${resolved ? 'Resolved' : 'Firing'}: ${alert.rule}${container ? ` on ${container}` : ''}`,
    text: alert.annotations.summary ?? alert.annotations.description ?? '',
    fields,
    ...lines,
    ...(resolved ? {} : { buttons: alertButtons(alert, host) }),
  };
}

function alertButtons(alert: Alert, host: string): ReplyButton[] {
  const container = alert.labels.container;
  const run = (...words: string[]) => `${RUN_PREFIX}${quoteWords([...words, '--host', host])}`;
  const buttons: ReplyButton[] = [];
  const update = updateTarget(alert);
  if (container && update) {
    buttons.push({ id: run('deploy', container, update.image), label: 'Deploy', style: 'primary' });
    buttons.push({ id: run('logs', container, '--tail', '50'), label: 'Logs', style: 'secondary' });
  } else if (container) {
    buttons.push({ id: run('restart', container), label: 'Restart', style: 'danger' });
    buttons.push({ id: run('logs', container, '--tail', '50'), label: 'Logs', style: 'secondary' });
  }
  if (!/[,=]/.test(alert.rule)) {
    const matcher = container ? `rule=${alert.rule},container=${container}` : `rule=${alert.rule}`;
    buttons.push({ id: run('silence', matcher, ALERT_SILENCE), label: 'Silence 1h', style: 'secondary' });
  }
  return buttons;
}

/** The image an update notice offers to deploy: both of the `image` and `digest` labels the update check sets. */
export function updateTarget(alert: Pick<Alert, 'labels'>): { image: string; digest: string } | undefined {
  const { image, digest } = alert.labels;
  return image && digest && /^sha256:[0-9a-f]{64}$/.test(digest) ? { image, digest } : undefined;
}
