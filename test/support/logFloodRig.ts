import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { removeTestContainers, runTestContainer, TEST_RUN_LABEL, testDocker, testRunId } from './engine';
import { findSeries, valueOf } from './exposition';
import { startMeasuredAgent, type MeasuredAgent } from './measuredAgent';
import { startRecordingServer, type RecordingServer } from './recordingServer';
import { waitFor } from './waitFor';

const exec = promisify(execFile);

/** How a log flood runs: its length, and the containers that log a marker now and then meanwhile. */
export type LogFloodOptions = {
  floodSeconds: number;
  markerContainers: number;
  markerEveryMs: number;
  /** Longest wait for the agent to have taken every flood line after the flood ended. */
  catchUpTimeoutMs: number;
  /** json-file options of the flood container (`max-size`, `max-file`): the engine's defaults (no rotation) if unset. */
  floodLogOptions?: Record<string, string>;
  progress?: (message: string) => void;
};

/** What a flood showed: the accounting of the flood's lines, the agent's memory, the markers' delivery. */
export type LogFloodResult = {
  /** The flood container's last line number (it numbers its lines from 1). */
  linesWritten: number;
  /** `docker logs <flood> | wc -l` after it exited: what the engine kept. */
  engineKept: number;
  /** `dockwatch_log_lines_total` of the flood container. */
  processed: number;
  /** `dockwatch_log_lines_dropped_total` of the flood container, by reason. */
  dropped: Record<string, number>;
  floodMs: number;
  /** From the flood's end until processed + dropped reached linesWritten (undefined: it never did). */
  catchUpMs: number | undefined;
  baselineRssBytes: number;
  /** The agent's RSS high-water mark (VmHWM) over the whole run. */
  peakRssBytes: number;
  markersSent: number;
  /** Distinct markers whose notification arrived. */
  markersDelivered: number;
  /** Notifications of a marker beyond its first. */
  markerDuplicates: number;
  /** Per delivered marker: webhook arrival minus the marker line's engine timestamp, ms, ascending. */
  markerLatenciesMs: number[];
};

/** The line every flood line carries after its number: 1 KB lines in all. */
const PAD_BYTES = 1000;

/** The rule (and marker text) of marker `k` of marker container `j`. */
const markerRule = (j: number, k: number) => `marker-${j}-${k}`;

function agentConfig(dataDir: string, port: number, hookUrl: string, markers: number, containers: number): string {
  const rules: string[] = [];
  for (let j = 1; j <= containers; j++) {
    for (let k = 1; k <= markers; k++) {
      rules.push(`    - { name: ${markerRule(j, k)}, kind: log, contains: "MARKER ${j}-${k};", resolveAfter: 1h }`);
    }
  }
  return [
    'agent:',
    `  dataDir: ${JSON.stringify(dataDir)}`,
    `  listen: 127.0.0.1:${port}`,
    '  logLevel: warn',
    'containers:',
    `  include: { labels: { ${TEST_RUN_LABEL}: "${testRunId}" } }`,
    'alerts:',
    '  groupWait: 0s',
    '  groupWindow: 100ms',
    '  rules:',
    ...rules,
    '  routes: [{ notifiers: [hook] }]',
    'notifiers:',
    `  - { name: hook, type: webhook, url: "${hookUrl}" }`,
  ].join('\n');
}

/** When each marker line was stamped by the engine (ms), by rule name, from `docker logs -t`. */
async function markerStamps(id: string, j: number): Promise<Map<string, number>> {
  const { stdout } = await exec('docker', ['logs', '-t', id], { maxBuffer: 16 * 1024 * 1024 });
  const out = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) MARKER (\d+)-(\d+);/.exec(line);
    if (m && Number(m[2]) === j) out.set(markerRule(j, Number(m[3])), Date.parse(m[1] as string));
  }
  return out;
}

/** Counts the lines the engine kept of a container, as `docker logs ID | wc -l` does. */
async function engineLineCount(id: string): Promise<number> {
  const { stdout } = await exec('sh', ['-c', `docker logs ${id} 2>&1 | wc -l`], { maxBuffer: 1024 * 1024 });
  return Number(stdout.trim());
}

async function floodAccounting(agent: MeasuredAgent, name: string) {
  const series = await agent.metrics();
  const processed = valueOf(series, 'dockwatch_log_lines_total', { name, stream: 'stdout' }) ?? 0;
  const dropped: Record<string, number> = {};
  for (const s of findSeries(series, 'dockwatch_log_lines_dropped_total', { name })) {
    dropped[s.labels.reason ?? '?'] = s.value;
  }
  return { processed, dropped, total: processed + Object.values(dropped).reduce((a, b) => a + b, 0) };
}

/**
 * Runs an agent process, one container writing numbered 1 KB lines as fast as it can for `floodSeconds`, and
 * `markerContainers` containers logging a marker every `markerEveryMs` that a log rule (one per marker) turns into a
 * webhook notification; measures what {@link LogFloodResult} holds. Removes its containers and stops the agent.
 */
export async function runLogFlood(opts: LogFloodOptions): Promise<LogFloodResult> {
  const say = opts.progress ?? (() => undefined);
  const markers = Math.max(1, Math.floor((opts.floodSeconds * 1000) / opts.markerEveryMs));
  let server: RecordingServer | undefined;
  let agent: MeasuredAgent | undefined;
  try {
    server = await startRecordingServer();
    const hookUrl = `${server.url}/hook`;
    agent = await startMeasuredAgent((dataDir, port) =>
      agentConfig(dataDir, port, hookUrl, markers, opts.markerContainers),
    );
    await new Promise((r) => setTimeout(r, 1000));
    const baselineRssBytes = agent.stats().rssBytes;
    say(`agent pid ${agent.pid} ready, RSS ${(baselineRssBytes / 2 ** 20).toFixed(1)} MiB; ${markers} markers each`);

    const markerIds: string[] = [];
    const pause = (opts.markerEveryMs / 1000).toFixed(3);
    for (let j = 1; j <= opts.markerContainers; j++) {
      const script = `sleep 1; k=0; while [ $k -lt ${markers} ]; do k=$((k+1)); echo "MARKER ${j}-$k;"; sleep ${pause}; done; exec sleep 600`;
      markerIds.push((await runTestContainer({ name: `marker${j}`, cmd: ['sh', '-c', script] })).id);
    }
    const flood = await runTestContainer({
      name: 'flood',
      logConfig: opts.floodLogOptions && { Type: 'json-file', Config: opts.floodLogOptions },
      cmd: [
        'sh',
        '-c',
        `p=$(head -c ${PAD_BYTES} /dev/zero | tr "\\0" x); sleep 1; end=$(($(date +%s) + ${opts.floodSeconds})); i=0; ` +
          'while :; do k=0; while [ $k -lt 500 ]; do i=$((i+1)); k=$((k+1)); echo "$i $p"; done; ' +
          '[ $(date +%s) -lt $end ] || break; done',
      ],
    });
    const floodName = (await testDocker().getContainer(flood.id).inspect()).Name.replace(/^\//, '');
    const floodStart = Date.now();
    await testDocker().getContainer(flood.id).wait();
    const floodMs = Date.now() - floodStart - 1000;
    const tail = await exec('docker', ['logs', '--tail', '1', flood.id]);
    const linesWritten = Number(tail.stdout.split(' ')[0]);
    const engineKept = await engineLineCount(flood.id);
    say(`flood ended after ${floodMs} ms: ${linesWritten} lines written, ${engineKept} kept by the engine`);

    const caughtUpAt = Date.now();
    let accounting = await floodAccounting(agent, floodName);
    let catchUpMs: number | undefined;
    const measured = agent;
    try {
      await waitFor(
        async () => {
          accounting = await floodAccounting(measured, floodName);
          return accounting.total >= linesWritten;
        },
        { what: 'the agent to account for every flood line', timeoutMs: opts.catchUpTimeoutMs, intervalMs: 250 },
      );
      catchUpMs = Date.now() - caughtUpAt;
    } catch {
      catchUpMs = undefined;
    }
    const markersSent = markers * opts.markerContainers;
    await server.waitForRequests(markersSent, '/hook', 30_000).catch(() => undefined);
    const stamps = new Map<string, number>();
    for (const [index, id] of markerIds.entries()) {
      for (const [rule, at] of await markerStamps(id, index + 1)) stamps.set(rule, at);
    }
    const firstArrival = new Map<string, number>();
    let markerDuplicates = 0;
    for (const r of server.requestsTo('/hook')) {
      const body = JSON.parse(r.body) as { kind: string; rule?: string; status?: string };
      if (body.kind !== 'alerts' || body.status !== 'firing' || !body.rule?.startsWith('marker-')) continue;
      if (firstArrival.has(body.rule)) markerDuplicates++;
      else firstArrival.set(body.rule, r.at);
    }
    const markerLatenciesMs = [...firstArrival]
      .flatMap(([rule, at]) => {
        const stamped = stamps.get(rule);
        return stamped === undefined ? [] : [at - stamped];
      })
      .sort((a, b) => a - b);
    return {
      linesWritten,
      engineKept,
      processed: accounting.processed,
      dropped: accounting.dropped,
      floodMs,
      catchUpMs,
      baselineRssBytes,
      peakRssBytes: agent.stats().peakRssBytes,
      markersSent,
      markersDelivered: firstArrival.size,
      markerDuplicates,
      markerLatenciesMs,
    };
  } finally {
    await agent?.stop();
    await removeTestContainers();
    await server?.stop();
  }
}

/** The value at quantile `q` (0–1) of ascending `sorted` (nearest rank); NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}
