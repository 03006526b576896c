import type Docker from 'dockerode';
import type { ImagePuller, PullProgress, PullResult } from '../images/imagePuller';
import { formatImageRef, parseImageRef, type ImageRef } from '../registry/imageRef';
import { createSpecFromInspect } from '../revisions/createSpec';
import type { RevisionRecorder } from '../revisions/revisionRecorder';
import { ActionError, errorText } from './actionError';
import { withAnonymousVolumes } from './anonymousVolumes';
import type { DeployProgress, DeployResult, DeployStep } from './containerActions';
import { deploySpec, type ImageDefaults } from './deploySpec';
import { runReplacement, type ReplacementDeps } from './replacementRunner';

/** What a deploy works with: what a replacement needs, and the image puller. */
export type DeployDeps = ReplacementDeps & { pull: ImagePuller; recorder: RevisionRecorder };

/** One deploy: the container (inspected), the image asked for (none: its own tag again), the gate's deadline. */
export type DeployPlan = {
  current: Docker.ContainerInspectInfo;
  image?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (progress: DeployProgress) => void;
};

/** How long a process that does not write revisions waits for the writer to record the current container. */
const WRITER_WAIT_MS = 5000;
/** Pull progress is reported at most this often (plus whenever a layer completes). */
const PULL_REPORT_MS = 1000;

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The reference to deploy: the one given, else the container's own tag (a digest or ID has nothing to re-pull). */
export function deployRef(given: string | undefined, configImage: string, name: string): ImageRef {
  const parse = (ref: string) => {
    try {
      return parseImageRef(ref);
    } catch (err) {
      throw new ActionError('failed', (err as Error).message);
    }
  };
  if (given !== undefined) return parse(given);
  if (/^(sha256:)?[0-9a-f]{64}$/.test(configImage)) {
    throw new ActionError('failed', `${name} was created from an image ID, not a tag; say which image to deploy`);
  }
  const own = parse(configImage);
  if (own.tag === undefined) {
    throw new ActionError('failed', `${name} runs a pinned digest (${configImage}); say which image to deploy`);
  }
  return own;
}

/** A pull progress line: `3/5 layers, 12.1 MB of 40.2 MB`. */
export function describePull(p: PullProgress): string {
  const bytes = p.bytesTotal > 0 ? `, ${mb(p.bytesDone)} of ${mb(p.bytesTotal)}` : '';
  return `${p.layersDone}/${p.layersTotal} layers${bytes}`;
}

/**
 * Deploys an image to a container: pull it (progress reported), make sure the current container is recorded as a
 * revision (so `rollback` can return to it), then replace the container ({@link runReplacement}) with its own
 * run-time settings and the new image's defaults ({@link deploySpec}), behind the health gate: when the new one
 * exits, turns unhealthy or is not ready within `timeoutMs`, the previous container is restored and the result says
 * why: `message` in words, `reason` with the exit code, last health output and last log lines apart (the bot shows
 * the log lines only to who may read them). Only a deploy that came up is recorded as a revision. Without
 * an image the container's own tag is pulled again and nothing changes when it still names the running image.
 */
export async function runDeploy(deps: DeployDeps, plan: DeployPlan): Promise<DeployResult> {
  const { current } = plan;
  const name = current.Name.replace(/^\//, '');
  const steps: DeployProgress[] = [];
  const report = (step: DeployStep, status: DeployProgress['status'], detail?: string) => {
    const progress: DeployProgress = { step, status, at: deps.now(), ...(detail !== undefined && { detail }) };
    if (status !== 'progress') steps.push(progress);
    plan.onProgress?.(progress);
  };
  const ref = deployRef(plan.image, current.Config.Image, name);
  const image = plan.image ?? current.Config.Image;
  const pulled = await pull(deps, plan, formatImageRef(ref), report);
  const base = { container: name, image, imageId: pulled.imageId, steps };
  if (pulled.imageId === current.Image && (plan.image === undefined || sameRef(plan.image, current.Config.Image))) {
    const what = plan.image === undefined ? `${image} still names the image it runs` : `it already runs ${image}`;
    return { ...base, outcome: 'up-to-date', containerId: current.Id, message: `${name} is up to date: ${what}` };
  }

  report('record', 'started');
  const fromRevision = await recordCurrent(deps, current).catch((err: Error) => {
    report('record', 'failed', errorText(err));
    throw new ActionError('failed', `deploy of ${image} to ${name}: recording the current container failed`);
  });
  report(
    'record',
    'done',
    fromRevision === undefined ? 'not recorded (the revisions writer has not recorded it)' : `revision ${fromRevision}`,
  );

  const oldImage = await deps.docker
    .getImage(current.Image)
    .inspect()
    .catch((err: unknown) => {
      throw new ActionError('failed', `the image ${short(current.Image)} of ${name} cannot be read: ${errorText(err)}`);
    });
  const spec = deploySpec(
    withAnonymousVolumes(createSpecFromInspect(current), current),
    oldImage.Config as ImageDefaults,
  );
  const run = await runReplacement(deps, {
    name,
    current,
    spec,
    image,
    timeoutMs: plan.timeoutMs,
    marker: { targetRevision: 0, deployImage: image },
    success: 'deployed',
    report,
  });
  const from = fromRevision === undefined ? {} : { fromRevision };
  if (run.outcome === 'replaced') {
    const kept = run.asideKept ? `; the previous container is kept as ${run.asideKept} (removing it failed)` : '';
    return {
      ...base,
      ...from,
      outcome: 'deployed',
      containerId: run.containerId,
      ...(run.newRevision !== undefined && { newRevision: run.newRevision }),
      message: `${name} now runs ${image} (${short(pulled.imageId)})${kept}`,
    };
  }
  const d = run.diagnosis;
  const reason = { ...run.failure, ...d, logs: d?.logs ?? [] };
  const what = `deploy of ${image} to ${name} failed at ${run.failure.step}: ${run.failure.message}`;
  if (run.outcome === 'restore-failed') {
    const message = `${what}; restoring the previous container failed too (${run.problems.join('; ')})`;
    return { ...base, ...from, outcome: 'restore-failed', reason, message };
  }
  const back = fromRevision === undefined ? 'the previous container is back' : `revision ${fromRevision} is back`;
  return { ...base, ...from, outcome: 'restored', containerId: run.containerId, reason, message: `${what}; ${back}` };
}

/**
 * The current container's revision: the writer records it now if needed; another process (`ctl` beside an agent)
 * waits a little for the writer, which records a running container once it has run 2 s.
 */
async function recordCurrent(deps: DeployDeps, current: Docker.ContainerInspectInfo): Promise<number | undefined> {
  const deadline = deps.now() + WRITER_WAIT_MS;
  for (;;) {
    const revision = (await deps.recorder.currentOf(current.Id))?.revision?.revision;
    const waiting = !deps.recorder.isWriter() && current.State.Running && deps.now() < deadline;
    if (revision !== undefined || !waiting) return revision;
    await deps.sleep(deps.pollMs);
  }
}

async function pull(
  deps: DeployDeps,
  plan: DeployPlan,
  ref: string,
  report: (step: DeployStep, status: DeployProgress['status'], detail?: string) => void,
): Promise<PullResult> {
  report('pull', 'started', ref);
  let lastAt = 0;
  let lastLayers = -1;
  try {
    const result = await deps.pull(ref, {
      ...(plan.signal && { signal: plan.signal }),
      onProgress: (p) => {
        const now = deps.now();
        if (now - lastAt < PULL_REPORT_MS && p.layersDone === lastLayers) return;
        lastAt = now;
        lastLayers = p.layersDone;
        report('pull', 'progress', describePull(p));
      },
    });
    const digest = result.digest ? `, ${result.digest}` : '';
    report('pull', 'done', `${result.upToDate ? 'up to date' : 'pulled'}: ${short(result.imageId)}${digest}`);
    return result;
  } catch (err) {
    report('pull', 'failed', errorText(err));
    if (err instanceof ActionError) throw err;
    throw new ActionError('failed', `pulling ${ref} failed: ${errorText(err)}`);
  }
}

function sameRef(a: string, b: string): boolean {
  try {
    return formatImageRef(parseImageRef(a)) === formatImageRef(parseImageRef(b));
  } catch {
    return a === b;
  }
}
