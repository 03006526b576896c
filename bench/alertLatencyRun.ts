import { loadavg } from 'node:os';
import type Dockerode from 'dockerode';
import type { AlertBenchContainers, BenchContainer } from './alertLatencyContainers';
import type { WebhookReceiver } from './alertLatencyReceiver';
import type { SchedTime } from './alertLatencyDiagnosis';
import type { ScenarioSpec } from './alertLatencyScenarios';
import { lineStamp, type EventStamps } from './alertLatencyStamps';
import type { LatencySample, ScenarioResult } from './alertLatencyTable';

/** What a scenario run needs from the bench. */
export type ScenarioContext = {
  docker: Dockerode;
  containers: AlertBenchContainers;
  receiver: WebhookReceiver;
  events: EventStamps;
  /** How long after the last start to wait for the missing notifications. */
  timeoutMs: number;
  random: () => number;
  progress: (message: string) => void;
  /** The agent's main-thread CPU and run-queue wait so far. */
  agentSched?: () => SchedTime | undefined;
  /** What the agent itself counted for a rule and the containers whose notification is missing. */
  diagnose?: (rule: string, containers: readonly string[]) => Promise<string>;
};

const POLL_MS = 50;

function eventStamp(spec: ScenarioSpec, ctx: ScenarioContext, c: BenchContainer): number | undefined {
  return spec.stamp.kind === 'event' ? ctx.events.at(c.id, spec.stamp.action) : undefined;
}

/** Waits (polling) until every container has its notification and its event stamp, or the deadline passes. */
async function awaitOutcomes(spec: ScenarioSpec, ctx: ScenarioContext, all: readonly BenchContainer[]): Promise<void> {
  const deadline = Date.now() + ctx.timeoutMs;
  const done = (c: BenchContainer) =>
    ctx.receiver.receipt(spec.rule, c.name) !== undefined &&
    (spec.stamp.kind === 'line' || eventStamp(spec, ctx, c) !== undefined);
  while (Date.now() < deadline && !all.every(done)) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function causeAt(spec: ScenarioSpec, ctx: ScenarioContext, c: BenchContainer): Promise<number | undefined> {
  if (spec.stamp.kind === 'event') return eventStamp(spec, ctx, c);
  return lineStamp(ctx.docker, c.id, spec.stamp.pattern);
}

/** Which repetition of a scenario this is: its round and how far apart its containers start. */
export type ScenarioRun = { round: number; spacingMs: number };

/**
 * One scenario in one round at one spacing: creates its containers, starts them spread over time, waits for each
 * one's first firing notification, reads the engine's time of each cause, removes the containers (one at a time) and
 * returns the samples, with the containers that got no notification (or whose cause was never stamped) as missing.
 */
export async function runScenario(spec: ScenarioSpec, run: ScenarioRun, ctx: ScenarioContext): Promise<ScenarioResult> {
  const what = `round ${run.round}: ${spec.title}, ${run.spacingMs} ms apart`;
  ctx.progress(`${what}: creating ${spec.count} containers`);
  const created = await ctx.containers.create(spec, `r${run.round}-${run.spacingMs}ms`, ctx.random);
  const schedBefore = ctx.agentSched?.();
  try {
    ctx.progress(`${what}: starting them`);
    await ctx.containers.startSpread(created, run.spacingMs);
    await awaitOutcomes(spec, ctx, created);
    const schedAfter = ctx.agentSched?.();
    const load = loadavg()[0] ?? NaN;
    const samples: LatencySample[] = [];
    const missing: string[] = [];
    const unnotified: string[] = [];
    for (const c of created) {
      const receipt = ctx.receiver.receipt(spec.rule, c.name);
      const cause = await causeAt(spec, ctx, c);
      if (!receipt) unnotified.push(c.name);
      if (!receipt || cause === undefined) {
        missing.push(`${c.name} (${receipt ? 'no engine time for the cause' : 'no notification'})`);
        continue;
      }
      samples.push({
        container: c.name,
        causeAt: cause,
        activeAt: receipt.activeAt,
        createdAt: receipt.createdAt,
        receivedAt: receipt.receivedAt,
        notificationCount: receipt.count,
        startedAt: ctx.events.at(c.id, 'start'),
      });
    }
    if (missing.length) ctx.progress(`  missing: ${missing.join(', ')}`);
    if (unnotified.length) {
      const lostIds = new Set(created.filter((c) => unnotified.includes(c.name)).map((c) => c.id));
      const late = ctx.events.late.filter((e) => lostIds.has(e.id));
      for (const e of late) ctx.progress(`  ${e.action} of ${e.name} arrived ${e.behindMs.toFixed(2)} ms out of order`);
      if (ctx.diagnose) ctx.progress(`  the agent's counters:\n${await ctx.diagnose(spec.rule, unnotified)}`);
    }
    const ids = new Set(created.map((c) => c.id));
    return {
      name: `${spec.title}, ${run.spacingMs} ms apart`,
      lateEvents: ctx.events.late.filter((e) => ids.has(e.id)).length,
      agentSched:
        schedBefore && schedAfter
          ? { cpuMs: schedAfter.cpuMs - schedBefore.cpuMs, waitMs: schedAfter.waitMs - schedBefore.waitMs }
          : undefined,
      load,
      cause: spec.cause,
      targetP99Ms: spec.targetP99Ms,
      containers: spec.count,
      samples,
      missing,
    };
  } finally {
    ctx.progress(`${what}: removing its containers`);
    await ctx.containers.remove(created.map((c) => c.id));
  }
}
