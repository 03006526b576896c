import type Docker from 'dockerode';
import { TEST_IMAGE_V1, testRunId } from './engine';
import { findSeries, valueOf, type Series } from './exposition';
import { startMeasuredAgent, type MeasuredAgent, type ProcessStats } from './measuredAgent';
import { copyImage, privateEngine, type PrivateEngine } from './privateEngine';
import { waitFor } from './waitFor';

/** How long containers churn, how many create–start–remove loops run at once, how long the agent may take after. */
export type ChurnOptions = {
  seconds: number;
  parallel: number;
  settleTimeoutMs: number;
  /** How often to read the agent's memory (after a full GC) while containers churn. */
  sampleEveryMs?: number;
  progress?: (m: string) => void;
};

/** The agent's memory at a moment of the churn, after a full GC. */
export type MemorySample = { atMs: number; containers: number; rssBytes: number; heapUsedBytes: number };

/** Counts by `type/action` (`container/start`, `network/connect`, …). */
export type EventCounts = Record<string, number>;

/** The agent's state at one moment: process figures, its open log streams, its JS heap after a full GC. */
export type AgentSnapshot = ProcessStats & { logStreams: number; heapUsedBytes?: number; heapTotalBytes?: number };

/** What a churn run showed. */
export type ChurnResult = {
  containers: number;
  /** Containers per second created, started and removed. */
  ratePerSecond: number;
  /** Create, start, remove calls the engine refused. */
  failures: number;
  /** Events the engine emitted during the churn (its own event stream, read by the rig). */
  engineEvents: EventCounts;
  /** Container events the rig's own calls predict: create, start, kill, die, destroy. */
  caused: EventCounts;
  /** How much the agent's dockwatch_engine_events_total rose over the churn. */
  counted: EventCounts;
  /** IDs the agent's inventory lacks and holds beyond `docker ps -a` for the run's label, at the end. */
  inventoryMissing: string[];
  inventoryExtra: string[];
  inventorySize: number;
  baseline: AgentSnapshot;
  /** Once the agent settled (events counted, inventory exact, streams and descriptors back), or at the timeout. */
  settled: AgentSnapshot;
  /** 10 s later, after a full GC (compare with the baseline, also taken after one). */
  later: AgentSnapshot;
  settleMs: number;
  /** Every `sampleEveryMs` during the churn. */
  samples: MemorySample[];
};

/** Label selecting this run's containers on the private engine. */
const CHURN_LABEL = 'dockwatch.churn';
/** Containers that run through the whole churn (their log streams are the baseline). */
const SLEEPERS = 3;

function agentConfig(dataDir: string, port: number, host: string): string {
  return [
    'agent:',
    `  dataDir: ${JSON.stringify(dataDir)}`,
    `  listen: 127.0.0.1:${port}`,
    '  logLevel: warn',
    `docker: { host: "${host}" }`,
    'stats: { interval: 1s }',
    'containers:',
    `  include: { labels: { ${CHURN_LABEL}: "${testRunId}" } }`,
    'alerts:',
    // A log rule makes the agent follow the log of every container it watches, churned ones included.
    '  rules: [{ name: churn-never, kind: log, contains: "no churn line says this" }]',
  ].join('\n');
}

async function snapshot(agent: MeasuredAgent): Promise<{ at: AgentSnapshot; series: Series[] }> {
  const series = await agent.metrics();
  return { at: { ...agent.stats(), logStreams: valueOf(series, 'dockwatch_log_streams_open') ?? NaN }, series };
}

function eventCounts(series: Series[]): EventCounts {
  const out: EventCounts = {};
  for (const s of findSeries(series, 'dockwatch_engine_events_total'))
    out[`${s.labels.type}/${s.labels.action}`] = s.value;
  return out;
}

function difference(after: EventCounts, before: EventCounts): EventCounts {
  const out: EventCounts = {};
  for (const [key, value] of Object.entries(after))
    if (value - (before[key] ?? 0) !== 0) out[key] = value - (before[key] ?? 0);
  return out;
}

const bump = (counts: EventCounts, key: string, by = 1) => (counts[key] = (counts[key] ?? 0) + by);

/** The IDs the agent's control API lists (GET /api/v1/containers). */
async function inventoryIds(agent: MeasuredAgent): Promise<Set<string>> {
  const answer = (await (await fetch(`http://127.0.0.1:${agent.port}/api/v1/containers`)).json()) as unknown;
  const ids = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const id = (v as { id?: unknown }).id;
      if (typeof id === 'string' && /^[0-9a-f]{64}$/.test(id)) ids.add(id);
      else Object.values(v).forEach(walk);
    }
  };
  walk(answer);
  return ids;
}

/**
 * One churn loop: creates containers (a third removed by the engine when they exit, a third removed after they
 * exited, a third force-removed while running) until `deadline`, counting the container events its calls cause.
 */
async function churnLoop(
  docker: Docker,
  worker: number,
  deadline: number,
  caused: EventCounts,
  made: Set<string>,
): Promise<number[]> {
  let count = 0;
  let failures = 0;
  for (let i = 0; Date.now() < deadline; i++) {
    const kind = (worker + i) % 3;
    try {
      const c = await docker.createContainer({
        Image: TEST_IMAGE_V1,
        Cmd: ['sh', '-c', kind === 2 ? 'echo churn; exec sleep 30' : 'echo churn'],
        Labels: { [CHURN_LABEL]: testRunId },
        HostConfig: { AutoRemove: kind === 0, NetworkMode: 'none' },
      });
      bump(caused, 'container/create');
      count++;
      made.add(c.id);
      try {
        await c.start();
        bump(caused, 'container/start');
        if (kind === 1) await c.wait();
        if (kind === 2) bump(caused, 'container/kill');
        bump(caused, 'container/die');
        if (kind !== 0) await c.remove({ force: true });
      } catch (err) {
        await c.remove({ force: true }).catch(() => undefined);
        throw err;
      } finally {
        bump(caused, 'container/destroy');
      }
    } catch {
      failures++;
    }
  }
  return [count, failures];
}

/**
 * Runs an agent process on a private engine (so every event on it is the rig's), 3 long-running containers, and
 * `parallel` loops creating, starting and removing containers for `seconds`; then waits until the agent's event
 * counters and inventory match the engine and reads what {@link ChurnResult} holds. Destroys the engine at the end.
 */
export async function runChurn(opts: ChurnOptions): Promise<ChurnResult> {
  const say = opts.progress ?? (() => undefined);
  let engine: PrivateEngine | undefined;
  let agent: MeasuredAgent | undefined;
  try {
    engine = privateEngine();
    await engine.start();
    copyImage(TEST_IMAGE_V1, engine.host);
    const docker = engine.docker;
    const host = engine.host;
    agent = await startMeasuredAgent((dataDir, port) => agentConfig(dataDir, port, host));
    const measured = agent;
    for (let i = 0; i < SLEEPERS; i++) {
      const c = await docker.createContainer({
        Image: TEST_IMAGE_V1,
        Cmd: ['sh', '-c', 'echo sleeper; exec sleep 3600'],
        Labels: { [CHURN_LABEL]: testRunId },
        HostConfig: { NetworkMode: 'none' },
      });
      await c.start();
    }
    await waitFor(async () => (await snapshot(measured)).at.logStreams === SLEEPERS, {
      what: `the agent to follow the ${SLEEPERS} sleepers' logs`,
      timeoutMs: 20_000,
    });
    // The baseline once the sampler reads the sleepers' cgroup files too (it keeps them open while they run).
    await waitFor(
      async () => findSeries((await snapshot(measured)).series, 'container_memory_usage_bytes').length >= SLEEPERS,
      { what: "the sleepers' first samples", timeoutMs: 20_000 },
    );
    await new Promise((r) => setTimeout(r, 3000));
    const baseHeap = await agent.collectGarbage();
    const { at: baseSnapshot, series: baseSeries } = await snapshot(agent);
    const baseline = { ...baseSnapshot, ...baseHeap };
    say(
      `baseline: agent pid ${measured.pid}, RSS ${(baseline.rssBytes / 2 ** 20).toFixed(1)} MiB, ${baseline.fds} fds, ${baseline.logStreams} streams`,
    );

    const engineEvents: EventCounts = {};
    const events = (await docker.getEvents({ since: Math.floor(Date.now() / 1000) - 1 })) as NodeJS.ReadableStream & {
      destroy(): void;
    };
    const startedAt = Date.now();
    let buffered = '';
    events.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const e = JSON.parse(line) as { Type: string; Action: string; timeNano: number };
        if (e.timeNano / 1e6 >= startedAt) bump(engineEvents, `${e.Type}/${e.Action.split(':')[0]}`);
      }
    });
    await new Promise((r) => setTimeout(r, 1000));
    const churnStart = Date.now();
    const caused: EventCounts = {};
    const churned = new Set<string>();
    const deadline = churnStart + opts.seconds * 1000;
    const samples: MemorySample[] = [];
    const sampler = opts.sampleEveryMs
      ? setInterval(() => {
          void measured.collectGarbage().then(({ heapUsedBytes }) => {
            const sample = {
              atMs: Date.now() - churnStart,
              containers: caused['container/create'] ?? 0,
              rssBytes: measured.stats().rssBytes,
              heapUsedBytes,
            };
            samples.push(sample);
            say(
              `${Math.round(sample.atMs / 1000)} s: ${sample.containers} containers, RSS ${(sample.rssBytes / 2 ** 20).toFixed(1)} MiB`,
            );
          });
        }, opts.sampleEveryMs)
      : undefined;
    const loops = await Promise.all(
      Array.from({ length: opts.parallel }, (_, w) => churnLoop(docker, w, deadline, caused, churned)),
    ).finally(() => clearInterval(sampler));
    const churnMs = Date.now() - churnStart;
    const containers = loops.reduce((a, [made]) => a + (made ?? 0), 0);
    const failures = loops.reduce((a, [, failed]) => a + (failed ?? 0), 0);
    say(`churned ${containers} containers in ${churnMs} ms (${failures} failures)`);
    // Every container the churn made is destroyed by the end, as `caused` says: an AutoRemove one the engine has
    // not removed yet (or, seen once in ~180, never removes) is removed here; one already on its way is left to it.
    const present = new Set((await docker.listContainers({ all: true })).map((c) => c.Id));
    const leftover = [...churned].filter((id) => present.has(id));
    await Promise.all(
      leftover.map((id) =>
        docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    if (leftover.length > 0) say(`removed ${leftover.length} churned container(s) the engine still had`);

    const settleStart = Date.now();
    const expectedIds = async () =>
      new Set(
        (await docker.listContainers({ all: true, filters: { label: [`${CHURN_LABEL}=${testRunId}`] } })).map(
          (c) => c.Id,
        ),
      );
    let counted: EventCounts = {};
    let inventoryMissing: string[] = [];
    let inventoryExtra: string[] = [];
    let inventorySize = 0;
    const settledCheck = async () => {
      await new Promise((r) => setTimeout(r, 300));
      counted = difference(eventCounts((await snapshot(measured)).series), eventCounts(baseSeries));
      const want = await expectedIds();
      const have = await inventoryIds(measured);
      inventorySize = have.size;
      inventoryMissing = [...want].filter((id) => !have.has(id));
      inventoryExtra = [...have].filter((id) => !want.has(id));
      const engineSeen = difference(engineEvents, {});
      // An AutoRemove container's die and destroy come after the rig has moved on: wait until the engine sent them.
      const allCaused = Object.entries(caused).every(([key, n]) => (engineSeen[key] ?? 0) >= n);
      const same = JSON.stringify(Object.entries(counted).sort()) === JSON.stringify(Object.entries(engineSeen).sort());
      const now = (await snapshot(measured)).at;
      const back = now.logStreams === baseline.logStreams && now.fds === baseline.fds;
      return allCaused && same && !inventoryMissing.length && !inventoryExtra.length && back;
    };
    await waitFor(settledCheck, {
      what: 'the agent to settle',
      timeoutMs: opts.settleTimeoutMs,
      intervalMs: 500,
    }).catch(() => undefined);
    const settleMs = Date.now() - settleStart;
    events.destroy();
    const settled = (await snapshot(agent)).at;
    await new Promise((r) => setTimeout(r, 10_000));
    const laterHeap = await agent.collectGarbage();
    const later = { ...(await snapshot(agent)).at, ...laterHeap };
    return {
      containers,
      ratePerSecond: containers / (churnMs / 1000),
      failures,
      engineEvents,
      caused,
      counted,
      inventoryMissing,
      inventoryExtra,
      inventorySize,
      baseline,
      settled,
      later,
      settleMs,
      samples,
    };
  } finally {
    await agent?.stop();
    await engine?.destroy();
  }
}
