import type { BotCommand } from '../core/command';
import { shown } from '../core/commandParser';
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
    if (!(await ctx.agent.removeSilence(id))) {
      const ids = (await ctx.agent.silences()).map((s) => s.id);
      return invalidReply(
        `no silence ${shown(id)}${ids.length ? ` (silences: ${ids.join(', ')})` : ' (there are none)'}`,
      );
    }
    return { status: 'ok', title: `Silence ${id} removed` };
  },
};
