import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { processMemory, type AgentProcess } from './agentProcess';
import { processCpuMs } from './engineCpu';
import { percentile } from './passTiming';
import { startStaticBodyServer } from './staticBodyServer';

/** Accept header Prometheus sends when it prefers OpenMetrics. */
const OPENMETRICS_ACCEPT = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';

/** What scraping the agent's /metrics cost, and the agent's memory after it. */
export type ScrapeCost = {
  scrapes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The same text body from an idle node process, scraped in turn with the agent: what the bytes alone cost here. */
  floorP50Ms: number;
  floorP99Ms: number;
  openMetricsP50Ms: number;
  openMetricsP99Ms: number;
  /** Render time inside the agent (`dockwatch_scrape_duration_seconds`), without HTTP. */
  renderP50Ms: number;
  renderP99Ms: number;
  /** Agent CPU time per scrape, including the sampling passes that ran while the scrapes were spread out. */
  agentCpuMsPerScrape: number;
  bodyBytes: number;
  openMetricsBodyBytes: number;
  series: number;
  rssBytes: number;
  peakBytes: number;
};

/** Options of {@link benchScrapes}. */
export type ScrapeOptions = {
  scrapes: number;
  openMetricsScrapes: number;
  warmups: number;
  /** One scrape starts every `periodMs`, so the scrapes fall at every phase of the sampling interval. */
  periodMs: number;
  /** Wait this long after all containers are exposed (one sampling interval: JIT and caches warm). */
  settleMs: number;
};

type Response = { status: number; body: string; ms: number };

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * GET over one kept-alive connection, as Prometheus scrapes; `ms` runs from the request to the last body byte (the
 * client's own decoding of the body is left out).
 */
export function get(url: string, accept?: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.get(url, { agent: keepAlive, headers: accept ? { accept } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms });
      });
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

const run = promisify(execFile);

/** Waits `ms` (nothing when `ms` ≤ 0). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * One GET with curl, a C client in its own process that writes the body to `bodyFile` as it arrives, as Prometheus
 * (Go) reads it; a Node client buffering 2.6 MB in the bench process on the same two cores adds its own pauses.
 * Returns curl's time_total in ms (connect on loopback to the last body byte).
 */
async function curlScrape(url: string, bodyFile: string, accept?: string): Promise<number> {
  const args = [
    '-sS',
    '-o',
    bodyFile,
    '-w',
    '%{http_code} %{time_total}',
    ...(accept ? ['-H', `accept: ${accept}`] : []),
    url,
  ];
  const { stdout } = await run('curl', args);
  const [status, seconds] = stdout.trim().split(' ');
  if (status !== '200') throw new Error(`/metrics answered ${status}`);
  return Number(seconds) * 1000;
}

/** Polls `check` every 250 ms until it returns true; throws with `what` when `ms` pass first. */
export async function waitUntil(
  what: string | (() => string),
  ms: number,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms / 1000} s waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Distinct containers with a CPU usage series in an exposition (the root container `id="/"`, the host, left out). */
export function countExposedContainers(body: string): number {
  const ids = new Set<string>();
  for (const line of body.split('\n')) {
    if (!line.startsWith('container_cpu_usage_seconds_total{')) continue;
    const id = /[{,]id="([^"]*)"/.exec(line)?.[1];
    if (id !== undefined && id !== '/') ids.add(id);
  }
  return ids.size;
}

function gaugeValue(body: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(body);
  return match ? Number(match[1]) : undefined;
}

function countSeries(body: string): number {
  let n = 0;
  for (const line of body.split('\n')) if (line !== '' && !line.startsWith('#')) n++;
  return n;
}

/**
 * Waits until the agent is ready and exposes all `expected` containers and one more sampling interval, then scrapes
 * /metrics with curl once every `periodMs` (plain text, then OpenMetrics) and reads the agent's memory.
 */
export async function benchScrapes(agent: AgentProcess, expected: number, opts: ScrapeOptions): Promise<ScrapeCost> {
  const metrics = `${agent.url}/metrics`;
  await waitUntil('/readyz', 60_000, async () => (await get(`${agent.url}/readyz`)).status === 200);
  let exposed = 0;
  await waitUntil(
    () => `all ${expected} containers in /metrics (last count: ${exposed})`,
    60_000,
    async () => {
      exposed = countExposedContainers((await get(metrics)).body);
      return exposed === expected;
    },
  );
  for (let i = 0; i < opts.warmups; i++) await get(metrics);
  await sleep(opts.settleMs);
  const bodyFile = join(tmpdir(), `dockwatch-bench-${process.pid}.txt`);
  const floorFile = join(tmpdir(), `dockwatch-bench-floor-${process.pid}.txt`);
  await curlScrape(metrics, floorFile);
  const floor = await startStaticBodyServer(floorFile, 'text/plain; version=0.0.4; charset=utf-8');
  const floorTimes: number[] = [];
  const cpuBefore = processCpuMs(agent.pid);
  const times: number[] = [];
  const renders: number[] = [];
  let body = '';
  try {
    for (let i = 0; i < opts.scrapes; i++) {
      const next = Date.now() + opts.periodMs;
      times.push(await curlScrape(metrics, bodyFile));
      floorTimes.push(await curlScrape(floor.url, '/dev/null'));
      body = await readFile(bodyFile, 'utf8');
      const render = gaugeValue(body, 'dockwatch_scrape_duration_seconds');
      if (render !== undefined) renders.push(render * 1000);
      await sleep(next - Date.now());
    }
    const agentCpuMsPerScrape = (processCpuMs(agent.pid) - cpuBefore) / opts.scrapes;
    const omTimes: number[] = [];
    for (let i = 0; i < opts.openMetricsScrapes; i++) {
      const next = Date.now() + opts.periodMs;
      omTimes.push(await curlScrape(metrics, bodyFile, OPENMETRICS_ACCEPT));
      await sleep(next - Date.now());
    }
    const omBody = await readFile(bodyFile, 'utf8');
    const memory = processMemory(agent.pid);
    return {
      scrapes: times.length,
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      maxMs: Math.max(...times),
      floorP50Ms: percentile(floorTimes, 50),
      floorP99Ms: percentile(floorTimes, 99),
      openMetricsP50Ms: percentile(omTimes, 50),
      openMetricsP99Ms: percentile(omTimes, 99),
      renderP50Ms: percentile(renders, 50),
      renderP99Ms: percentile(renders, 99),
      agentCpuMsPerScrape,
      bodyBytes: Buffer.byteLength(body),
      openMetricsBodyBytes: Buffer.byteLength(omBody),
      series: countSeries(body),
      ...memory,
    };
  } finally {
    await floor.stop();
    await rm(bodyFile, { force: true });
    await rm(floorFile, { force: true });
  }
}
