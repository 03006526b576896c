import type { ContainerRecord } from '../../agent/inventory/containerRecord';
import type { ContainerStats } from '../agentClient';
import type { BotCommand } from '../core/command';
import { answered, noneAnswered, unansweredNote } from '../core/hostScope';
import { formatBytes, formatPercent } from '../core/humanUnits';
import { compareNatural } from '../core/naturalOrder';

/** `stats [container]`: CPU, memory, network and processes of one container, or a table of all running ones. */
export const statsCommand: BotCommand = {
  name: 'stats',
  summary: 'resource use of one container, or of every running one',
  usage: 'stats [container]',
  args: [{ name: 'container', required: false }],
  containerArg: 'container',
  flags: {},
  async run(ctx) {
    if (ctx.target) {
      const { container, agent } = ctx.target;
      const s = await agent.stats(container.id, ctx.signal);
      const title = `Stats of ${container.name}`;
      if (!s) return { status: 'ok', title, text: `${container.name} is ${container.state}: no sample yet.` };
      const [cpu, memory, network, processes] = cells(container, s);
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
    const results = await ctx.across(async (agent, host) => {
      const running = (await agent.containers()).filter((r) => r.state === 'running' && ctx.may('stats', r));
      const rows: { host: string; name: string; cells: string[] }[] = [];
      for (const r of running) {
        const s = await agent.stats(r.id, ctx.signal);
        rows.push({ host, name: r.name, cells: s ? cells(r, s) : NO_SAMPLE });
      }
      return rows;
    });
    const rows = answered(results)
      .flatMap((r) => r.value)
      .sort((a, b) => compareNatural(a.name, b.name) || compareNatural(a.host, b.host))
      .map((r) => [...(ctx.manyHosts ? [r.host] : []), r.name, ...r.cells]);
    const missing = unansweredNote(results);
    const title = ctx.hosts.length === 1 ? `Stats on ${ctx.hosts[0]}` : `Stats on ${ctx.hosts.length} hosts`;
    if (noneAnswered(results)) return { status: 'failed', title, text: missing };
    const note = missing ? `Not answering: ${missing}` : undefined;
    if (rows.length === 0) return { status: 'ok', title, text: note ?? 'No running containers.' };
    const columns = [...(ctx.manyHosts ? ['HOST'] : []), 'NAME', 'CPU', 'MEMORY', 'NET RX/TX', 'PIDS'];
    return { status: 'ok', title, ...(note ? { text: note } : {}), table: { columns, rows } };
  },
};

/** The cells of a running container no sampling pass has covered yet (it started a moment ago). */
const NO_SAMPLE = ['no sample yet', '-', '-', '-'];

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
