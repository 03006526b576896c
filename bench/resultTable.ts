import type { CollectorName } from '../agent/stats/statsCollector';
import type { ApiPassCost } from './apiPass';
import type { DockerStatsCost } from './dockerStatsCli';
import type { PassCost } from './passTiming';
import type { ScrapeCost } from './scrapeBench';
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
  dockerStats: DockerStatsCost;
  scrape: ScrapeCost;
  /** 1-minute load average when the count was done: how noisy the machine was. */
  load: number;
};

/** The issue's targets, checked at the target container count. */
export const TARGETS = {
  containers: 500,
  cgroupPassCpuMs: 100,
  floorRatio: 2,
  scrapeP99Ms: 25,
  rssMB: 100,
};

const MB = 1024 * 1024;

function n(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
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
      'exposition KB',
      'agent RSS MB (peak)',
    ],
    rows.map((r) => [
      String(r.containers),
      `${n(r.cgroup.cpuMs)} (${n((r.cgroup.cpuMs * 1000) / r.containers, 0)})`,
      `${n(r.floorPread.cpuMs)} / ${n(r.floorSync.cpuMs)} / ${n(r.floorAsync.cpuMs, 0)}`,
      `${n(r.cgroup.cpuMs / floorOf(r).cpuMs, 2)} (${n(r.cgroup.wallMs / floorOf(r).wallMs, 2)})`,
      n(r.cgroup.wallMs),
      r.api ? `${n(r.api.wallMs, 0)}${r.api.samples < r.containers ? ` (${r.api.samples} sampled)` : ''}` : 'skipped',
      `${n(r.dockerStats.wallMs, 0)}${r.dockerStats.emptyRows > 0 ? ` (${r.dockerStats.emptyRows} empty)` : ''}`,
      `${n(r.scrape.p50Ms)} / ${n(r.scrape.p99Ms)}`,
      n(r.scrape.bodyBytes / 1024, 0),
      `${n(r.scrape.rssBytes / MB)} (${n(r.scrape.peakBytes / MB)})`,
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
    rows.map((r) => [
      String(r.containers),
      String(r.filesPerPass),
      `${n(r.floorPread.wallMs)} / ${n(r.floorSync.wallMs)} / ${n(r.floorAsync.wallMs, 0)}`,
      r.api ? `${n(r.api.agentCpuMs, 0)} / ${n(r.api.engineCpuMs, 0)}` : 'skipped',
      `${n(r.dockerStats.cliCpuMs, 0)} / ${n(r.dockerStats.engineCpuMs, 0)}`,
      `${n(r.scrape.renderP50Ms)} / ${n(r.scrape.renderP99Ms)}`,
      `${n(r.scrape.openMetricsP50Ms)} / ${n(r.scrape.openMetricsP99Ms)}`,
      n(r.scrape.agentCpuMsPerScrape),
      String(r.scrape.series),
      n(r.load),
    ]),
  );
}

/** PASS/MISS per target, at 500 containers or (saying so) at the largest count measured. */
export function targetLines(rows: readonly BenchRow[]): string[] {
  const largest = [...rows].sort((a, b) => b.containers - a.containers)[0];
  if (!largest) return [];
  const row = rows.find((r) => r.containers === TARGETS.containers) ?? largest;
  const at =
    row.containers === TARGETS.containers
      ? `at ${row.containers} containers`
      : `at ${row.containers} containers (no ${TARGETS.containers}-container run; not conclusive)`;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const floor = floorOf(row);
  const ratio = row.cgroup.cpuMs / floor.cpuMs;
  const rssMB = row.scrape.rssBytes / MB;
  return [
    `Targets, ${at}:`,
    `- ${verdict(row.cgroup.cpuMs < TARGETS.cgroupPassCpuMs)} one ${row.collector} pass under ${TARGETS.cgroupPassCpuMs} ms CPU: ${n(row.cgroup.cpuMs)} ms (wall ${n(row.cgroup.wallMs)} ms)`,
    `- ${verdict(ratio <= TARGETS.floorRatio)} within ${TARGETS.floorRatio}x of the floor (CPU): ${n(ratio, 2)}x (wall ${n(row.cgroup.wallMs / floor.wallMs, 2)}x)`,
    `- ${verdict(row.scrape.p99Ms < TARGETS.scrapeP99Ms)} /metrics p99 under ${TARGETS.scrapeP99Ms} ms: ${n(row.scrape.p99Ms)} ms (p50 ${n(row.scrape.p50Ms)} ms, ${row.scrape.scrapes} scrapes)`,
    `- ${verdict(rssMB < TARGETS.rssMB)} agent RSS under ${TARGETS.rssMB} MB: ${n(rssMB)} MB after the scrapes (peak ${n(row.scrape.peakBytes / MB)} MB)`,
  ];
}
