import type Docker from 'dockerode';
import type { Logger } from '../../shared/logger';
import { asideName } from '../revisions/asideName';
import { createOptions, endpointConfig, secondaryNetworks, type CreateSpec } from '../revisions/createSpec';
import type { ReplacementHandle, RevisionRecorder } from '../revisions/revisionRecorder';
import { ReplacementInProgress, type Replacement } from '../revisions/replacementStore';
import { ActionError, errorText } from './actionError';
import type { RollbackProgress, RollbackStep } from './containerActions';
import { diagnose, type FailureDiagnosis } from './failureDiagnosis';
import { readiness } from './readiness';

/** What replacing a container works with (a rollback's and a deploy's). */
export type ReplacementDeps = {
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

/** The steps of a replacement, then those of restoring the previous container. */
export type ReplacementStep = Exclude<RollbackStep, 'choose'>;

/** Reports one step as it starts and ends. */
export type StepReporter = (step: ReplacementStep, status: RollbackProgress['status'], detail?: string) => void;

/**
 * One replacement: the name, the container it replaces (none for a name whose container was removed), what to create
 * under the name, and how long it may take to be ready.
 */
export type ReplacementPlan = {
  name: string;
  current?: Docker.ContainerInspectInfo;
  spec: CreateSpec;
  image: string;
  timeoutMs: number;
  /** What the store's marker says: a rollback's target revision, or a deploy's image (target revision 0). */
  marker: Pick<Replacement, 'targetRevision' | 'deployImage'>;
  /** The outcome recorded when the new container is ready. */
  success: 'rolled-back' | 'deployed';
  report: StepReporter;
};

/** The step that failed and the engine's (or the health gate's) words. */
export type StepFailure = { step: ReplacementStep; message: string };

/**
 * How a replacement ended: `replaced` (the new container runs; `asideKept`: the old one's aside name, when removing it
 * failed), or a step failed and the previous container, if any, is back (`restored`; the new one removed again) or
 * not quite (`restore-failed`, `problems` say why). `diagnosis` tells why a new container that started did not come up.
 */
export type ReplacementRun =
  | { outcome: 'replaced'; containerId: string; newRevision?: number; asideKept?: string }
  | {
      outcome: 'restored' | 'restore-failed';
      /** The previous container, back under the name (none when there was none). */
      containerId?: string;
      failure: StepFailure;
      problems: string[];
      diagnosis?: FailureDiagnosis;
    };

const STOP_GRACE_MS = 30_000;
/** A replacement marker outlives the replacement's own deadlines by this much before another process may ignore it. */
export const MARKER_MARGIN_MS = 5 * 60_000;

class StepFailed extends Error {
  constructor(
    readonly step: ReplacementStep,
    message: string,
  ) {
    super(message);
  }
}

/** Runs one step: `work` resolves to the step's detail. */
type StepRun = (id: ReplacementStep, work: () => Promise<string | undefined>) => Promise<void>;

/** The container a replacement created under the name, once it exists (so a failed step can remove it again). */
type Created = { container?: Docker.Container };

/** A failed step, and why the new container did not come up when it was started. */
type FailedStep = StepFailure & { diagnosis?: FailureDiagnosis };

/**
 * Replaces a container under its name: stop → rename aside → create under the name → start → wait until it runs
 * (and is healthy) → remove the old one; for a name without a container (removed), only create → start → wait. When
 * a step fails: read why the new one did not come up, remove it, rename the old one back and start it if it ran.
 * Volumes are never removed. Every step is reported as it starts and ends. Meanwhile the store marks the name as
 * being replaced, so no process records its transient containers; the revisions writer records the outcome (the new
 * container as a revision when it succeeded, and nothing else). Throws ActionError `conflict` when another
 * replacement of the name is under way.
 */
export async function runReplacement(deps: ReplacementDeps, plan: ReplacementPlan): Promise<ReplacementRun> {
  const { docker, now } = deps;
  const { report, name, current } = plan;
  const step = stepRunner(report);

  const old = current && docker.getContainer(current.Id);
  const stopSeconds = current ? Number((current.Config as { StopTimeout?: number }).StopTimeout ?? 10) : 0;
  const aside = current && asideName(name, now());
  let stopped = false;
  let renamed = false;
  const made: Created = {};
  const marker = beginReplacement(deps.recorder, {
    name,
    ...plan.marker,
    oldContainerId: current?.Id ?? '',
    oldRunning: current?.State.Running === true,
    ...(aside && { asideName: aside }),
    expiresAt: now() + stopSeconds * 1000 + plan.timeoutMs + MARKER_MARGIN_MS,
  });
  try {
    if (old && current?.State.Running) {
      await step('stop', async () => {
        deps.expectStop(old.id, now() + stopSeconds * 1000 + STOP_GRACE_MS + plan.timeoutMs);
        await old.stop();
        stopped = true;
        return undefined;
      });
    }
    if (old && aside) {
      await step('rename', async () => {
        await old.rename({ name: aside });
        renamed = true;
        return `renamed to ${aside}`;
      });
    }
    await createStartWait(deps, step, plan, marker, made);
  } catch (err) {
    const { diagnosis, ...failure } = await failedStep(err, marker, made);
    const problems = await restore(deps, { old, name, created: made.container, renamed, stopped }, report);
    const outcome = problems.length ? 'restore-failed' : 'restored';
    await marker.finish(outcome, `${failure.step}: ${failure.message}`).catch((e: Error) => {
      deps.logger.warn('replacement outcome not recorded', { container: name, error: e.message });
    });
    return {
      outcome,
      ...(old && { containerId: old.id }),
      failure,
      problems,
      ...(diagnosis && { diagnosis }),
    };
  }
  const fresh = made.container as Docker.Container;
  let asideKept: string | undefined;
  if (old) {
    try {
      await step('remove-old', async () => {
        await old.remove({ v: false });
        return `removed ${aside}`;
      });
    } catch {
      asideKept = aside;
    }
  }
  const recorded = await marker.finish(plan.success).catch((err: Error) => {
    deps.logger.warn('revision not recorded', { container: name, error: err.message });
    return undefined;
  });
  return {
    outcome: 'replaced',
    containerId: fresh.id,
    ...(asideKept && { asideKept }),
    ...(recorded && { newRevision: recorded.revision }),
  };
}

/**
 * The steps of one replacement as they are reported: each also goes to `onProgress` (a rollback's, a recreate's).
 */
export function stepLog(
  now: () => number,
  onProgress: ((progress: RollbackProgress) => void) | undefined,
): { steps: RollbackProgress[]; report: StepReporter } {
  const steps: RollbackProgress[] = [];
  const report: StepReporter = (step, status, detail) => {
    const progress: RollbackProgress = { step, status, at: now(), ...(detail !== undefined && { detail }) };
    steps.push(progress);
    onProgress?.(progress);
  };
  return { steps, report };
}

/** A step runner: reports each step as it starts and ends; a failed step is reported and thrown as a StepFailed. */
function stepRunner(report: StepReporter): StepRun {
  return async (id, work) => {
    report(id, 'started');
    try {
      report(id, 'done', await work());
    } catch (err) {
      report(id, 'failed', errorText(err));
      throw new StepFailed(id, errorText(err));
    }
  };
}

/**
 * The create → start → wait steps: creates the container under the name (connected to the spec's other networks),
 * starts it and waits until it is ready. The container goes into `made` and the marker as soon as it exists, before
 * the steps that may fail after it, so the caller can remove it again.
 */
async function createStartWait(
  deps: ReplacementDeps,
  step: StepRun,
  c: Pick<ReplacementPlan, 'name' | 'spec' | 'image' | 'timeoutMs'>,
  marker: ReplacementHandle,
  made: Created,
): Promise<void> {
  const { docker } = deps;
  await step('create', async () => {
    const container = await docker.createContainer(
      createOptions(c.spec, c.name, c.image) as Docker.ContainerCreateOptions,
    );
    made.container = container;
    marker.created(container.id);
    for (const [network, attachment] of secondaryNetworks(c.spec)) {
      await docker.getNetwork(network).connect({ Container: container.id, EndpointConfig: endpointConfig(attachment) });
    }
    return `created ${container.id.slice(0, 12)} from ${c.image}`;
  });
  const fresh = made.container as Docker.Container;
  await step('start', async () => {
    await fresh.start();
    return undefined;
  });
  await step('wait', () => waitUntilReady(deps, fresh, c.timeoutMs));
}

/**
 * What a failure of the steps was: a step's failure, with why the new container did not come up once it was started
 * (read when it can be). Any other error finishes the marker as `restore-failed` and is thrown again.
 */
async function failedStep(err: unknown, marker: ReplacementHandle, made: Created): Promise<FailedStep> {
  if (!(err instanceof StepFailed)) {
    await marker.finish('restore-failed', errorText(err)).catch(() => undefined);
    throw err;
  }
  const created = made.container;
  const diagnosis =
    created && (err.step === 'start' || err.step === 'wait')
      ? await diagnose(created).catch(() => undefined)
      : undefined;
  return { step: err.step, message: err.message, ...(diagnosis && { diagnosis }) };
}

/** Marks the name as being replaced in the store; another replacement under way is an ActionError `conflict`. */
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

/** Polls until the container runs (and is healthy, with a healthcheck); throws why it did not within `timeoutMs`. */
async function waitUntilReady(deps: ReplacementDeps, container: Docker.Container, timeoutMs: number): Promise<string> {
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

type RestoreState = {
  old: Docker.Container | undefined;
  name: string;
  created: Docker.Container | undefined;
  renamed: boolean;
  stopped: boolean;
};

/** Removes the new container, renames the old one (if any) back and starts it if it ran; returns what went wrong. */
async function restore(deps: ReplacementDeps, s: RestoreState, report: StepReporter): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (step: ReplacementStep, work: () => Promise<unknown>, detail: string) => {
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
  const { old } = s;
  if (old && s.renamed) await attempt('rename-back', () => old.rename({ name: s.name }), `renamed back to ${s.name}`);
  if (old && s.stopped) await attempt('start-old', () => old.start(), 'started again');
  if (problems.length)
    deps.logger.error('a replacement failed and restoring failed too', { container: s.name, problems });
  return problems;
}
