import type Docker from 'dockerode';
import type { Revision } from '../revisions/revisionStore';
import { ActionError } from './actionError';
import type { RollbackProgress, RollbackResult } from './containerActions';
import {
  beginReplacement,
  createStartWait,
  errorText,
  failedStep,
  stepRunner,
  type Created,
  type ReplacementDeps,
  type ReplacementStep,
} from './replacementRunner';

/** One recreate of a removed name: the revision to bring back, the image to create it from, the health deadline. */
export type RecreatePlan = {
  name: string;
  target: Revision;
  image: string;
  timeoutMs: number;
  onProgress?: (progress: RollbackProgress) => void;
};

/** A replacement marker outlives the recreate's own deadline by this much before another process may ignore it. */
const MARKER_MARGIN_MS = 5 * 60_000;
const STOP_GRACE_MS = 30_000;

/**
 * Recreates the container of a name no container carries (removed with `rm`) from a recorded revision: create under
 * the name → start → wait until it runs (and is healthy). When a step fails the new container is removed again and
 * the result says why (there is no previous container to restore). As for a rollback, the store marks the name as
 * being replaced meanwhile and the revisions writer records the outcome: the new container becomes the name's
 * current revision (the same revision again when it is the latest one, so nothing is duplicated), or the target is
 * noted as failed. Refuses (`conflict`) when any container, watched or not, carries the name.
 */
export async function recreateRemoved(deps: ReplacementDeps, plan: RecreatePlan): Promise<RollbackResult> {
  const { docker, now } = deps;
  const { name, target } = plan;
  const steps: RollbackProgress[] = [];
  const report = (step: ReplacementStep, status: RollbackProgress['status'], detail?: string) => {
    const progress: RollbackProgress = { step, status, at: now(), ...(detail !== undefined && { detail }) };
    steps.push(progress);
    plan.onProgress?.(progress);
  };
  const step = stepRunner(report);
  const base = { container: name, toRevision: target.revision, steps };
  await refuseExisting(docker, name);
  const marker = beginReplacement(deps.recorder, {
    name,
    targetRevision: target.revision,
    oldContainerId: '',
    expiresAt: now() + plan.timeoutMs + MARKER_MARGIN_MS,
  });
  const made: Created = {};
  try {
    const what = { name, spec: target.spec, image: plan.image, timeoutMs: plan.timeoutMs };
    await createStartWait(deps, step, what, marker, made);
  } catch (err) {
    const { diagnosis: why, ...failure } = await failedStep(err, marker, made);
    const fresh = made.container;
    const problems: string[] = [];
    if (fresh) {
      deps.expectStop(fresh.id, now() + STOP_GRACE_MS);
      report('remove-new', 'started');
      try {
        await fresh.remove({ force: true, v: false });
        report('remove-new', 'done', `removed ${fresh.id.slice(0, 12)}`);
      } catch (e) {
        report('remove-new', 'failed', errorText(e));
        problems.push(`remove-new: ${errorText(e)}`);
      }
    }
    const outcome = problems.length ? 'restore-failed' : 'restored';
    await marker.finish(outcome, `${failure.step}: ${failure.message}`).catch((e: Error) => {
      deps.logger.warn('recreate outcome not recorded', { container: name, error: e.message });
    });
    const exit = why?.exitCode === undefined ? '' : `; exit code ${why.exitCode}`;
    const health = why?.health ? `; health: ${why.health}` : '';
    // The log lines may hold what only roles with `logs` may read: they go to the agent's log, not into the reply.
    if (why?.logs.length) deps.logger.warn('recreated container failed', { container: name, lastLogLines: why.logs });
    const logs = why?.logs.length ? "; its last log lines are in the agent's log" : '';
    const what = `recreating ${name} from revision ${target.revision} failed at ${failure.step}: ${failure.message}${exit}${health}${logs}`;
    if (problems.length) {
      return {
        ...base,
        outcome: 'restore-failed',
        message: `${what}; removing the new container failed too (${problems.join('; ')})`,
      };
    }
    return {
      ...base,
      outcome: 'restored',
      message: `${what}; the new container was removed again (${name} had no container to restore)`,
    };
  }
  const fresh = made.container as Docker.Container;
  const recorded = await marker.finish('rolled-back').catch((err: Error) => {
    deps.logger.warn('revision not recorded', { container: name, error: err.message });
    return undefined;
  });
  return {
    ...base,
    outcome: 'rolled-back',
    containerId: fresh.id,
    ...(recorded && { newRevision: recorded.revision }),
    message: `${name} recreated from revision ${target.revision} (${target.imageRef}) and running`,
  };
}

/** Refuses when a container carries the name (one dockwatch does not watch, or one created meanwhile). */
async function refuseExisting(docker: Docker, name: string): Promise<void> {
  const existing = await docker
    .getContainer(name)
    .inspect()
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode === 404) return undefined;
      throw err;
    });
  if (existing && existing.Name.replace(/^\//, '') === name) {
    throw new ActionError(
      'conflict',
      `a container named ${name} exists (${existing.Id.slice(0, 12)}): nothing to recreate`,
    );
  }
}
