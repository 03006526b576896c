import { BENCH_RULES } from './alertLatencyAgent';

/** The three things the bench times from cause to notification. */
export type ScenarioName = keyof typeof BENCH_RULES;

/** Where a scenario's start time comes from: a log line's engine timestamp, or an engine event's timeNano. */
export type CauseStamp = { kind: 'line'; pattern: RegExp } | { kind: 'event'; action: 'die' | 'oom' };

/** One scenario: what its containers run and what it is timed against. */
export type ScenarioSpec = {
  name: ScenarioName;
  /** Row title in the table. */
  title: string;
  /** What the start time is, for the table. */
  cause: string;
  rule: string;
  targetP99Ms: number;
  count: number;
  /** Memory limit (and swap limit) in bytes. */
  memoryBytes?: number;
  stamp: CauseStamp;
  /** The command of container `index`; `random` in [0, 1). */
  command(index: number, random: () => number): string[];
};

/** How many containers each scenario runs. */
export type ScenarioCounts = Record<ScenarioName, number>;

/** The targets for the p99 of each scenario. */
export const TARGET_P99_MS: Record<ScenarioName, number> = { log: 1000, die: 250, oom: 250 };

/**
 * The scenarios: a container printing one matching line after a random delay of 0–999 ms (then idling); a container
 * exiting with code 3 after 1 s; a container whose allocation the kernel OOM-kills under an 8 MiB limit after 1 s.
 */
export function scenarioSpecs(counts: ScenarioCounts): ScenarioSpec[] {
  const specs: ScenarioSpec[] = [
    {
      name: 'log',
      title: 'log line → webhook',
      cause: "line's engine timestamp",
      rule: BENCH_RULES.log,
      targetP99Ms: TARGET_P99_MS.log,
      count: counts.log,
      stamp: { kind: 'line', pattern: /^ERROR code=\d+/ },
      command: (i, random) => {
        const delay = String(Math.floor(random() * 1000)).padStart(3, '0');
        return ['sh', '-c', `sleep 0.${delay}; echo "ERROR code=${i} from the alert latency bench"; exec sleep 600`];
      },
    },
    {
      name: 'die',
      title: 'die event → webhook',
      cause: 'die event timeNano',
      rule: BENCH_RULES.die,
      targetP99Ms: TARGET_P99_MS.die,
      count: counts.die,
      stamp: { kind: 'event', action: 'die' },
      command: () => ['sh', '-c', 'sleep 1; exit 3'],
    },
    {
      name: 'oom',
      title: 'OOM kill → webhook',
      cause: 'oom event timeNano',
      rule: BENCH_RULES.oom,
      targetP99Ms: TARGET_P99_MS.oom,
      count: counts.oom,
      memoryBytes: 8 * 1024 * 1024,
      stamp: { kind: 'event', action: 'oom' },
      command: () => ['sh', '-c', 'sleep 1; yes | tr \\\\n x | head -c 50m | tail'],
    },
  ];
  return specs.filter((s) => s.count > 0);
}
