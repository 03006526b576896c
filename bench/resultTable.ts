import type { CollectorName } from '../agent/stats/statsCollector';
import type { ApiPassCost } from './apiPass';
import type { DockerStatsCost } from './dockerStatsCli';
import type { PassCost } from './passTiming';
import type { ScrapeCost } from './scrapeBench';
import type { StartupCost } from './startupBench';
import { markdownTable } from './markdownTable';

/** Everything measured at one container count. */
export type BenchRow = {
  containers: number;
  collector: CollectorName;
  filesPerPass: number;
  cgroup: PassCost;
  floorPread: PassCost;
  floorSync: PassCost;
  floorAsync: PassCost;
  /** Absent when the API pass was skipped. */
  api?: ApiPassCost;
  /** Absent without containers. */
  dockerStats?: DockerStatsCost;
  /** The agent as the `dockwatch` binary runs it (its node flags). */
  scrape: ScrapeCost;
  startup: StartupCost;
  /** The same agent started as plain `node dist/cli.js` (no flags), when measured. */
  plain?: { rssBytes: number; peakBytes: number; readyMs: number };
  /** 1-minute load average when the count was done: how noisy the machine was. */
  load: number;
};

/** The issues' targets: at 500 containers (rounds one and two), and at 2,000. */
export const TARGETS = {
  containers: 500,
  cgroupPassCpuMs: 100,
  floorRatio: 2,
  scrapeP99Ms: 25,
  rssMB: 64,
  plainRssMB: 100,
  large: { containers: 2000, cgroupPassCpuMs: 400, scrapeP99Ms: 50, rssMB: 128, readyMs: 3000 },
};

const MB = 1024 * 1024;

function n(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** Rows by container count, smallest first (the bench measures the largest first). */
function byCount(rows: readonly BenchRow[]): BenchRow[] {
  return [...rows].sort((a, b) => a.containers - b.containers);
}

/** The cheapest floor by CPU: the least work that reads the same files. */
export function floorOf(row: BenchRow): PassCost {
  return [row.floorPread, row.floorSync, row.floorAsync].reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
}

/** The main table: one row per container count, the columns the issue asks for. */
export function mainTable(rows: readonly BenchRow[]): string[] {
  return markdownTable(
    [
      'containers',
      'cgroup pass CPU ms (µs/ctr)',
      'floor CPU ms (pread / sync / async)',
      'cgroup/floor CPU (wall)',
      'cgroup pass wall ms',
      'API pass wall ms',
      'docker stats wall ms',
      '/metrics p50 / p99 ms',
      'same bytes, idle node: p50 / p99 ms',
      'exposition KB',
      'agent RSS MB (peak)',
      'plain node RSS MB (peak)',
      'start to ready ms',
      'first scrape ms (OpenMetrics / text)',
    ],
    byCount(rows).map((r) => [
      String(r.containers),
      `${n(r.cgroup.cpuMs)} (${n((r.cgroup.cpuMs * 1000) / r.containers, 0)})`,
      `${n(r.floorPread.cpuMs)} / ${n(r.floorSync.cpuMs)} / ${n(r.floorAsync.cpuMs, 0)}`,
      `${n(r.cgroup.cpuMs / floorOf(r).cpuMs, 2)} (${n(r.cgroup.wallMs / floorOf(r).wallMs, 2)})`,
      n(r.cgroup.wallMs),
      r.api ? `${n(r.api.wallMs, 0)}${r.api.samples < r.containers ? ` (${r.api.samples} sampled)` : ''}` : 'skipped',
      r.dockerStats
        ? `${n(r.dockerStats.wallMs, 0)}${r.dockerStats.emptyRows > 0 ? ` (${r.dockerStats.emptyRows} empty)` : ''}`
        : '–',
      `${n(r.scrape.p50Ms)} / ${n(r.scrape.p99Ms)}`,
      `${n(r.scrape.floorP50Ms)} / ${n(r.scrape.floorP99Ms)}`,
      n(r.scrape.bodyBytes / 1024, 0),
      `${n(r.scrape.rssBytes / MB)} (${n(r.scrape.peakBytes / MB)})`,
      r.plain ? `${n(r.plain.rssBytes / MB)} (${n(r.plain.peakBytes / MB)})` : 'skipped',
      n(r.startup.readyMs, 0),
      `${n(r.startup.firstOpenMetricsMs)} / ${n(r.startup.firstTextMs)}`,
    ]),
  );
}

/** Secondary figures: engine-side cost, render time inside the agent, OpenMetrics, series counts. */
export function detailTable(rows: readonly BenchRow[]): string[] {
  return markdownTable(
    [
      'containers',
      'files read / pass',
      'floor wall ms (pread / sync / async)',
      'API pass: agent CPU / engine CPU ms',
      'docker stats: CLI CPU / engine CPU ms',
      'render in agent p50 / p99 ms',
      'OpenMetrics p50 / p99 ms',
      'agent CPU ms / scrape',
      'series',
      'load (1 min)',
    ],
    byCount(rows).map((r) => [
      String(r.containers),
      String(r.filesPerPass),
      `${n(r.floorPread.wallMs)} / ${n(r.floorSync.wallMs)} / ${n(r.floorAsync.wallMs, 0)}`,
      r.api ? `${n(r.api.agentCpuMs, 0)} / ${n(r.api.engineCpuMs, 0)}` : 'skipped',
      r.dockerStats ? `${n(r.dockerStats.cliCpuMs, 0)} / ${n(r.dockerStats.engineCpuMs, 0)}` : '–',
      `${n(r.scrape.renderP50Ms)} / ${n(r.scrape.renderP99Ms)}`,
      `${n(r.scrape.openMetricsP50Ms)} / ${n(r.scrape.openMetricsP99Ms)}`,
      n(r.scrape.agentCpuMsPerScrape),
      String(r.scrape.series),
      n(r.load),
    ]),
  );
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/** PASS/MISS per target at 500 containers (or, saying so, the largest count measured) and at 2,000 when measured. */
export function targetLines(rows: readonly BenchRow[]): string[] {
  const largest = byCount(rows).at(-1);
  if (!largest) return [];
  const row = rows.find((r) => r.containers === TARGETS.containers) ?? largest;
  const at =
    row.containers === TARGETS.containers
      ? `at ${row.containers} containers`
      : `at ${row.containers} containers (no ${TARGETS.containers}-container run; not conclusive)`;
  const floor = floorOf(row);
  const ratio = row.cgroup.cpuMs / floor.cpuMs;
  const rssMB = row.scrape.rssBytes / MB;
  const slowestFirst = Math.max(row.startup.firstOpenMetricsMs, row.startup.firstTextMs);
  const lines = [
    `Targets, ${at}:`,
    `- ${verdict(row.cgroup.cpuMs < TARGETS.cgroupPassCpuMs)} one ${row.collector} pass under ${TARGETS.cgroupPassCpuMs} ms CPU: ${n(row.cgroup.cpuMs)} ms (wall ${n(row.cgroup.wallMs)} ms)`,
    `- ${verdict(ratio <= TARGETS.floorRatio)} within ${TARGETS.floorRatio}x of the floor (CPU): ${n(ratio, 2)}x (wall ${n(row.cgroup.wallMs / floor.wallMs, 2)}x)`,
    `- ${verdict(row.scrape.p99Ms < TARGETS.scrapeP99Ms)} /metrics p99 under ${TARGETS.scrapeP99Ms} ms: ${n(row.scrape.p99Ms)} ms (p50 ${n(row.scrape.p50Ms)} ms, ${row.scrape.scrapes} scrapes; the same bytes from an idle node process, in turn: p99 ${n(row.scrape.floorP99Ms)} ms)`,
    `- ${verdict(row.scrape.openMetricsP99Ms < TARGETS.scrapeP99Ms && slowestFirst < TARGETS.scrapeP99Ms)} OpenMetrics p99 under ${TARGETS.scrapeP99Ms} ms, the first scrapes after start included: p99 ${n(row.scrape.openMetricsP99Ms)} ms; first after ready ${n(row.startup.firstOpenMetricsMs)} ms (OpenMetrics), ${n(row.startup.firstTextMs)} ms (text)`,
    `- ${verdict(rssMB < TARGETS.rssMB)} agent RSS under ${TARGETS.rssMB} MB as the binary runs it: ${n(rssMB)} MB after the scrapes (peak ${n(row.scrape.peakBytes / MB)} MB)`,
  ];
  if (row.plain) {
    const plainMB = row.plain.rssBytes / MB;
    lines.push(
      `- ${verdict(plainMB < TARGETS.plainRssMB)} agent RSS under ${TARGETS.plainRssMB} MB as plain \`node dist/cli.js\`: ${n(plainMB)} MB (peak ${n(row.plain.peakBytes / MB)} MB)`,
    );
  }
  const big = rows.find((r) => r.containers === TARGETS.large.containers);
  if (big) {
    const t = TARGETS.large;
    lines.push(
      `Targets at ${t.containers} containers:`,
      `- ${verdict(big.cgroup.cpuMs < t.cgroupPassCpuMs)} one ${big.collector} pass under ${t.cgroupPassCpuMs} ms CPU: ${n(big.cgroup.cpuMs)} ms`,
      `- ${verdict(big.scrape.p99Ms < t.scrapeP99Ms)} /metrics p99 under ${t.scrapeP99Ms} ms: ${n(big.scrape.p99Ms)} ms (OpenMetrics ${n(big.scrape.openMetricsP99Ms)} ms; the same bytes from an idle node process, in turn: p99 ${n(big.scrape.floorP99Ms)} ms, p50 ${n(big.scrape.floorP50Ms)} ms against ${n(big.scrape.p50Ms)} ms)`,
      `- ${verdict(big.scrape.rssBytes / MB < t.rssMB)} agent RSS under ${t.rssMB} MB: ${n(big.scrape.rssBytes / MB)} MB (peak ${n(big.scrape.peakBytes / MB)} MB)`,
      `- ${verdict(big.startup.readyMs < t.readyMs)} start to ready under ${t.readyMs / 1000} s: ${n(big.startup.readyMs / 1000, 2)} s`,
    );
  }
  return lines;
}
