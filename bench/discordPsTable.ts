import { spread, type DockerPsTimes, type RoundTrips, type Spread } from './discordPsMeasure';
import { markdownTable } from './markdownTable';

/** Everything measured at one container count. */
export type DiscordPsRow = {
  containers: number;
  roundTrips: RoundTrips;
  dockerPs: DockerPsTimes;
  agentReadyMs: number;
  /** 1-minute load average after the round trips. */
  load: number;
};

/** The issues' targets: p99 of the Discord round trip, up to 500 containers (issue 7) and at 2,000 (issue 13). */
export function targetP99Ms(containers: number): number {
  return containers >= 2000 ? 300 : 200;
}

function n(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

function kb(bytes: number): string {
  return `${n(bytes / 1024)} KB`;
}

function four(s: Spread): string {
  return `${n(s.p50)} / ${n(s.p95)} / ${n(s.p99)} / ${n(s.max)}`;
}

/** How the final edit carried the list: in the embed, or as which file, and its size on the wire. */
export function replyForm(rt: RoundTrips): string {
  const edit = rt.lastEdit;
  const shown = `${rt.shownRows} rows`;
  if (edit.files.length === 0) return `embed, ${shown}; PATCH ${kb(edit.bytes)} JSON`;
  const files = edit.files.map((f) => `${f.name} ${kb(f.bytes)}`).join(', ');
  return `file ${files}, ${shown}; PATCH ${kb(edit.bytes)} multipart`;
}

/** The main table: one row per container count, Discord and direct side by side, docker ps for scale. */
export function mainTable(rows: readonly DiscordPsRow[]): string[] {
  return markdownTable(
    [
      'containers',
      '/ps via Discord p50 / p95 / p99 / max ms',
      'core.handle p50 / p95 / p99 / max ms',
      'Discord adds p50 / p99 ms',
      'defer seen p50 / p99 ms',
      'final edit',
      'docker ps -a p50 / max ms',
    ],
    rows.map((r) => {
      const discord = spread(r.roundTrips.discordMs);
      const direct = spread(r.roundTrips.directMs);
      const defer = spread(r.roundTrips.deferMs);
      const docker = spread(r.dockerPs.wallMs);
      return [
        String(r.containers),
        four(discord),
        four(direct),
        `${n(discord.p50 - direct.p50)} / ${n(discord.p99 - direct.p99)}`,
        `${n(defer.p50)} / ${n(defer.p99)}`,
        replyForm(r.roundTrips),
        `${n(docker.p50, 0)} / ${n(docker.max, 0)}`,
      ];
    }),
  );
}

/** Counts and conditions of each row: samples, rows listed by each path, agent start, progress edits, load. */
export function detailTable(rows: readonly DiscordPsRow[]): string[] {
  return markdownTable(
    [
      'containers',
      'round trips (each path)',
      'rows: Discord / core / docker ps',
      'agent listed all after s',
      'progress edits',
      'load (1 min)',
    ],
    rows.map((r) => [
      String(r.containers),
      String(r.roundTrips.discordMs.length),
      `${r.roundTrips.shownRows} / ${r.roundTrips.directRows} / ${r.dockerPs.rows}`,
      n(r.agentReadyMs / 1000),
      String(r.roundTrips.progressEdits),
      n(r.load),
    ]),
  );
}

/** PASS/MISS per count for p99 of the Discord round trip under {@link targetP99Ms}. */
export function targetLines(rows: readonly DiscordPsRow[]): string[] {
  return rows.map((r) => {
    const s = spread(r.roundTrips.discordMs);
    const target = targetP99Ms(r.containers);
    const verdict = s.p99 < target ? 'PASS' : 'MISS';
    return `- ${verdict} ${r.containers} containers: /ps round trip p99 under ${target} ms: ${n(s.p99)} ms (p50 ${n(s.p50)} ms, ${s.n} round trips)`;
  });
}
