import type Docker from 'dockerode';
import type { Logger } from '../logger';
import { asideName } from '../revisions/asideName';
import { createOptions, endpointConfig, secondaryNetworks } from '../revisions/createSpec';
import type { ReplacementHandle, RevisionRecorder } from '../revisions/revisionRecorder';
import { ReplacementInProgress } from '../revisions/replacementStore';
import { ActionError } from './actionError';
import type { Revision } from '../revisions/revisionStore';
import { withAnonymousVolumes } from './anonymousVolumes';
import type { RollbackProgress, RollbackResult, RollbackStep } from './containerActions';
import { readiness } from './readiness';

/** What a rollback works with. */
export type RollbackDeps = {
  docker: Docker;
  recorder: RevisionRecorder;
  expectStop: (containerId: string, until: number) => void;
  logger: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** A container without a healthcheck counts as running once it ran this long. */
  settleMs: number;
  pollMs: number;
};

/** One rollback: the container it replaces, the revision to bring back and the image to create it from. */
export type RollbackPlan = {
  current: Docker.ContainerInspectInfo;
  fromRevision?: number;
  target: Revision;
  image: string;
  timeoutMs: number;
  onProgress?: (progress: RollbackProgress) => void;
};

const STOP_GRACE_MS = 30_000;
/** A replacement marker outlives the rollback's own deadlines by this much before another process may ignore it. */
const MARKER_MARGIN_MS = 5 * 60_000;

class StepFailed extends Error {
  constructor(
    readonly step: RollbackStep,
    message: string,
  ) {
    super(message);
  }
}

const errorText = (err: unknown) => ((err as Error).message ?? String(err)).replace(/^\(HTTP code \d+\)\s*/, '');

/**
 * Replaces a container with a recorded revision: stop → rename aside → create under the name → start → wait until
 * it runs (and is healthy) → remove the old one. When a step fails: remove the new one, rename the old one back and
 * start it if it ran. Volumes are never removed. Every step is reported as it starts and ends. Meanwhile the store
 * marks the name as being replaced, so no process records its transient containers; the revisions writer records
 * the outcome (the new container as a revision, or the target's failed run).
 */
export async function runRollback(deps: RollbackDeps, plan: RollbackPlan): Promise<RollbackResult> {
  const { docker, now } = deps;
  const name = plan.current.Name.replace(/^\//, '');
  const steps: RollbackProgress[] = [];
  const report = (step: RollbackStep, status: RollbackProgress['status'], detail?: string) => {
    const progress: RollbackProgress = { step, status, at: now(), ...(detail !== undefined && { detail }) };
    steps.push(progress);
    plan.onProgress?.(progress);
  };
  const step = async (id: RollbackStep, work: () => Promise<string | undefined>) => {
    report(id, 'started');
    try {
      report(id, 'done', await work());
    } catch (err) {
      report(id, 'failed', errorText(err));
      throw new StepFailed(id, errorText(err));
    }
  };

  const old = docker.getContainer(plan.current.Id);
  const wasRunning = plan.current.State.Running;
  const stopSeconds = Number((plan.current.Config as { StopTimeout?: number }).StopTimeout ?? 10);
  const aside = asideName(name, now());
  const spec = withAnonymousVolumes(plan.target.spec, plan.current);
  const base: RollbackBase = {
    container: name,
    toRevision: plan.target.revision,
    steps,
    ...(plan.fromRevision !== undefined && { fromRevision: plan.fromRevision }),
  };
  let stopped = false;
  let renamed = false;
  let created: Docker.Container | undefined;
  const marker = beginReplacement(deps.recorder, {
    name,
    targetRevision: plan.target.revision,
    oldContainerId: plan.current.Id,
    asideName: aside,
    expiresAt: now() + stopSeconds * 1000 + plan.timeoutMs + MARKER_MARGIN_MS,
  });
  try {
    if (wasRunning) {
      await step('stop', async () => {
        deps.expectStop(old.id, now() + stopSeconds * 1000 + STOP_GRACE_MS + plan.timeoutMs);
        await old.stop();
        stopped = true;
        return undefined;
      });
    }
    await step('rename', async () => {
      await old.rename({ name: aside });
      renamed = true;
      return `renamed to ${aside}`;
    });
    await step('create', async () => {
      created = await docker.createContainer(createOptions(spec, name, plan.image) as Docker.ContainerCreateOptions);
      marker.created(created.id);
      for (const [network, attachment] of secondaryNetworks(spec)) {
        await docker.getNetwork(network).connect({ Container: created.id, EndpointConfig: endpointConfig(attachment) });
      }
      return `created ${created.id.slice(0, 12)} from ${plan.image}`;
    });
    const fresh = created as unknown as Docker.Container;
    await step('start', async () => {
      await fresh.start();
      return undefined;
    });
    await step('wait', () => waitUntilReady(deps, fresh, plan.timeoutMs));
  } catch (err) {
    if (!(err instanceof StepFailed)) {
      await marker.finish('restore-failed', errorText(err)).catch(() => undefined);
      throw err;
    }
    const result = await restore(deps, base, { old, name, created, renamed, stopped, failure: err }, report);
    await marker.finish(result.outcome, `${err.step}: ${err.message}`).catch((e: Error) => {
      deps.logger.warn('rollback outcome not recorded', { container: name, error: e.message });
    });
    return result;
  }
  const fresh = created as unknown as Docker.Container;
  let message = `${name} rolled back to revision ${plan.target.revision}`;
  try {
    await step('remove-old', async () => {
      await old.remove({ v: false });
      return `removed ${aside}`;
    });
  } catch {
    message += `; the previous container is kept as ${aside} (removing it failed)`;
  }
  const recorded = await marker.finish('rolled-back').catch((err: Error) => {
    deps.logger.warn('revision not recorded', { container: name, error: err.message });
    return undefined;
  });
  return {
    ...base,
    outcome: 'rolled-back',
    containerId: fresh.id,
    ...(recorded && { newRevision: recorded.revision }),
    message,
  };
}

function beginReplacement(
  recorder: RevisionRecorder,
  r: Parameters<RevisionRecorder['replacing']>[0],
): ReplacementHandle {
  try {
    return recorder.replacing(r);
  } catch (err) {
    if (err instanceof ReplacementInProgress) throw new ActionError('conflict', err.message);
    throw err;
  }
}

async function waitUntilReady(deps: RollbackDeps, container: Docker.Container, timeoutMs: number): Promise<string> {
  const deadline = deps.now() + timeoutMs;
  let why = 'not inspected yet';
  for (;;) {
    const info = await container.inspect();
    const verdict = readiness(info, 0, deps.settleMs, deps.now());
    if (verdict.status === 'ready') return info.State.Health ? 'running and healthy' : 'running';
    if (verdict.status === 'failed') throw new Error(verdict.why);
    why = verdict.why;
    if (deps.now() >= deadline) throw new Error(`not ready within ${Math.round(timeoutMs / 1000)} s (${why})`);
    await deps.sleep(deps.pollMs);
  }
}

type RollbackBase = Pick<RollbackResult, 'container' | 'toRevision' | 'fromRevision' | 'steps'>;

type RestoreState = {
  old: Docker.Container;
  name: string;
  created: Docker.Container | undefined;
  renamed: boolean;
  stopped: boolean;
  failure: StepFailed;
};

async function restore(
  deps: RollbackDeps,
  base: RollbackBase,
  s: RestoreState,
  report: (step: RollbackStep, status: RollbackProgress['status'], detail?: string) => void,
): Promise<RollbackResult> {
  const problems: string[] = [];
  const attempt = async (step: RollbackStep, work: () => Promise<unknown>, detail: string) => {
    report(step, 'started');
    try {
      await work();
      report(step, 'done', detail);
    } catch (err) {
      report(step, 'failed', errorText(err));
      problems.push(`${step}: ${errorText(err)}`);
    }
  };
  const created = s.created;
  if (created) {
    deps.expectStop(created.id, deps.now() + STOP_GRACE_MS);
    await attempt('remove-new', () => created.remove({ force: true, v: false }), `removed ${created.id.slice(0, 12)}`);
  }
  if (s.renamed) await attempt('rename-back', () => s.old.rename({ name: s.name }), `renamed back to ${s.name}`);
  if (s.stopped) await attempt('start-old', () => s.old.start(), 'started again');
  const what = `rollback of ${s.name} to revision ${base.toRevision} failed at ${s.failure.step}: ${s.failure.message}`;
  if (problems.length) {
    deps.logger.error('rollback failed and restoring failed too', { container: s.name, problems });
    return { ...base, outcome: 'restore-failed', message: `${what}; restoring failed too (${problems.join('; ')})` };
  }
  return { ...base, outcome: 'restored', containerId: s.old.id, message: `${what}; the previous container is back` };
}
