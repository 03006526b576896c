import type { BotCommand } from '../core/command';
import { answered, noneAnswered, unansweredNote } from '../core/hostScope';
import { formatAgo } from '../core/humanUnits';

/** `alerts`: the pending and firing alerts, most severe first. */
export const alertsCommand: BotCommand = {
  name: 'alerts',
  summary: 'the pending and firing alerts',
  usage: 'alerts',
  args: [],
  flags: {},
  async run(ctx) {
    const rank = { critical: 0, warning: 1, info: 2 } as const;
    const now = ctx.now();
    const results = await ctx.across((agent) => agent.alerts());
    const missing = unansweredNote(results);
    const alerts = answered(results)
      .flatMap(({ host, value }) => value.map((a) => ({ ...a, host })))
      .filter((a) => a.state !== 'resolved')
      .sort((a, b) => rank[a.severity] - rank[b.severity] || a.activeAt - b.activeAt);
    const title = ctx.hosts.length === 1 ? `Alerts on ${ctx.hosts[0]}` : `Alerts on ${ctx.hosts.length} hosts`;
    if (noneAnswered(results)) return { status: 'failed', title, text: missing };
    const note = missing ? `Not answering: ${missing}` : undefined;
    if (alerts.length === 0) {
      return { status: 'ok', title, text: `No alerts are pending or firing.${note ? ` ${note}` : ''}` };
    }
    const rows = alerts.map((a) => [
      ...(ctx.manyHosts ? [a.host] : []),
      a.rule,
      a.state,
      a.severity,
      a.labels.container ?? '',
      formatAgo(a.firedAt ?? a.activeAt, now),
      a.annotations.summary ?? '',
    ]);
    return {
      status: 'ok',
      title,
      ...(note ? { text: note } : {}),
      table: {
        columns: [...(ctx.manyHosts ? ['HOST'] : []), 'RULE', 'STATE', 'SEVERITY', 'CONTAINER', 'SINCE', 'SUMMARY'],
        rows,
      },
    };
  },
};
