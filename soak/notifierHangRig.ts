import { randomBytes } from 'node:crypto';
import type { NotifierType } from '../alerts/notifiers/notifier';
import type { HangingEndpoint, HangMode, HealthyEndpoint } from './hangingEndpoints';
import { startHangingEndpoint, startHealthyEndpoint } from './hangingEndpoints';
import type { HangAgent, HangLaneConfig, MarkerContainer } from './notifierHangAgent';
import { startHangAgent, startMarkerContainer } from './notifierHangAgent';

/** What one run of the rig does: how long markers are written, how often, and the hung notifiers' timeout. */
export type HangRigOptions = {
  /** Compiled CLI (`dist/cli.js`). */
  cliPath: string;
  durationMs: number;
  /** One marker line this often, round-robin over the marker containers. */
  markerEveryMs: number;
  /** Marker containers (default 1); each container's alert must resolve (1 s) before its next marker fires it again. */
  containers?: number;
  /** The `timeout` of every hanging notifier, as the config writes it (`4s`). */
  hangTimeout: string;
  /** How fast the trickling endpoints send: one byte per this many ms (1000 as the fault describes). */
  byteEveryMs?: number;
  progress?: (message: string) => void;
  /** False: only the healthy notifier (the baseline its latency is compared with). Default true. */
  hungLanes?: boolean;
};

/** What one hanging lane came to. */
export type HungLaneReport = {
  name: string;
  type: NotifierType;
  mode: HangMode;
  /** The agent's `dockwatch_notifications_total` by result. */
  sent: number;
  retried: number;
  failed: number;
  /** Connections the endpoint accepted, the most it held at once, and how many it still held after the stop. */
  attempts: number;
  maxOpen: number;
  openAfterStop: number;
  /** The longest a closed connection was held, in ms, and the start-to-start gaps between attempts. */
  longestHoldMs: number;
  gapsMs: number[];
};

/** The well-behaved lane: markers written, delivered, notifications received twice, each marker's latency. */
export type HealthyLaneReport = {
  name: string;
  markers: number;
  delivered: number;
  duplicates: number;
  sent: number;
  retried: number;
  latenciesMs: number[];
};

/** Everything the test asserts and the soak prints. */
export type HangRigReport = {
  hung: HungLaneReport[];
  healthy: HealthyLaneReport;
  rssKb: { start: number; end: number; max: number };
  socketFds: { start: number; end: number; max: number };
  stop: { exit: string; ms: number | undefined };
  agentOutput: string;
};

/** The hanging lanes: every notifier type, every way of hanging (Alertmanager twice). */
export const HUNG_LANES: readonly { name: string; type: NotifierType; mode: HangMode }[] = [
  { name: 'hook-black-hole', type: 'webhook', mode: 'black-hole' },
  { name: 'slack-mute', type: 'slack-webhook', mode: 'mute' },
  { name: 'discord-trickle', type: 'discord-webhook', mode: 'trickle' },
  { name: 'am-stalled-body', type: 'alertmanager', mode: 'stalled-body' },
  { name: 'am-trickle-body', type: 'alertmanager', mode: 'trickle-body' },
];

/** The healthy lane's notifier name. */
export const HEALTHY_LANE = 'healthy';

const PATHS: Readonly<Record<NotifierType, string>> = {
  webhook: '/hook',
  'slack-webhook': '/services/T0/B0/hang',
  'discord-webhook': '/api/webhooks/1/hang',
  alertmanager: '',
};

/**
 * Runs an agent process whose notifiers are the {@link HUNG_LANES} and one healthy webhook, writes a marker line
 * every `markerEveryMs` for `durationMs` (each fires the `mark` rule), waits for the healthy lane to catch up,
 * stops the agent and reports what every lane and endpoint saw.
 */
export async function runNotifierHangRig(opts: HangRigOptions): Promise<HangRigReport> {
  const progress = opts.progress ?? (() => undefined);
  const runId = randomBytes(4).toString('hex');
  const endpoints: HangingEndpoint[] = [];
  const hungLanes = opts.hungLanes === false ? [] : HUNG_LANES;
  let healthy: HealthyEndpoint | undefined;
  let agent: HangAgent | undefined;
  const markers: MarkerContainer[] = [];
  try {
    for (const lane of hungLanes) endpoints.push(await startHangingEndpoint(lane.mode, opts.byteEveryMs));
    healthy = await startHealthyEndpoint();
    const lanes: HangLaneConfig[] = [
      { name: HEALTHY_LANE, type: 'webhook', url: `${healthy.url}/hook`, timeout: '10s' },
      ...hungLanes.map((l, i) => ({ ...l, url: `${endpoints[i]?.url}${PATHS[l.type]}`, timeout: opts.hangTimeout })),
    ];
    agent = await startHangAgent(opts.cliPath, runId, lanes);
    for (let i = 0; i < (opts.containers ?? 1); i++) markers.push(await startMarkerContainer(`${runId}-${i}`, runId));
    progress(`agent ${agent.pid} ready; writing a marker every ${opts.markerEveryMs} ms for ${opts.durationMs} ms`);
    const sentAt = new Map<number, number>();
    const rss: number[] = [];
    const fds: number[] = [];
    const started = Date.now();
    for (let seq = 1; Date.now() - started < opts.durationMs; seq++) {
      sentAt.set(seq, Date.now());
      markers[seq % markers.length]?.write(`MARK seq=${seq}`);
      rss.push(agent.rssKb());
      fds.push(agent.socketFds());
      await sleep(opts.markerEveryMs);
    }
    await waitUntil(() => markersSeen(healthy as HealthyEndpoint).size >= sentAt.size, 15_000);
    const deliveries = await agent.deliveries();
    const rssEnd = agent.rssKb();
    const fdsEnd = agent.socketFds();
    const stop = await agent.stop(30_000);
    const agentOutput = agent.output();
    agent = undefined;
    await waitUntil(() => endpoints.every((e) => e.open() === 0), 2_000);
    const count = (name: string, result: string) => deliveries.get(`${name}/${result}`) ?? 0;
    return {
      hung: hungLanes.map((lane, i) => hungReport(lane, endpoints[i] as HangingEndpoint, count)),
      healthy: healthyReport(healthy, sentAt, count),
      rssKb: { start: rss[Math.min(2, rss.length - 1)] ?? 0, end: rssEnd, max: Math.max(rssEnd, ...rss) },
      socketFds: { start: fds[Math.min(2, fds.length - 1)] ?? 0, end: fdsEnd, max: Math.max(fdsEnd, ...fds) },
      stop,
      agentOutput,
    };
  } finally {
    await agent?.stop(10_000);
    for (const marker of markers) await marker.remove();
    await healthy?.stop();
    for (const endpoint of endpoints) await endpoint.stop();
  }
}

function hungReport(
  lane: (typeof HUNG_LANES)[number],
  endpoint: HangingEndpoint,
  count: (name: string, result: string) => number,
): HungLaneReport {
  const closed = endpoint.connections.filter((c) => c.closedAt !== undefined);
  const starts = endpoint.connections.map((c) => c.openedAt);
  return {
    ...lane,
    sent: count(lane.name, 'sent'),
    retried: count(lane.name, 'retried'),
    failed: count(lane.name, 'failed'),
    attempts: endpoint.connections.length,
    maxOpen: endpoint.maxOpen(),
    openAfterStop: endpoint.open(),
    longestHoldMs: Math.max(0, ...closed.map((c) => (c.closedAt as number) - c.openedAt)),
    gapsMs: starts.slice(1).map((at, i) => at - (starts[i] as number)),
  };
}

function healthyReport(
  healthy: HealthyEndpoint,
  sentAt: ReadonlyMap<number, number>,
  count: (name: string, result: string) => number,
): HealthyLaneReport {
  const firstSeen = new Map<number, number>();
  const ids = new Set<string>();
  let duplicates = 0;
  for (const post of healthy.received) {
    const id = (post.body as { id?: string } | undefined)?.id ?? '';
    if (ids.has(id)) duplicates += 1;
    ids.add(id);
    for (const seq of markersIn(post.body)) if (!firstSeen.has(seq)) firstSeen.set(seq, post.at);
  }
  const latenciesMs = [...firstSeen].map(([seq, at]) => at - (sentAt.get(seq) ?? at));
  return {
    name: HEALTHY_LANE,
    markers: sentAt.size,
    delivered: firstSeen.size,
    duplicates,
    sent: count(HEALTHY_LANE, 'sent'),
    retried: count(HEALTHY_LANE, 'retried'),
    latenciesMs,
  };
}

/** The marker numbers in the firing notifications the healthy endpoint received. */
function markersSeen(healthy: HealthyEndpoint): Set<number> {
  return new Set(healthy.received.flatMap((post) => markersIn(post.body)));
}

/** The `MARK seq=N` numbers in the log lines of a firing webhook body. */
function markersIn(body: unknown): number[] {
  const b = body as { status?: string; alerts?: { lines?: string[] }[] } | undefined;
  if (b?.status !== 'firing') return [];
  const lines = (b.alerts ?? []).flatMap((a) => a.lines ?? []);
  return lines.flatMap((line) => [...line.matchAll(/MARK seq=(\d+)/g)].map((m) => Number(m[1])));
}

/** The `p`th percentile (nearest rank) of `values`; 0 when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await sleep(50);
}
