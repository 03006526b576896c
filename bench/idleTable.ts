import { markdownTable } from './markdownTable';
import type { ProcessCost } from './processCost';

/** The idle bench's target: the agent's CPU at most this many times the minimal reader's. */
export const IDLE_TARGET_RATIO = 1.5;

/**
 * One measured window: what the agent and the two minimal readers cost over the same seconds (`floor` opens, reads
 * and closes each file, the target's reference; `pread` re-reads kept descriptors, the least a reader can do).
 */
export type IdleRound = {
  seconds: number;
  agent: ProcessCost;
  floor: ProcessCost;
  pread: ProcessCost;
  load: number;
  /** Engine events in the window (every one reaches the agent); -1 when they could not be counted. */
  events: number;
};

const zero: ProcessCost = { cpuMs: 0, voluntary: 0, involuntary: 0 };

function add(a: ProcessCost, b: ProcessCost): ProcessCost {
  return { cpuMs: a.cpuMs + b.cpuMs, voluntary: a.voluntary + b.voluntary, involuntary: a.involuntary + b.involuntary };
}

/** All windows together. */
export function totalOf(rounds: readonly IdleRound[]): IdleRound {
  return rounds.reduce(
    (t, r) => ({
      seconds: t.seconds + r.seconds,
      agent: add(t.agent, r.agent),
      floor: add(t.floor, r.floor),
      pread: add(t.pread, r.pread),
      load: Math.max(t.load, r.load),
      events: t.events < 0 || r.events < 0 ? -1 : t.events + r.events,
    }),
    { seconds: 0, agent: zero, floor: zero, pread: zero, load: 0, events: 0 },
  );
}

const ratio = (a: ProcessCost, b: ProcessCost) => a.cpuMs / b.cpuMs;
const verdict = (r: IdleRound) => (ratio(r.agent, r.floor) <= IDLE_TARGET_RATIO ? 'PASS' : 'MISS');
const cpuS = (c: ProcessCost) => (c.cpuMs / 1000).toFixed(2);
const perS = (n: number, r: IdleRound) => (n / r.seconds).toFixed(1);

function row(label: string, r: IdleRound): string[] {
  return [
    label,
    r.seconds.toFixed(0),
    cpuS(r.agent),
    cpuS(r.floor),
    ratio(r.agent, r.floor).toFixed(2),
    verdict(r),
    cpuS(r.pread),
    ratio(r.agent, r.pread).toFixed(2),
    perS(r.agent.voluntary, r),
    perS(r.floor.voluntary, r),
    perS(r.agent.involuntary, r),
    r.events < 0 ? '?' : String(r.events),
    r.load.toFixed(1),
  ];
}

/** The table: one row per window and one for all of them, the agent against the open-read-close reader (1.5x). */
export function idleTable(rounds: readonly IdleRound[]): string[] {
  const header = [
    'window',
    's',
    'agent CPU-s',
    'floor CPU-s',
    'agent/floor',
    `≤ ${IDLE_TARGET_RATIO}x`,
    'pread floor CPU-s',
    'agent/pread',
    'agent wakeups/s',
    'floor wakeups/s',
    'agent preempted/s',
    'engine events',
    'load (1 min)',
  ];
  const rows = rounds.map((r, i) => row(String(i + 1), r));
  return markdownTable(header, [...rows, row('all', totalOf(rounds))]);
}

/** The target line under the table, on all windows together. */
export function idleTarget(rounds: readonly IdleRound[]): string {
  const all = totalOf(rounds);
  const cpu = `${cpuS(all.agent)} vs ${cpuS(all.floor)} CPU-s over ${all.seconds.toFixed(0)} s`;
  const pread = `${ratio(all.agent, all.pread).toFixed(2)}x the pread floor`;
  return `- ${verdict(all)} agent CPU at most ${IDLE_TARGET_RATIO}x the minimal reader's: ${ratio(all.agent, all.floor).toFixed(2)}x (${cpu}; ${pread})`;
}
