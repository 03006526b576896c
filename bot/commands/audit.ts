import type { BotCommand } from '../core/command';
import { formatTime } from '../core/humanUnits';

/** `audit [--last N]`: the latest audit entries, oldest first. */
export const auditCommand: BotCommand = {
  name: 'audit',
  summary: 'the latest commands, decisions and results (default 20)',
  usage: 'audit [--last N]',
  args: [],
  flags: { last: { kind: 'integer', min: 1, max: 1000 } },
  async run(ctx) {
    const last = ctx.command.flags.last;
    const entries = ctx.audit.last(typeof last === 'number' ? last : 20);
    if (entries.length === 0) return { status: 'ok', title: 'Audit', text: 'Nothing recorded yet.' };
    const rows = entries.map((e) => [formatTime(e.at), `${e.platform}:${e.userId}`, e.command, e.event, e.detail]);
    return { status: 'ok', title: 'Audit', table: { columns: ['TIME', 'USER', 'COMMAND', 'EVENT', 'DETAIL'], rows } };
  },
};
