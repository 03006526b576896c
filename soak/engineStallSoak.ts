import { markdownTable } from '../bench/markdownTable';
import { percentile } from '../bench/passTiming';
import { runEngineStallSoak, type EngineStallFigures, type ScrapeSample } from './engineStallRun';
import { reportProblems, soakIntegers, soakProgress, type SoakScenario } from './soakScenario';

const USAGE =
  'usage: npm run soak -- engine-stall [--seconds N] [--containers N] (defaults: a 60 s stall at 100 containers)';

/** The figure: /metrics p99 during the stall at 100 containers. */
const P99_TARGET_MS = 25;

const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(1));
const s = (v: number | undefined) => (v === undefined ? 'never' : `${(v / 1000).toFixed(1)} s`);

/** One row of the latency table: a phase's scrapes, p50, p99 and max. */
function latencyRow(phase: string, samples: readonly ScrapeSample[]): string[] {
  const times = samples.map((x) => x.ms);
  const failed = samples.filter((x) => x.status !== 200).length;
  return [
    phase,
    String(samples.length),
    String(failed),
    ms(percentile(times, 50)),
    ms(percentile(times, 99)),
    ms(Math.max(...times)),
  ];
}

/** The two tables the scenario prints: /metrics latency by phase, then the engine figures. */
export function engineStallTables(f: EngineStallFigures): string[] {
  const answers = [...f.reads.values()];
  const count = (status: number) => answers.filter((a) => a === status).length;
  return [
    `engine stalled ${f.stallMs / 1000} s at ${f.containers} idle containers (docker.stallTimeout ${f.stallTimeoutMs / 1000} s); /metrics every 100 ms, a control API read every 250 ms`,
    '',
    ...markdownTable(
      ['phase', 'scrapes', 'failed', 'p50 ms', 'p99 ms', 'max ms'],
      [latencyRow('before', f.before), latencyRow('during stall', f.during), latencyRow('after recovery', f.after)],
    ),
    '',
    ...markdownTable(
      ['figure', 'value'],
      [
        ['time until dockwatch_engine_up 0', s(f.untilDownMs)],
        ['max dockwatch_engine_requests_in_flight during the stall', String(f.maxInFlight)],
        ['max connections open on the proxy during the stall', String(f.maxProxyConnections)],
        ['control API reads during the stall: 503 / 200 / unanswered', `${count(503)} / ${count(200)} / ${count(-1)}`],
        ['time to recover (resume until dockwatch_engine_up 1)', s(f.recoverMs)],
        ['container created during the stall in the inventory', f.inventoryHasNew ? 'yes' : 'no'],
        ['crash alerts for the container that crashed during the stall', String(f.crashAlerts)],
        [
          `/metrics p99 during the stall < ${P99_TARGET_MS} ms`,
          percentile(
            f.during.map((x) => x.ms),
            99,
          ) < P99_TARGET_MS
            ? 'yes'
            : 'no',
        ],
      ],
    ),
  ];
}

/** What must hold for the run to pass (timings are reported, not judged, except that the engine went down at all). */
export function engineStallProblems(f: EngineStallFigures): string[] {
  const problems: string[] = [];
  const all = [...f.before, ...f.during, ...f.after];
  if (all.some((x) => x.status !== 200)) problems.push('a scrape of /metrics failed');
  if (f.untilDownMs === undefined) problems.push('dockwatch_engine_up never went 0 during the stall');
  if (f.recoverMs === undefined) problems.push('dockwatch_engine_up never came back to 1');
  if ([...f.reads.values()].some((a) => a === -1)) problems.push('a control API read was left waiting on the engine');
  if (!f.inventoryHasNew) problems.push('the container created during the stall is not in the inventory');
  if (f.crashAlerts !== 1) problems.push(`the crash during the stall was alerted ${f.crashAlerts} times, not once`);
  return problems;
}

/**
 * `npm run soak -- engine-stall`: dockerd behind a proxy that stops answering (no error, no close) for 60 s under an
 * agent watching 100 idle containers; prints /metrics p50/p99 before, during and after, the time until
 * dockwatch_engine_up 0, the most engine requests in flight, and the time to recover.
 */
export const soak: SoakScenario = {
  name: 'engine-stall',
  description: 'dockerd stops answering for 60 s at 100 containers: scrapes unaffected, engine_up 0, bounded, recovers',
  async run(args) {
    const options = soakIntegers(args, { seconds: 60, containers: 100 }, USAGE);
    if (!options) return 2;
    const figures = await runEngineStallSoak({
      containers: options.containers,
      stallMs: options.seconds * 1000,
      phaseMs: 15_000,
      progress: (m) => soakProgress('engine-stall', m),
    });
    console.log(engineStallTables(figures).join('\n'));
    return reportProblems(engineStallProblems(figures));
  },
};
