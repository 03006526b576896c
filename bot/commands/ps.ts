import { matchesGlob } from '../../config/glob';
import type { BotCommand } from '../core/command';
import { shown } from '../core/commandParser';
import { answered, noneAnswered, unansweredNote } from '../core/hostScope';
import { formatAgo } from '../core/humanUnits';
import { compareNatural } from '../core/naturalOrder';

/** `ps [filter] [--all] [--host H]`: the containers the user may see on every host (or one), running ones unless --all. */
export const psCommand: BotCommand = {
  name: 'ps',
  summary: 'list containers (running unless --all); filter by name, glob or substring',
  usage: 'ps [filter] [--all]',
  args: [{ name: 'filter', required: false }],
  flags: { all: { kind: 'boolean' } },
  async run(ctx) {
    const filter = ctx.command.args.filter;
    const all = ctx.command.flags.all === true;
    const matches = (name: string) =>
      filter === undefined || (/[*?[]/.test(filter) ? matchesGlob(filter, name) : name.includes(filter));
    const now = ctx.now();
    const results = await ctx.across((agent) => agent.containers());
    const missing = unansweredNote(results);
    const showHost = ctx.manyHosts;
    const rows = answered(results)
      .flatMap(({ host, value }) => value.map((r) => ({ host, r })))
      .filter(({ r }) => (all || r.state === 'running') && matches(r.name) && ctx.may('ps', r))
      .sort((a, b) => compareNatural(a.r.name, b.r.name) || compareNatural(a.host, b.host))
      .map(({ host, r }) => [
        ...(showHost ? [host] : []),
        r.name,
        r.state,
        r.health === 'none' ? '' : r.health,
        r.image,
        r.state === 'running' && r.startedAt ? `up since ${formatAgo(r.startedAt * 1000, now)}` : '',
      ]);
    const title = ctx.hosts.length === 1 ? `Containers on ${ctx.hosts[0]}` : `Containers on ${ctx.hosts.length} hosts`;
    if (noneAnswered(results)) return { status: 'failed', title, text: missing };
    const note = missing ? `Not answering: ${missing}` : undefined;
    if (rows.length === 0) {
      const hostsThatAnswered = answered(results).map((r) => r.host);
      const on = missing ? ` on ${hostsThatAnswered.join(', ')}` : '';
      const none = `No ${all ? '' : 'running '}containers${filter ? ` match ${shown(filter)}` : ''}${on}.`;
      return { status: 'ok', title, text: note ? `${none} ${note}` : none };
    }
    const columns = [...(showHost ? ['HOST'] : []), 'NAME', 'STATE', 'HEALTH', 'IMAGE', 'STATUS'];
    return { status: 'ok', title, ...(note ? { text: note } : {}), table: { columns, rows } };
  },
};
