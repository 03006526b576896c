import type { ContainerRecord } from '../../agent/inventory/containerRecord';
import type { ContainerStats } from '../agentClient';
import type { BotCommand } from '../core/command';
import { formatBytes, formatPercent } from '../core/humanUnits';

/** `stats [container]`: CPU, memory, network and processes of one container, or a table of all running ones. */
export const statsCommand: BotCommand = {
  name: 'stats',
  summary: 'resource use of one container, or of every running one',
  usage: 'stats [container]',
  args: [{ name: 'container', required: false }],
  containerArg: 'container',
  flags: {},
  async run(ctx) {
    if (ctx.container) {
      const s = await ctx.agent.stats(ctx.container.id, ctx.signal);
      const title = `Stats of ${ctx.container.name}`;
      if (!s) return { status: 'ok', title, text: `${ctx.container.name} is ${ctx.container.state}: no sample yet.` };
      const [cpu, memory, network, processes] = cells(ctx.container, s);
      return {
        status: 'ok',
        title,
        fields: [
          { name: 'CPU', value: cpu },
          { name: 'Memory', value: memory },
          { name: 'Network rx/tx', value: network },
          { name: 'Processes', value: processes },
        ],
      };
    }
    const running = (await ctx.agent.containers())
      .filter((r) => r.state === 'running' && ctx.may('stats', r))
      .sort((a, b) => a.name.localeCompare(b.name));
    const rows: string[][] = [];
    for (const r of running) {
      const s = await ctx.agent.stats(r.id, ctx.signal);
      rows.push([r.name, ...(s ? cells(r, s) : ['', '', '', ''])]);
    }
    const title = `Stats on ${ctx.agent.hostName()}`;
    if (rows.length === 0) return { status: 'ok', title, text: 'No running containers.' };
    return { status: 'ok', title, table: { columns: ['NAME', 'CPU', 'MEMORY', 'NET RX/TX', 'PIDS'], rows } };
  },
};

function cells(record: ContainerRecord, s: ContainerStats): [string, string, string, string] {
  const cpu = s.cpuPercent === undefined ? 'n/a' : formatPercent(s.cpuPercent);
  const limit = s.memoryLimitBytes || record.spec.memoryLimitBytes;
  const memory =
    s.memoryWorkingSetBytes === undefined
      ? 'n/a'
      : `${formatBytes(s.memoryWorkingSetBytes)}${limit ? ` / ${formatBytes(limit)}` : ''}`;
  const network =
    s.networkRxBytes === undefined ? 'n/a' : `${formatBytes(s.networkRxBytes)} / ${formatBytes(s.networkTxBytes ?? 0)}`;
  return [cpu, memory, network, s.processes === undefined ? 'n/a' : String(s.processes)];
}
