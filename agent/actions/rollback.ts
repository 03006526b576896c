import type Docker from 'dockerode';
import type { Revision } from '../revisions/revisionStore';
import { withAnonymousVolumes } from './anonymousVolumes';
import type { RollbackProgress, RollbackResult } from './containerActions';
import { runReplacement, stepLog, type ReplacementDeps } from './replacementRunner';

/** What a rollback works with. */
export type RollbackDeps = ReplacementDeps;

/** One rollback: the container it replaces, the revision to bring back and the image to create it from. */
export type RollbackPlan = {
  current: Docker.ContainerInspectInfo;
  fromRevision?: number;
  target: Revision;
  image: string;
  timeoutMs: number;
  onProgress?: (progress: RollbackProgress) => void;
};

/**
 * Replaces a container with a recorded revision through {@link runReplacement} (stop → rename aside → create →
 * start → wait → remove the old one, the previous container restored when a step fails). The revisions writer
 * records the new container as a revision noted `rollback to revision N`, or notes that the target failed.
 */
export async function runRollback(deps: RollbackDeps, plan: RollbackPlan): Promise<RollbackResult> {
  const name = plan.current.Name.replace(/^\//, '');
  const { steps, report } = stepLog(deps.now, plan.onProgress);
  const base = {
    container: name,
    toRevision: plan.target.revision,
    steps,
    ...(plan.fromRevision !== undefined && { fromRevision: plan.fromRevision }),
  };
  const run = await runReplacement(deps, {
    name,
    current: plan.current,
    spec: withAnonymousVolumes(plan.target.spec, plan.current),
    image: plan.image,
    timeoutMs: plan.timeoutMs,
    marker: { targetRevision: plan.target.revision },
    success: 'rolled-back',
    report,
  });
  if (run.outcome === 'replaced') {
    const kept = run.asideKept ? `; the previous container is kept as ${run.asideKept} (removing it failed)` : '';
    return {
      ...base,
      outcome: 'rolled-back',
      containerId: run.containerId,
      ...(run.newRevision !== undefined && { newRevision: run.newRevision }),
      message: `${name} rolled back to revision ${plan.target.revision}${kept}`,
    };
  }
  const what = `rollback of ${name} to revision ${plan.target.revision} failed at ${run.failure.step}: ${run.failure.message}`;
  if (run.outcome === 'restore-failed') {
    return {
      ...base,
      outcome: 'restore-failed',
      message: `${what}; restoring failed too (${run.problems.join('; ')})`,
    };
  }
  return {
    ...base,
    outcome: 'restored',
    containerId: run.containerId,
    message: `${what}; the previous container is back`,
  };
}
