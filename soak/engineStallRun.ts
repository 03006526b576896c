import { mapWithConcurrency } from '../agent/stats/concurrency';
import { removeTestContainers, runTestContainer } from '../test/support/engine';
import { crashAlertToWebhook, startEngineStallRig, type EngineStallRig } from '../test/support/engineStallRig';
import { startRecordingServer, type RecordingServer } from '../test/support/recordingServer';
import { waitFor } from '../test/support/waitFor';

/** One scrape of /metrics during the soak: when, how long, and what it said about the engine. */
export type ScrapeSample = { at: number; ms: number; status: number; up?: number; inFlight?: number };

/** What `npm run soak -- engine-stall` measured. */
export type EngineStallFigures = {
  containers: number;
  stallMs: number;
  stallTimeoutMs: number;
  before: ScrapeSample[];
  during: ScrapeSample[];
  after: ScrapeSample[];
  /** From the stall until a scrape first showed `dockwatch_engine_up 0`. */
  untilDownMs?: number;
  /** From the resume until a scrape first showed `dockwatch_engine_up 1` again. */
  recoverMs?: number;
  /** The most `dockwatch_engine_requests_in_flight` a scrape showed during the stall. */
  maxInFlight: number;
  /** The most client connections open at once on the proxy during the stall. */
  maxProxyConnections: number;
  /** Control API reads asked during the stall, and how they were answered (-1: no answer before the resume). */
  reads: Map<number, number>;
  /** `crashed` notifications for the container that started and crashed during the stall (1 is right). */
  crashAlerts: number;
  /** Whether the container created during the stall was in the inventory after the recovery. */
  inventoryHasNew: boolean;
};

/** How long a soak runs and on how many idle containers. */
export type EngineStallRunOptions = {
  containers: number;
  stallMs: number;
  /** Quiet time measured before the stall and after the recovery. */
  phaseMs: number;
  progress: (message: string) => void;
};

/** `docker.stallTimeout` of the soak's agent: the default. */
const STALL_TIMEOUT = '10s';
const STALL_TIMEOUT_MS = 10_000;
const SCRAPE_EVERY_MS = 100;
const READ_EVERY_MS = 250;
const IN_FLIGHT = 'dockwatch_engine_requests_in_flight';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gauge = (body: string, name: string) => {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(body);
  return m ? Number(m[1]) : undefined;
};

/**
 * Runs `containers` idle labelled containers and an agent process on dockerd behind a stall proxy; scrapes /metrics
 * every 100 ms and reads the control API every 250 ms throughout; stalls the engine for `stallMs` (a container starts
 * and crashes meanwhile), resumes it, and measures until `phaseMs` after the recovery. Removes what it created.
 */
export async function runEngineStallSoak(options: EngineStallRunOptions): Promise<EngineStallFigures> {
  const { progress } = options;
  let rig: EngineStallRig | undefined;
  let hook: RecordingServer | undefined;
  try {
    progress(`starting ${options.containers} idle containers`);
    const idle = await mapWithConcurrency(
      Array.from({ length: options.containers }, (_, i) => i),
      4,
      (i) => runTestContainer({ name: `stall-idle-${i}`, cmd: ['sleep', '86400'], networkMode: 'none' }),
    );
    hook = await startRecordingServer();
    rig = await startEngineStallRig({
      hostName: 'stall-soak',
      stallTimeout: STALL_TIMEOUT,
      more: [...crashAlertToWebhook(hook.url)],
    });
    const { proxy, url } = rig;
    await waitFor(
      async () => {
        const res = await fetch(`${url}/api/v1/containers`);
        return ((await res.json()) as { containers?: unknown[] }).containers?.length === options.containers;
      },
      { what: `the agent to list ${options.containers} containers`, timeoutMs: 120_000, intervalMs: 500 },
    );

    const samples: ScrapeSample[] = [];
    const reads = new Map<number, number>();
    let stalled = false;
    let done = false;
    const target = idle[0]?.id ?? '';
    const scraping = (async () => {
      while (!done) {
        const started = performance.now();
        const res = await fetch(`${url}/metrics`);
        const body = await res.text();
        const ms = performance.now() - started;
        const sample = { at: Date.now(), ms, status: res.status };
        samples.push({ ...sample, up: gauge(body, 'dockwatch_engine_up'), inFlight: gauge(body, IN_FLIGHT) });
        await sleep(SCRAPE_EVERY_MS);
      }
    })();
    const pendingReads: Promise<void>[] = [];
    const reading = (async () => {
      while (!done) {
        if (stalled) {
          const n = reads.size;
          reads.set(n, -1);
          const read = fetch(`${url}/api/v1/containers/${target}/inspect`, { signal: AbortSignal.timeout(300_000) });
          pendingReads.push(
            read.then(
              (r) => void (stalled && reads.set(n, r.status)),
              () => undefined,
            ),
          );
        } else {
          await fetch(`${url}/api/v1/containers/${target}/inspect`).catch(() => undefined);
        }
        await sleep(READ_EVERY_MS);
      }
    })();

    progress(`measuring ${options.phaseMs / 1000} s before the stall`);
    await sleep(options.phaseMs);
    const stalledAt = Date.now();
    proxy.stall();
    proxy.resetPeak();
    stalled = true;
    progress(`engine stalled for ${options.stallMs / 1000} s`);
    const crash = await runTestContainer({ name: 'stall-crash', cmd: ['sh', '-c', 'sleep 1; exit 3'] });
    await sleep(options.stallMs - (Date.now() - stalledAt));
    const maxProxyConnections = proxy.peakConnections;
    stalled = false;
    const resumedAt = Date.now();
    proxy.resume();
    progress('engine answers again');
    await waitFor(async () => samples.some((s) => s.at > resumedAt && s.up === 1), {
      what: 'dockwatch_engine_up 1 after the resume',
      timeoutMs: 120_000,
      intervalMs: 100,
    });
    progress(`measuring ${options.phaseMs / 1000} s after the recovery`);
    await sleep(options.phaseMs);
    done = true;
    await Promise.all([scraping, reading]);
    await Promise.race([Promise.all(pendingReads), sleep(5_000)]);

    const listed = (await (await fetch(`${url}/api/v1/containers`)).json()) as { containers?: { name: string }[] };
    const crashAlerts = hook
      .requestsTo('/hook')
      .map((r) => JSON.parse(r.body) as { rule: string; alerts: { labels: Record<string, string> }[] })
      .filter((n) => n.rule === 'crashed' && n.alerts.some((a) => a.labels.container === crash.name)).length;
    const during = samples.filter((s) => s.at >= stalledAt && s.at < resumedAt);
    const firstDown = during.find((s) => s.up === 0);
    const firstUp = samples.find((s) => s.at > resumedAt && s.up === 1);
    return {
      containers: options.containers,
      stallMs: options.stallMs,
      stallTimeoutMs: STALL_TIMEOUT_MS,
      before: samples.filter((s) => s.at < stalledAt),
      during,
      after: samples.filter((s) => firstUp !== undefined && s.at > firstUp.at),
      ...(firstDown ? { untilDownMs: firstDown.at - stalledAt } : {}),
      ...(firstUp ? { recoverMs: firstUp.at - resumedAt } : {}),
      maxInFlight: Math.max(0, ...during.map((s) => s.inFlight ?? 0)),
      maxProxyConnections,
      reads,
      crashAlerts,
      inventoryHasNew: listed.containers?.some((c) => c.name === crash.name) ?? false,
    };
  } finally {
    progress('cleaning up');
    await rig?.stop();
    await hook?.stop();
    await removeTestContainers();
  }
}
