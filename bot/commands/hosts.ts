import type { BotCommand } from '../core/command';

/** `hosts`: the agents this bot reaches and their engines; an agent that does not answer is listed as such. */
export const hostsCommand: BotCommand = {
  name: 'hosts',
  summary: 'the hosts this bot reaches',
  usage: 'hosts',
  args: [],
  flags: {},
  async run(ctx) {
    const results = await ctx.across((agent) => agent.hosts());
    const rows = results.flatMap((r) =>
      r.ok
        ? r.value.map((h) => [
            h.name,
            h.engineUp ? 'up' : 'unreachable',
            h.engineVersion ?? '',
            h.running === undefined || h.containers === undefined ? '?' : `${h.running}/${h.containers}`,
          ])
        : [[r.host, 'agent not answering', '', '']],
    );
    if (rows.length === 0) return { status: 'ok', title: 'Hosts', text: 'No agent is configured or discovered.' };
    return { status: 'ok', title: 'Hosts', table: { columns: ['HOST', 'ENGINE', 'VERSION', 'RUNNING/ALL'], rows } };
  },
};
