import { matchesGlob } from '../../config/glob';
import type { BotCommand } from '../core/command';
import { formatAgo } from '../core/humanUnits';
import { invalidReply } from '../core/reply';
import { shown } from '../core/commandParser';

/** `ps [filter] [--all] [--host H]`: the containers the user may see, running ones unless --all. */
export const psCommand: BotCommand = {
  name: 'ps',
  summary: 'list containers (running unless --all); filter by name, glob or substring',
  usage: 'ps [filter] [--all] [--host H]',
  args: [{ name: 'filter', required: false }],
  flags: { all: { kind: 'boolean' }, host: { kind: 'text' } },
  async run(ctx) {
    const host = ctx.agent.hostName();
    const wanted = ctx.command.flags.host;
    if (typeof wanted === 'string' && wanted !== host)
      return invalidReply(`unknown host ${shown(wanted)} (hosts: ${host})`);
    const filter = ctx.command.args.filter;
    const all = ctx.command.flags.all === true;
    const matches = (name: string) =>
      filter === undefined || (/[*?[]/.test(filter) ? matchesGlob(filter, name) : name.includes(filter));
    const now = ctx.now();
    const rows = (await ctx.agent.containers())
      .filter((r) => (all || r.state === 'running') && matches(r.name) && ctx.may('ps', r))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((r) => [
        r.name,
        r.state,
        r.health === 'none' ? '' : r.health,
        r.image,
        r.state === 'running' && r.startedAt ? `up since ${formatAgo(r.startedAt * 1000, now)}` : '',
      ]);
    const title = `Containers on ${host}`;
    if (rows.length === 0) {
      return {
        status: 'ok',
        title,
        text: `No ${all ? '' : 'running '}containers${filter ? ` match ${shown(filter)}` : ''}.`,
      };
    }
    return { status: 'ok', title, table: { columns: ['NAME', 'STATE', 'HEALTH', 'IMAGE', 'STATUS'], rows } };
  },
};
