import type { BotCommand } from '../core/command';
import { isCommandName } from '../../config/commandNames';
import { shown } from '../core/commandParser';
import { invalidReply } from '../core/reply';

/** `help [command]`: the commands this user may run, or one command's usage. */
export const helpCommand: BotCommand = {
  name: 'help',
  summary: 'the commands you may run, or how to use one',
  usage: 'help [command]',
  args: [{ name: 'command', required: false }],
  flags: {},
  async run(ctx) {
    const mine = ctx.specs.filter((s) => ctx.may(s.name));
    const asked = ctx.command.args.command?.toLowerCase();
    if (asked !== undefined) {
      const spec = mine.find((s) => s.name === asked);
      if (!spec) {
        const why = isCommandName(asked) ? 'you may not run it' : 'no such command';
        return invalidReply(`no help for ${shown(asked)}: ${why}`);
      }
      return { status: 'ok', title: spec.usage, text: spec.summary };
    }
    return {
      status: 'ok',
      title: 'Commands you may run',
      table: { columns: ['COMMAND', 'WHAT IT DOES'], rows: mine.map((s) => [s.usage, s.summary]) },
    };
  },
};
