import type Docker from 'dockerode';
import type { Revision } from '../revisions/revisionStore';
import { ActionError } from './actionError';
import type { RollbackProgress, RollbackResult } from './containerActions';
import { runReplacement, stepLog, type ReplacementDeps } from './replacementRunner';

/** One recreate of a removed name: the revision to bring back, the image to create it from, the health deadline. */
export type RecreatePlan = {
  name: string;
  target: Revision;
  image: string;
  timeoutMs: number;
  onProgress?: (progress: RollbackProgress) => void;
};

/**
 * Recreates the container of a name no container carries (removed with `rm`) from a recorded revision through
 * {@link runReplacement} with no container to replace: create under the name → start → wait until it runs (and is
 * healthy). When a step fails the new container is removed again and the result says why (there is no previous
 * container to restore). As for a rollback, the store marks the name as being replaced meanwhile and the revisions
 * writer records the outcome: the new container becomes the name's current revision (the same revision again when it
 * is the latest one, so nothing is duplicated), or the target is noted as failed. Refuses (`conflict`) when any
 * container, watched or not, carries the name.
 */
export async function recreateRemoved(deps: ReplacementDeps, plan: RecreatePlan): Promise<RollbackResult> {
  const { name, target } = plan;
  const { steps, report } = stepLog(deps.now, plan.onProgress);
  const base = { container: name, toRevision: target.revision, steps };
  await refuseExisting(deps.docker, name);
  const run = await runReplacement(deps, {
    name,
    spec: target.spec,
    image: plan.image,
    timeoutMs: plan.timeoutMs,
    marker: { targetRevision: target.revision },
    success: 'rolled-back',
    report,
  });
  if (run.outcome === 'replaced') {
    return {
      ...base,
      outcome: 'rolled-back',
      containerId: run.containerId,
      ...(run.newRevision !== undefined && { newRevision: run.newRevision }),
      message: `${name} recreated from revision ${target.revision} (${target.imageRef}) and running`,
    };
  }
  const { failure, diagnosis: why } = run;
  const exit = why?.exitCode === undefined ? '' : `; exit code ${why.exitCode}`;
  const health = why?.health ? `; health: ${why.health}` : '';
  // The log lines may hold what only roles with `logs` may read: they go to the agent's log, not into the reply.
  if (why?.logs.length) deps.logger.warn('recreated container failed', { container: name, lastLogLines: why.logs });
  const logs = why?.logs.length ? "; its last log lines are in the agent's log" : '';
  const what = `recreating ${name} from revision ${target.revision} failed at ${failure.step}: ${failure.message}${exit}${health}${logs}`;
  if (run.outcome === 'restore-failed') {
    return {
      ...base,
      outcome: 'restore-failed',
      message: `${what}; removing the new container failed too (${run.problems.join('; ')})`,
    };
  }
  return {
    ...base,
    outcome: 'restored',
    message: `${what}; the new container was removed again (${name} had no container to restore)`,
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
