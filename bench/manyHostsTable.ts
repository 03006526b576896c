import { spread } from './discordPsMeasure';
import type { Rounds } from './manyHostsMeasure';
import { markdownTable } from './markdownTable';

/** The target for `ps` across every host: p99 of the round trip under this. */
export const TARGET_P99_MS = 500;

/** What one scenario is held to: p99 under a bound, every reply naming the down host within a bound, or nothing. */
export type ScenarioTarget =
  { kind: 'p99'; ms: number } | { kind: 'named-within'; ms: number; host: string; what: string } | { kind: 'none' };

/** One measured scenario. */
export type ScenarioRow = {
  scenario: string;
  /** How the bot found its agents. */
  finds: string;
  /** Hosts in the bot's fleet / hosts expected to answer. */
  hosts: number;
  answering: number;
  rounds: Rounds;
  target: ScenarioTarget;
};

/** Resident memory sampled after a scenario's rounds. */
export type MemoryRow = { what: string; rssBytes: readonly number[] };

function n(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

function mb(bytes: number): string {
  return n(bytes / 1024 / 1024);
}

/** Whether a row meets its target (undefined: it has none). */
export function verdict(row: ScenarioRow): boolean | undefined {
  const { rounds, target } = row;
  const all = rounds.ms.length;
  const s = spread(rounds.ms);
  if (target.kind === 'none') return undefined;
  if (target.kind === 'p99') return s.p99 < target.ms && rounds.complete === all;
  return s.max < target.ms && rounds.named === all && rounds.complete === all;
}

function targetText(t: ScenarioTarget): string {
  if (t.kind === 'none') return 'baseline';
  if (t.kind === 'p99') return `p99 < ${t.ms} ms`;
  return `every reply names ${t.host}, within ${t.what} (${n(t.ms / 1000, 0)} s)`;
}

/** The main table: one row per scenario, the round trip's spread next to its target. */
export function scenarioTable(rows: readonly ScenarioRow[]): string[] {
  return markdownTable(
    [
      'scenario',
      'bot finds agents by',
      'hosts (answering)',
      'round trips',
      '/ps p50 / p95 / p99 / max ms',
      'replies complete',
      'down host named',
      'target',
      'result',
      'load (1 min)',
    ],
    rows.map((r) => {
      const s = spread(r.rounds.ms);
      const v = verdict(r);
      return [
        r.scenario,
        r.finds,
        `${r.hosts} (${r.answering})`,
        String(s.n),
        `${n(s.p50)} / ${n(s.p95)} / ${n(s.p99)} / ${n(s.max)}`,
        `${r.rounds.complete}/${s.n}`,
        r.target.kind === 'named-within' ? `${r.rounds.named}/${s.n}` : '-',
        targetText(r.target),
        v === undefined ? '-' : v ? 'PASS' : 'MISS',
        n(r.rounds.load, 2),
      ];
    }),
  );
}

/** Resident memory: total, and per process min / median / max. */
export function memoryTable(rows: readonly MemoryRow[]): string[] {
  return markdownTable(
    ['processes', 'count', 'RSS total MB', 'per process min / median / max MB'],
    rows.map((r) => {
      const sorted = [...r.rssBytes].sort((a, b) => a - b);
      const total = sorted.reduce((a, b) => a + b, 0);
      const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
      return [
        r.what,
        String(sorted.length),
        mb(total),
        `${mb(sorted[0] ?? NaN)} / ${mb(median)} / ${mb(sorted[sorted.length - 1] ?? NaN)}`,
      ];
    }),
  );
}

/** One PASS/MISS line per scenario with a target, and what a failing one got wrong. */
export function targetLines(rows: readonly ScenarioRow[]): string[] {
  return rows.flatMap((r) => {
    const v = verdict(r);
    if (v === undefined || r.target.kind === 'none') return [];
    const s = spread(r.rounds.ms);
    const problem = r.rounds.problem === undefined ? '' : `; first incomplete reply: ${r.rounds.problem}`;
    const got =
      r.target.kind === 'p99'
        ? `p99 ${n(s.p99)} ms`
        : `max ${n(s.max)} ms, ${r.rounds.named}/${s.n} named ${r.target.host}`;
    return [`- ${v ? 'PASS' : 'MISS'} ${r.scenario} (${r.finds}): ${targetText(r.target)}: ${got}${problem}`];
  });
}

/** The "Not answering" notes the down scenarios' replies showed, as the user reads them. */
export function noteLines(rows: readonly ScenarioRow[]): string[] {
  return rows.flatMap((r) =>
    r.rounds.note === undefined ? [] : [`- ${r.scenario} (${r.finds}): \`${r.rounds.note}\``],
  );
}
