import { markdownTable } from '../bench/markdownTable';
import { quantile, runLogFlood, type LogFloodResult } from '../test/support/logFloodRig';
import { reportProblems, soakIntegers, soakProgress, type SoakScenario } from './soakScenario';

const USAGE =
  'usage: npm run soak -- log-flood [--seconds N] [--markers N] (defaults: a 60 s flood, 2 marker containers)';

/** The documented bound on the agent's RSS under a flood, and the marker latency target (docs/reliability.md). */
const RSS_BOUND_MIB = 150;
const P99_TARGET_MS = 1000;

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** The table the scenario prints. */
export function logFloodTable(r: LogFloodResult): string[] {
  const dropped = Object.entries(r.dropped);
  const p99 = quantile(r.markerLatenciesMs, 0.99);
  return [
    `log flood: 1 container writing numbered 1 KB lines as fast as it can for ${(r.floodMs / 1000).toFixed(1)} s; ` +
      `markers from the other containers, one log rule each, to a webhook`,
    '',
    ...markdownTable(
      ['figure', 'value'],
      [
        ['lines written (the last number)', String(r.linesWritten)],
        ['lines the engine kept (docker logs, counted as wc -l does)', String(r.engineKept)],
        ['lines processed (dockwatch_log_lines_total)', String(r.processed)],
        ['lines/s processed during the flood', (r.processed / (r.floodMs / 1000)).toFixed(0)],
        ...(dropped.length
          ? dropped.map(([reason, n]) => [`lines dropped, reason ${reason}`, String(n)])
          : [['lines dropped (any reason)', '0']]),
        ['caught up after the flood ended', r.catchUpMs === undefined ? 'never' : `${r.catchUpMs} ms`],
        ['agent RSS before the flood, MiB', mib(r.baselineRssBytes)],
        [`agent RSS max (VmHWM), MiB (bound ${RSS_BOUND_MIB})`, mib(r.peakRssBytes)],
        ['markers delivered / sent (duplicates)', `${r.markersDelivered} / ${r.markersSent} (${r.markerDuplicates})`],
        ['marker line → notification p50, ms', String(quantile(r.markerLatenciesMs, 0.5))],
        [`marker line → notification p99, ms (target < ${P99_TARGET_MS})`, String(p99)],
        ['marker line → notification max, ms', String(r.markerLatenciesMs.at(-1) ?? '-')],
      ],
    ),
  ];
}

/** What must hold for the run to pass: the bound, the accounting and the markers (latency is reported only). */
export function logFloodProblems(r: LogFloodResult): string[] {
  const problems: string[] = [];
  const dropped = Object.values(r.dropped).reduce((a, b) => a + b, 0);
  if (r.peakRssBytes >= RSS_BOUND_MIB * 2 ** 20) problems.push(`agent RSS reached ${mib(r.peakRssBytes)} MiB`);
  if (r.processed + dropped !== r.linesWritten) {
    problems.push(`${r.linesWritten - r.processed - dropped} flood lines neither processed nor counted as dropped`);
  }
  if (r.markersDelivered !== r.markersSent)
    problems.push(`${r.markersSent - r.markersDelivered} markers not delivered`);
  if (r.markerDuplicates) problems.push(`${r.markerDuplicates} markers delivered twice`);
  return problems;
}

/** `npm run soak -- log-flood`: the long variant of test/integration/logFlood.test.ts. */
export const soak: SoakScenario = {
  name: 'log-flood',
  description: 'a container floods 1 KB lines for 60 s: agent RSS, lines processed/dropped, marker latency',
  async run(args) {
    if (args.includes('--help')) return (void console.log(USAGE), 0);
    const options = soakIntegers(args, { seconds: 60, markers: 2 }, USAGE);
    if (!options) return 2;
    const result = await runLogFlood({
      floodSeconds: options.seconds,
      markerContainers: options.markers,
      markerEveryMs: 1000,
      catchUpTimeoutMs: 120_000,
      progress: (m) => soakProgress('log-flood', m),
    });
    for (const line of logFloodTable(result)) console.log(line);
    return reportProblems(logFloodProblems(result));
  },
};
