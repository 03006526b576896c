import type { BotCommand } from '../core/command';
import { shown } from '../core/commandParser';
import { answered } from '../core/hostScope';
import { invalidReply } from '../core/reply';

/** `unsilence <id>`: ends a silence now. */
export const unsilenceCommand: BotCommand = {
  name: 'unsilence',
  summary: 'end a silence now',
  usage: 'unsilence <id>',
  args: [{ name: 'id', required: true }],
  flags: {},
  async run(ctx) {
    const id = ctx.command.args.id ?? '';
    const removed = answered(await ctx.across((agent) => agent.removeSilence(id))).filter((r) => r.value);
    if (removed.length === 0) {
      const ids = answered(await ctx.across((agent) => agent.silences())).flatMap((r) => r.value.map((s) => s.id));
      return invalidReply(
        `no silence ${shown(id)}${ids.length ? ` (silences: ${ids.join(', ')})` : ' (there are none)'}`,
      );
    }
    const where = ctx.manyHosts ? ` on ${removed.map((r) => r.host).join(', ')}` : '';
    return { status: 'ok', title: `Silence ${id} removed${where}` };
  },
};
