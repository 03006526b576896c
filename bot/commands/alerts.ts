import type { BotCommand } from '../core/command';
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
    const alerts = (await ctx.agent.alerts())
      .filter((a) => a.state !== 'resolved')
      .sort((a, b) => rank[a.severity] - rank[b.severity] || a.activeAt - b.activeAt);
    const title = `Alerts on ${ctx.agent.hostName()}`;
    if (alerts.length === 0) return { status: 'ok', title, text: 'No alerts are pending or firing.' };
    const rows = alerts.map((a) => [
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
      table: { columns: ['RULE', 'STATE', 'SEVERITY', 'CONTAINER', 'SINCE', 'SUMMARY'], rows },
    };
  },
};
