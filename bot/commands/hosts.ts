import type { BotCommand } from '../core/command';

/** `hosts`: the agents this bot reaches and their engines. */
export const hostsCommand: BotCommand = {
  name: 'hosts',
  summary: 'the hosts this bot reaches',
  usage: 'hosts',
  args: [],
  flags: {},
  async run(ctx) {
    const rows = (await ctx.agent.hosts()).map((h) => [
      h.name,
      h.engineUp ? 'up' : 'unreachable',
      h.engineVersion ?? '',
      `${h.running}/${h.containers}`,
    ]);
    return { status: 'ok', title: 'Hosts', table: { columns: ['HOST', 'ENGINE', 'VERSION', 'RUNNING/ALL'], rows } };
  },
};
