import { markdownTable } from '../bench/markdownTable';
import { runChurn, type ChurnResult } from '../test/support/churnRig';
import { reportProblems, soakIntegers, soakProgress, type SoakScenario } from './soakScenario';

const USAGE = 'usage: npm run soak -- churn [--seconds N] [--parallel N] (defaults: 120 s, 8 loops at once)';

const mib = (bytes: number | undefined) => (bytes === undefined ? '-' : (bytes / 2 ** 20).toFixed(1));
const pct = (after: number | undefined, before: number | undefined) =>
  after === undefined || before === undefined ? '-' : `${(((after - before) / before) * 100).toFixed(1)} %`;

/** The tables the scenario prints: the agent before and after, then its memory during the churn. */
export function churnTables(r: ChurnResult): string[] {
  const keys = [...new Set([...Object.keys(r.engineEvents), ...Object.keys(r.counted)])].sort();
  return [
    `container churn: ${r.containers} containers created, started and removed at ${r.ratePerSecond.toFixed(1)}/s ` +
      `(${r.failures} refused) beside an agent process following their logs; settled ${r.settleMs} ms after`,
    '',
    ...markdownTable(
      ['figure', 'baseline', 'settled', '+10 s, after a GC', 'change'],
      [
        [
          'open log streams',
          String(r.baseline.logStreams),
          String(r.settled.logStreams),
          String(r.later.logStreams),
          String(r.later.logStreams - r.baseline.logStreams),
        ],
        [
          'file descriptors',
          String(r.baseline.fds),
          String(r.settled.fds),
          String(r.later.fds),
          String(r.later.fds - r.baseline.fds),
        ],
        [
          'RSS, MiB (both after a GC)',
          mib(r.baseline.rssBytes),
          mib(r.settled.rssBytes),
          mib(r.later.rssBytes),
          pct(r.later.rssBytes, r.baseline.rssBytes),
        ],
        [
          'JS heap held by V8 after a GC, MiB',
          mib(r.baseline.heapTotalBytes),
          '-',
          mib(r.later.heapTotalBytes),
          pct(r.later.heapTotalBytes, r.baseline.heapTotalBytes),
        ],
        [
          'JS heap used after a GC, MiB',
          mib(r.baseline.heapUsedBytes),
          '-',
          mib(r.later.heapUsedBytes),
          pct(r.later.heapUsedBytes, r.baseline.heapUsedBytes),
        ],
      ],
    ),
    '',
    ...markdownTable(
      ['event', 'engine emitted', 'the rig caused', 'agent counted'],
      keys.map((k) => [k, String(r.engineEvents[k] ?? 0), String(r.caused[k] ?? '-'), String(r.counted[k] ?? 0)]),
    ),
    '',
    `inventory at the end: ${r.inventorySize} containers, ${r.inventoryMissing.length} missing, ${r.inventoryExtra.length} extra against docker ps -a`,
    '',
    ...markdownTable(
      ['churn time, s', 'containers so far', 'RSS, MiB', 'JS heap after a GC, MiB'],
      r.samples.map((s) => [(s.atMs / 1000).toFixed(0), String(s.containers), mib(s.rssBytes), mib(s.heapUsedBytes)]),
    ),
  ];
}

/** What must hold for the run to pass (memory is reported, not judged: see the table). */
export function churnProblems(r: ChurnResult): string[] {
  const problems: string[] = [];
  if (r.inventoryMissing.length || r.inventoryExtra.length) {
    problems.push(`inventory off: ${r.inventoryMissing.length} missing, ${r.inventoryExtra.length} extra`);
  }
  const keys = new Set([...Object.keys(r.engineEvents), ...Object.keys(r.counted)]);
  for (const k of keys) {
    if ((r.engineEvents[k] ?? 0) !== (r.counted[k] ?? 0)) {
      problems.push(`${k}: the engine emitted ${r.engineEvents[k] ?? 0}, the agent counted ${r.counted[k] ?? 0}`);
    }
  }
  if (r.later.logStreams !== r.baseline.logStreams) problems.push('log streams not back to the baseline');
  if (r.later.fds !== r.baseline.fds) problems.push(`file descriptors ${r.baseline.fds} → ${r.later.fds}`);
  return problems;
}

/** `npm run soak -- churn`: the long variant of test/integration/churn.test.ts. */
export const soak: SoakScenario = {
  name: 'churn',
  description: 'containers created, started and removed for 2 min: inventory, events, streams, fds, memory',
  async run(args) {
    if (args.includes('--help')) return (void console.log(USAGE), 0);
    const options = soakIntegers(args, { seconds: 120, parallel: 8 }, USAGE);
    if (!options) return 2;
    const result = await runChurn({
      ...options,
      settleTimeoutMs: 60_000,
      sampleEveryMs: 30_000,
      progress: (m) => soakProgress('churn', m),
    });
    for (const line of churnTables(result)) console.log(line);
    return reportProblems(churnProblems(result));
  },
};
