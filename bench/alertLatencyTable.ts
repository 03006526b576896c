import { percentile } from './passTiming';

/** One alert measured end to end; times are ms since the epoch on this host's clock. */
export type LatencySample = {
  container: string;
  /** The engine's own time of the cause: the log line's timestamp, or the event's timeNano. */
  causeAt: number;
  /** When the agent's rule engine took the input (the alert's activeAt). */
  activeAt: number;
  /** When the agent decided the notification (its createdAt). */
  createdAt: number;
  /** When the bench's webhook receiver had the whole request body. */
  receivedAt: number;
  /** How many alerts the notification carrying this one stood for. */
  notificationCount: number;
  /** The engine's time of the container's start event. */
  startedAt?: number;
};

/** The outcome of one scenario: the samples, and the containers whose notification never came. */
export type ScenarioResult = {
  name: string;
  cause: string;
  targetP99Ms: number;
  containers: number;
  samples: LatencySample[];
  missing: string[];
  /** Events of this scenario's containers that the engine's stream delivered out of timeNano order. */
  lateEvents: number;
  /** The agent's main thread during the scenario: CPU time and time waiting for a CPU. */
  agentSched?: { cpuMs: number; waitMs: number };
  /** 1-minute load average at the end of the scenario. */
  load: number;
};

/** p50, p90, p99 and max of a list of milliseconds (nearest rank). */
export type Percentiles = { p50: number; p90: number; p99: number; max: number };

/** Percentiles of `values`; NaN for an empty list. */
export function percentiles(values: readonly number[]): Percentiles {
  return {
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : NaN,
  };
}

/** End-to-end latency of each sample: the cause's engine time to receipt. */
export function endToEnd(samples: readonly LatencySample[]): number[] {
  return samples.map((s) => s.receivedAt - s.causeAt);
}

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(0) : '–';
}

function spread(p: Percentiles): string {
  return `${ms(p.p50)} / ${ms(p.p99)}`;
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((h, i) => (i === 0 || h === 'from' ? '---' : '---:')).join('|')}|`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
}

/**
 * The table: one row per scenario with the end-to-end percentiles, how many alerts arrived, and where the time
 * went (engine → agent, grouping, agent → receiver) as p50 / p99 of each stage.
 */
export function latencyTable(results: readonly ScenarioResult[]): string[] {
  return table(
    [
      'scenario',
      'from',
      'alerts received',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'engine → agent p50 / p99',
      'grouping p50 / p99',
      'agent → receiver p50 / p99',
    ],
    results.map((r) => {
      const total = percentiles(endToEnd(r.samples));
      return [
        r.name,
        r.cause,
        `${r.samples.length} / ${r.containers}`,
        ms(total.p50),
        ms(total.p90),
        ms(total.p99),
        ms(total.max),
        spread(percentiles(r.samples.map((s) => s.activeAt - s.causeAt))),
        spread(percentiles(r.samples.map((s) => s.createdAt - s.activeAt))),
        spread(percentiles(r.samples.map((s) => s.receivedAt - s.createdAt))),
      ];
    }),
  );
}

/**
 * What else each row saw: alerts that shared a message with others of their rule (held by the group window),
 * engine events that arrived out of timeNano order, the agent's main-thread CPU and run-queue wait, the load.
 */
export function detailTable(results: readonly ScenarioResult[]): string[] {
  return table(
    [
      'scenario',
      'never notified',
      'in shared messages',
      'events out of order',
      'agent CPU ms',
      'agent CPU wait ms',
      'load',
    ],
    results.map((r) => [
      r.name,
      String(r.missing.length),
      String(r.samples.filter((s) => s.notificationCount > 1).length),
      String(r.lateEvents),
      r.agentSched ? ms(r.agentSched.cpuMs) : '–',
      r.agentSched ? ms(r.agentSched.waitMs) : '–',
      r.load.toFixed(1),
    ]),
  );
}

/** PASS/MISS per scenario against its p99 target; a scenario with lost notifications misses. */
export function targetLines(results: readonly ScenarioResult[]): string[] {
  return results.map((r) => {
    const p = percentiles(endToEnd(r.samples));
    const lost = r.missing.length ? `; ${r.missing.length} of ${r.containers} never notified` : '';
    const pass = r.missing.length === 0 && p.p99 < r.targetP99Ms;
    const figures = `p50 ${ms(p.p50)} ms, max ${ms(p.max)} ms, ${r.samples.length} alerts${lost}`;
    return `- ${pass ? 'PASS' : 'MISS'} ${r.name}: p99 under ${r.targetP99Ms} ms: ${ms(p.p99)} ms (${figures})`;
  });
}

/**
 * Log-line latency split by how soon after its container's start the line was written: an early line is read when
 * the agent's log stream opens (after the start event, an inspect and the logs request), a later one as it comes.
 */
export function attachSplit(result: ScenarioResult, earlyMs: number): string {
  const timed = result.samples.filter((s) => s.startedAt !== undefined);
  const early = timed.filter((s) => s.causeAt - (s.startedAt as number) < earlyMs);
  const later = timed.filter((s) => s.causeAt - (s.startedAt as number) >= earlyMs);
  const part = (label: string, samples: LatencySample[]) => {
    const p = percentiles(endToEnd(samples));
    return `${label}: ${samples.length} lines, p50 ${ms(p.p50)} / p99 ${ms(p.p99)} / max ${ms(p.max)} ms`;
  };
  return `${result.name}: ${part(`written within ${earlyMs} ms of the start`, early)}; ${part('later', later)}`;
}
