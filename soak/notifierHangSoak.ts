import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { markdownTable } from '../bench/markdownTable';
import { parseDuration } from '../config/duration';
import { runNotifierHangRig, percentile, type HangRigReport } from './notifierHangRig';
import { reportProblems, soakProgress, type SoakScenario } from './soakScenario';

const NAME = 'notifier-hang';
const USAGE = `usage: npm run soak -- ${NAME} [--duration 3m] [--baseline 1m] [--marker-every 500ms] [--containers 4] [--timeout 10s]`;

/** Whether the run held: each hung lane bounded to one socket and retried, the healthy lane complete and on time. */
function held(report: HangRigReport, timeoutMs: number): string[] {
  const problems: string[] = [];
  for (const lane of report.hung) {
    if (lane.sent > 0) problems.push(`${lane.name}: ${lane.sent} delivered to an endpoint that never answers`);
    if (lane.maxOpen > 1) problems.push(`${lane.name}: held ${lane.maxOpen} connections at once`);
    if (lane.openAfterStop > 0) problems.push(`${lane.name}: ${lane.openAfterStop} connections open after the stop`);
    if (lane.retried < 2) problems.push(`${lane.name}: only ${lane.retried} retries`);
    if (lane.longestHoldMs > timeoutMs + 3_000) problems.push(`${lane.name}: held a request ${lane.longestHoldMs} ms`);
  }
  const { healthy } = report;
  if (healthy.delivered < healthy.markers) problems.push(`healthy: ${healthy.delivered}/${healthy.markers} delivered`);
  if (healthy.duplicates > 0) problems.push(`healthy: ${healthy.duplicates} notifications received twice`);
  if (percentile(healthy.latenciesMs, 100) >= timeoutMs) problems.push('healthy: a delivery waited for a hung lane');
  if (report.stop.exit !== '0' || report.stop.ms === undefined) problems.push(`stop: exit ${report.stop.exit}`);
  return problems;
}

function render(report: HangRigReport, baseline: HangRigReport | undefined): string {
  const mb = (kb: number) => (kb / 1024).toFixed(1);
  const lanes = markdownTable(
    [
      'notifier',
      'type',
      'endpoint',
      'delivered ok',
      'failed',
      'retried',
      'attempts',
      'sockets held (max)',
      'longest hold',
    ],
    [
      ...report.hung.map((l) => [
        l.name,
        l.type,
        l.mode,
        String(l.sent),
        String(l.failed),
        String(l.retried),
        String(l.attempts),
        String(l.maxOpen),
        `${(l.longestHoldMs / 1000).toFixed(1)} s`,
      ]),
      [
        report.healthy.name,
        'webhook',
        'healthy',
        String(report.healthy.sent),
        '0',
        String(report.healthy.retried),
        String(report.healthy.sent),
        '-',
        '-',
      ],
    ],
  );
  const { healthy } = report;
  const figures = markdownTable(
    ['figure', 'value'],
    [
      ['healthy lane: markers delivered', `${healthy.delivered} / ${healthy.markers} (${healthy.duplicates} twice)`],
      ['healthy lane: latency p50 / p99 / max', latencies(healthy.latenciesMs)],
      ...(baseline ? [['the same with no hung notifier (baseline run)', latencies(baseline.healthy.latenciesMs)]] : []),
      [
        'agent RSS start / end / max',
        `${mb(report.rssKb.start)} / ${mb(report.rssKb.end)} / ${mb(report.rssKb.max)} MB`,
      ],
      [
        'agent socket fds start / end / max',
        `${report.socketFds.start} / ${report.socketFds.end} / ${report.socketFds.max}`,
      ],
      ['stop (SIGTERM to exit)', `${report.stop.ms ?? 'did not exit'} ms, exit ${report.stop.exit}`],
    ],
  );
  return `${lanes.join('\n')}\n\n${figures.join('\n')}\n`;
}

function latencies(ms: readonly number[]): string {
  return [50, 99, 100].map((p) => `${percentile(ms, p)} ms`).join(' / ');
}

/** `npm run soak -- notifier-hang`: the long variant of test/integration/notifierHang.test.ts. */
export const soak: SoakScenario = {
  name: NAME,
  description:
    'five notifier endpoints that hang or trickle beside a healthy one, for minutes: sockets, retries, latency',
  async run(args) {
    const { values } = parseArgs({
      args: [...args],
      options: {
        duration: { type: 'string', default: '3m' },
        baseline: { type: 'string', default: '1m' },
        'marker-every': { type: 'string', default: '500ms' },
        containers: { type: 'string', default: '4' },
        timeout: { type: 'string', default: '10s' },
      },
    });
    const { duration, baseline, 'marker-every': markerEvery, timeout } = values;
    const parsed = Object.entries({ duration, baseline, 'marker-every': markerEvery, timeout }).map(
      ([k, v]) => [k, parseDuration(v)] as const,
    );
    const bad = parsed.filter(([, ms]) => ms === undefined).map(([k]) => `--${k}`);
    if (bad.length > 0) {
      console.error(`${NAME}: ${bad.join(', ')} must be a duration (e.g. 3m, 500ms)\n${USAGE}`);
      return 2;
    }
    const [durationMs, baselineMs, markerEveryMs, timeoutMs] = parsed.map(([, ms]) => ms as number) as [
      number,
      number,
      number,
      number,
    ];
    const containers = Number(values.containers);
    if (timeoutMs < 100) {
      console.error(`${NAME}: --timeout must be at least 100ms, as the config's notifier timeout\n${USAGE}`);
      return 2;
    }
    if (!Number.isInteger(containers) || containers < 1) {
      console.error(
        `${NAME}: --containers takes a whole number ≥ 1, not ${JSON.stringify(values.containers)}\n${USAGE}`,
      );
      return 2;
    }
    const rig = {
      cliPath: join(__dirname, '..', 'cli.js'),
      markerEveryMs,
      containers,
      hangTimeout: timeout,
      progress: (message: string) => soakProgress(NAME, message),
    };
    const baselineReport =
      baselineMs > 0 ? await runNotifierHangRig({ ...rig, durationMs: baselineMs, hungLanes: false }) : undefined;
    const report = await runNotifierHangRig({ ...rig, durationMs });
    process.stdout.write(render(report, baselineReport));
    return reportProblems(held(report, timeoutMs));
  },
};
