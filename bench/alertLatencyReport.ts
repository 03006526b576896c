import { cpus, getPriority, loadavg, release } from 'node:os';
import { attachSplit, detailTable, latencyTable, targetLines, type ScenarioResult } from './alertLatencyTable';
import { BENCH_IMAGE, type BenchEngine } from './benchFleet';

/** What the report says about how the bench ran. */
export type ReportSettings = {
  rounds: number;
  spacingsMs: readonly number[];
  groupWait: string;
  groupWindow: string;
};

/** One scenario result and the round it came from. */
export type RoundResult = { round: number; result: ScenarioResult };

/** A log line written this soon after its container started is read when the agent's log stream opens. */
const EARLY_LINE_MS = 300;

function niceNote(): string {
  const nice = getPriority();
  return nice ? ` under \`nice -n ${nice}\` (inherited from the bench)` : '';
}

/** The host, engine and method, for above the table. */
export async function describeEnvironment(engine: BenchEngine, settings: ReportSettings): Promise<string> {
  const [version, info] = await Promise.all([engine.docker.version(), engine.docker.info()]);
  const info2 = info as { CgroupVersion?: string; CgroupDriver?: string; ContainersRunning?: number };
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  return [
    `Host: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), Linux ${release()}, Node ${process.version};`,
    `engine ${version.Version} at ${engine.host} (API ${engine.apiVersion}), cgroup v${info2.CgroupVersion ?? '?'} ${info2.CgroupDriver ?? ''},`,
    `${info2.ContainersRunning ?? '?'} containers running at start; load average (1 / 5 / 15 min) ${load}.`,
    `Agent: \`node dist/cli.js run\` as a child process${niceNote()}, webhook notifier to a node:http receiver in the`,
    `bench process, \`groupWait: ${settings.groupWait}\`, \`groupWindow: ${settings.groupWindow}\`: the latency of a lone alert (grouping`,
    `adds its wait by design; an alert that follows another of its rule within the window waits for the window's end).`,
    `Containers: ${BENCH_IMAGE}, network none, created first, then started ${settings.spacingsMs.join(' or ')} ms apart`,
    `(the engine's own work for one container start and exit is ~1 CPU-second on this VM). Percentiles by nearest rank`,
    `(below 100 samples p99 is the maximum).`,
  ].join('\n');
}

/** Pools the rounds of each row name (scenario and spacing) into one result, in order of first appearance. */
export function poolRounds(results: readonly ScenarioResult[]): ScenarioResult[] {
  const byName = new Map<string, ScenarioResult>();
  for (const r of results) {
    const prev = byName.get(r.name);
    if (!prev) {
      byName.set(r.name, { ...r });
      continue;
    }
    const sched =
      prev.agentSched && r.agentSched
        ? { cpuMs: prev.agentSched.cpuMs + r.agentSched.cpuMs, waitMs: prev.agentSched.waitMs + r.agentSched.waitMs }
        : undefined;
    byName.set(r.name, {
      ...prev,
      containers: prev.containers + r.containers,
      samples: [...prev.samples, ...r.samples],
      missing: [...prev.missing, ...r.missing],
      lateEvents: prev.lateEvents + r.lateEvents,
      agentSched: sched,
      load: Math.max(prev.load, r.load),
    });
  }
  return [...byName.values()];
}

/** The markdown report: environment, the table (each round, then all rounds), PASS/MISS lines and details. */
export function renderReport(results: readonly RoundResult[], settings: ReportSettings, environment: string): string {
  const pooled = poolRounds(results.map((r) => r.result));
  const rows = pooled.flatMap((all) => [
    ...results
      .filter((r) => r.result.name === all.name)
      .map((r) => ({ ...r.result, name: `${r.result.name}, round ${r.round}` })),
    ...(settings.rounds > 1 ? [{ ...all, name: `${all.name}, all ${settings.rounds} rounds` }] : []),
  ]);
  return [
    `## dockwatch alert latency bench (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    `Command: \`${['node dist/bench/alertLatencyBench.js', ...process.argv.slice(2)].join(' ')}\``,
    '',
    environment,
    '',
    ...latencyTable(rows),
    '',
    `Targets (issue 3), over all rounds:`,
    '',
    ...targetLines(pooled),
    '',
    ...pooled.filter((r) => r.cause.includes('line')).map((r) => `- ${attachSplit(r, EARLY_LINE_MS)}`),
    '',
    'Details:',
    '',
    ...detailTable(rows),
    '',
    `Load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}.`,
    '',
  ].join('\n');
}
