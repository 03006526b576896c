import type Docker from 'dockerode';
import type { ImagePuller } from '../images/imagePuller';
import type { ContainerRecord } from '../inventory/containerRecord';
import type { Logger } from '../../shared/logger';
import { versionDifferences } from '../revisions/revisionDiff';
import type { RevisionRecorder } from '../revisions/revisionRecorder';
import type { Revision, RevisionStore } from '../revisions/revisionStore';
import { ContainerActionAudit } from './actionAudit';
import { ActionError } from './actionError';
import type {
  ActionAuditHook,
  ActionName,
  ActionOptions,
  ActionResult,
  ContainerActions,
  DeployOptions,
  DeployResult,
  RevisionSummary,
  RollbackOptions,
  RollbackResult,
  StopOptions,
} from './containerActions';
import { runDeploy } from './deploy';
import { execInContainer } from './execInContainer';
import type { ExecOptions, ExecResult } from './execTypes';
import { removeContainer } from './removeContainer';
import { checkImageWord, removeImage } from './removeImage';
import type { RemoveImageOptions, RemoveImageResult, RemoveOptions, RemoveResult } from './removeTypes';
import { resolveContainer } from './resolveContainer';
import { recreateRemoved } from './recreateRemoved';
import { chooseRemovedTarget, describeRemovedChoice, removedNames, type RemovedName } from './removedName';
import { runRollback } from './rollback';
import { chooseRollbackTarget, describeChoice, lastRunOf } from './rollbackTarget';

/** What the actions work with; everything engine-facing is reached through `docker()` while the engine is up. */
export type EngineContainerActionsDeps = {
  /** The containers dockwatch watches (names are resolved against these only). */
  containers: () => readonly ContainerRecord[];
  docker: () => Docker | undefined;
  revisions: RevisionStore;
  recorder: RevisionRecorder;
  /** The alert engine's `expectStop`: exits until `until` (ms) are the operator's. */
  expectStop: (containerId: string, until: number) => void;
  /** `revisions.keep`. */
  keep: number;
  /** `revisions.rollbackTimeout`, ms. */
  rollbackTimeoutMs: number;
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** A rolled-back container without a healthcheck counts as running once it ran this long (default 1 s). */
  settleMs?: number;
  /** Pulls images for `deploy` (the agent's engine puller); without one, deploy is refused. */
  pull?: ImagePuller;
  /** `docker.procRoot`: the host's /proc, for killing an exec that ran past its timeout (default /proc). */
  procRoot?: string;
};

/** The longest `deploy --timeout`. */
export const MAX_DEPLOY_TIMEOUT_MS = 60 * 60_000;

const STOP_GRACE_MS = 30_000;
/** How often, and how many times, an action looks whether the inventory shows what it did. */
const INVENTORY_POLL_MS = 50;
const INVENTORY_POLLS = 100;
const DEFAULT_STOP_SECONDS = 10;

const isNotModified = (err: unknown) => (err as { statusCode?: number }).statusCode === 304;

/** {@link ContainerActions} on the agent's engine: audited, expected by the alert engine, revisions recorded first. */
export class EngineContainerActions implements ContainerActions {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly audit: ContainerActionAudit;

  constructor(private readonly deps: EngineContainerActionsDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.audit = new ContainerActionAudit(deps.logger, this.now);
  }

  /** Adds an audit hook (the bot's audit store); returns a function that removes it. */
  onAudit(hook: ActionAuditHook): () => void {
    return this.audit.onAudit(hook);
  }

  /** Starts a stopped container. */
  start(name: string, options: ActionOptions = {}): Promise<ActionResult> {
    return this.simple('start', name, options, async (c) => {
      await c.start().catch((err: unknown) => {
        if (!isNotModified(err)) throw err;
      });
    });
  }

  /** Stops a container; the alert engine expects its exit. */
  stop(name: string, options: StopOptions = {}): Promise<ActionResult> {
    return this.simple('stop', name, options, async (c, record) => {
      await this.expect(c, record.id, options.timeoutSeconds);
      await c.stop(options.timeoutSeconds === undefined ? {} : { t: options.timeoutSeconds }).catch((err: unknown) => {
        if (!isNotModified(err)) throw err;
      });
    });
  }

  /** Restarts a container; the alert engine expects its exit. */
  restart(name: string, options: StopOptions = {}): Promise<ActionResult> {
    return this.simple('restart', name, options, async (c, record) => {
      await this.expect(c, record.id, options.timeoutSeconds);
      await c.restart(options.timeoutSeconds === undefined ? {} : { t: options.timeoutSeconds });
    });
  }

  /** The kept revisions of a name, newest first, each with what changed from the one before. */
  async history(name: string): Promise<RevisionSummary[]> {
    const records = this.deps.containers();
    const record = records.find((r) => r.name === name);
    const revisions = this.deps.revisions.list(name);
    if (!record && !revisions.length) resolveContainer(records, name);
    const current = record && this.deps.revisions.byContainer(record.id);
    return revisions.slice(0, this.deps.keep).map((r, i) => {
      const before = revisions[i + 1];
      const isCurrent = current?.name === name && current.revision === r.revision;
      const lastRun = lastRunOf(r, revisions);
      return {
        revision: r.revision,
        imageRef: r.imageRef,
        imageId: r.imageId,
        recordedAt: r.recordedAt,
        containerId: r.containerId,
        changes: before ? versionDifferences(before, r) : [],
        current: isCurrent,
        kept: isCurrent || r.keepTag !== undefined,
        ...(r.note !== undefined && { note: r.note }),
        ...(lastRun && { lastRun: lastRun.verdict }),
      };
    });
  }

  /** The names with kept revisions that no watched container carries now (removed ones); see {@link removedNames}. */
  removedNames(): RemovedName[] {
    const present = new Set(this.deps.containers().map((r) => r.name));
    const { revisions } = this.deps;
    return removedNames(revisions.names(), present, (n) => revisions.list(n), this.deps.keep);
  }

  /**
   * Recreates a container from a revision (default: the one before the running one); see {@link runRollback}. For a
   * name no watched container carries but with kept revisions (removed), recreates it; see {@link recreateRemoved}.
   */
  async rollback(name: string, options: RollbackOptions = {}): Promise<RollbackResult> {
    const docker = this.engine();
    const containers = this.deps.containers();
    const present = containers.some((r) => r.name === name);
    if (!present && this.deps.revisions.latest(name)) return this.rollbackRemoved(docker, name, options);
    if (options.onlyRemoved) {
      throw new ActionError('conflict', `a container named ${name} exists again: run the rollback on it`);
    }
    const record = resolveContainer(containers, name);
    const audit = this.audit.auditor('rollback', record, options);
    audit(
      'started',
      options.toRevision === undefined ? 'to the previous revision' : `to revision ${options.toRevision}`,
    );
    return this.audit.auditedOutcome(audit, async () => {
      const current = await this.deps.recorder.currentOf(record.id);
      if (!current) throw new ActionError('not-found', `container ${record.name} is gone`);
      const all = this.deps.revisions.list(record.name);
      const choice = chooseRollbackTarget(
        record.name,
        { version: current.version, ...(current.revision && { revision: current.revision.revision }) },
        all.slice(0, this.deps.keep),
        all,
        options.toRevision,
      );
      const { target } = choice;
      if (options.toRevision === undefined) {
        options.onProgress?.({ step: 'choose', status: 'done', detail: describeChoice(choice), at: this.now() });
      }
      const image = await this.imageFor(docker, target);
      const info = await docker.getContainer(record.id).inspect();
      const result = await runRollback(this.replacementDeps(docker), {
        current: info,
        ...(current.revision && { fromRevision: current.revision.revision }),
        target,
        image,
        timeoutMs: options.timeoutMs ?? this.deps.rollbackTimeoutMs,
        ...(options.onProgress && { onProgress: options.onProgress }),
      });
      await this.inventoryShows(record.name, result.containerId);
      return { result, ok: result.outcome === 'rolled-back', detail: result.message };
    });
  }

  private async rollbackRemoved(docker: Docker, name: string, options: RollbackOptions): Promise<RollbackResult> {
    const audit = this.audit.auditor('rollback', { name, id: '' }, options);
    const to = options.toRevision;
    audit('started', `${name} has no container: ${to === undefined ? 'the last revision' : `revision ${to}`}`);
    return this.audit.auditedOutcome(audit, async () => {
      const all = this.deps.revisions.list(name);
      const choice = chooseRemovedTarget(name, all.slice(0, this.deps.keep), all, to);
      if (to === undefined) {
        options.onProgress?.({ step: 'choose', status: 'done', detail: describeRemovedChoice(choice), at: this.now() });
      }
      const image = await this.imageFor(docker, choice.target);
      const result = await recreateRemoved(this.replacementDeps(docker), {
        name,
        target: choice.target,
        image,
        timeoutMs: options.timeoutMs ?? this.deps.rollbackTimeoutMs,
        ...(options.onProgress && { onProgress: options.onProgress }),
      });
      await this.inventoryShows(name, result.outcome === 'rolled-back' ? result.containerId : undefined);
      return { result, ok: result.outcome === 'rolled-back', detail: result.message };
    });
  }

  /** Pulls an image and replaces the container with it behind the health gate; see {@link runDeploy}. */
  async deploy(name: string, options: DeployOptions = {}): Promise<DeployResult> {
    const docker = this.engine();
    const record = resolveContainer(this.deps.containers(), name);
    const { pull } = this.deps;
    if (!pull) throw new ActionError('failed', 'deploy is not available: this agent has no image puller');
    const timeoutMs = options.timeoutMs ?? this.deps.rollbackTimeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs < 1000 || timeoutMs > MAX_DEPLOY_TIMEOUT_MS) {
      throw new ActionError('failed', `the deploy timeout must be from 1s to 1h, not ${Math.round(timeoutMs / 1000)}s`);
    }
    const audit = this.audit.auditor('deploy', record, options);
    audit('started', options.image === undefined ? 'its own tag, pulled again' : options.image);
    return this.audit.auditedOutcome(audit, async () => {
      const current = await docker.getContainer(record.id).inspect();
      const result = await runDeploy(
        { ...this.replacementDeps(docker), pull },
        {
          current,
          timeoutMs,
          ...(options.image !== undefined && { image: options.image }),
          ...(options.signal && { signal: options.signal }),
          ...(options.onProgress && { onProgress: options.onProgress }),
        },
      );
      if (result.outcome !== 'up-to-date') await this.inventoryShows(record.name, result.containerId);
      const ok = result.outcome === 'deployed' || result.outcome === 'up-to-date';
      return { result, ok, detail: result.message.split('\n')[0] };
    });
  }

  /** `rm`: see {@link removeContainer}; the revision is kept (keep-tagged by the writer) before the removal. */
  async remove(name: string, options: RemoveOptions = {}): Promise<RemoveResult> {
    const docker = this.engine();
    const record = resolveContainer(this.deps.containers(), name);
    const flags = [options.force && '--force', options.volumes && '--volumes'].filter(Boolean).join(' ');
    return this.audit.audited('rm', record, options, flags || undefined, async () => {
      const deps = { docker, expectStop: this.deps.expectStop, now: this.now };
      const keepForRemoval = (id: string) => this.deps.recorder.keepForRemoval(id);
      const result = await removeContainer({ ...deps, keepForRemoval }, record, options);
      await this.inventoryShows(record.name, undefined);
      return { result, detail: result.detail };
    });
  }

  /** `rmi`: see {@link removeImage} (the reference is validated before it reaches the engine). */
  async removeImage(ref: string, options: RemoveImageOptions = {}): Promise<RemoveImageResult> {
    const docker = this.engine();
    checkImageWord(ref);
    return this.audit.audited(
      'rmi',
      { name: ref, id: '' },
      options,
      options.force ? '--force' : undefined,
      async () => {
        const ids = new Set(this.deps.containers().map((r) => r.id));
        const asked = options.nameable && new Set(options.nameable);
        const nameable = (id: string) => ids.has(id) && (!asked || asked.has(id));
        const result = await removeImage(docker, this.deps.revisions, ref, options.force === true, nameable);
        return { result, detail: result.detail };
      },
    );
  }

  /** `exec`: see {@link execInContainer}; the full argv is audited (as JSON, so word boundaries show). */
  async exec(name: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const docker = this.engine();
    const record = resolveContainer(this.deps.containers(), name);
    const procRoot = this.deps.procRoot ?? '/proc';
    return this.audit.audited('exec', record, options, JSON.stringify(argv), async () => {
      const result = await execInContainer({ docker, procRoot, now: this.now }, record, argv, options);
      const ended = result.timedOut
        ? `killed after ${options.timeoutMs} ms (${result.kill?.how ?? 'no kill'})`
        : `exit ${result.exitCode ?? 'unknown'}`;
      return { result, detail: `${JSON.stringify(argv)}: ${ended}, ${result.outputBytes} bytes of output` };
    });
  }

  /**
   * Waits (at most ~5 s) until the inventory, kept by the engine's events, shows `name` as the action left it: on
   * `containerId`, or on no container. The next command then finds what the reply said (`rm` then `rollback` of the
   * removed name, a failed deploy then `ps`), not a container that is gone.
   */
  private async inventoryShows(name: string, containerId: string | undefined): Promise<void> {
    for (let i = 0; i < INVENTORY_POLLS; i++) {
      const ids = this.deps.containers().flatMap((r) => (r.name === name ? [r.id] : []));
      if (containerId === undefined ? ids.length === 0 : ids.length === 1 && ids[0] === containerId) return;
      await this.sleep(INVENTORY_POLL_MS);
    }
    this.deps.logger.debug('the inventory did not follow an action in time', { container: name });
  }

  private replacementDeps(docker: Docker) {
    return {
      docker,
      recorder: this.deps.recorder,
      expectStop: this.deps.expectStop,
      logger: this.deps.logger,
      now: this.now,
      sleep: this.sleep,
      settleMs: this.deps.settleMs ?? 1000,
      pollMs: 250,
    };
  }

  private async imageFor(docker: Docker, target: Revision): Promise<string> {
    for (const ref of [target.imageRef, target.keepTag]) {
      if (!ref) continue;
      const info = await docker
        .getImage(ref)
        .inspect()
        .catch(() => undefined);
      if (info?.Id === target.imageId) return ref;
    }
    const exists = await docker
      .getImage(target.imageId)
      .inspect()
      .catch(() => undefined);
    if (!exists) {
      throw new ActionError('no-revision', `the image of revision ${target.revision} (${target.imageRef}) is gone`);
    }
    return target.imageId;
  }

  private async simple(
    action: ActionName,
    name: string,
    options: ActionOptions,
    work: (container: Docker.Container, record: ContainerRecord) => Promise<void>,
  ): Promise<ActionResult> {
    const docker = this.engine();
    const record = resolveContainer(this.deps.containers(), name);
    return this.audit.audited(action, record, options, undefined, async () => {
      const container = docker.getContainer(record.id);
      await work(container, record);
      const state = (await container.inspect()).State.Status;
      const detail = `${record.name} is ${state}`;
      return { result: { container: record.name, containerId: record.id, state, detail }, detail };
    });
  }

  private async expect(container: Docker.Container, id: string, timeoutSeconds: number | undefined): Promise<void> {
    const own = timeoutSeconds ?? ((await container.inspect()).Config as { StopTimeout?: number }).StopTimeout;
    this.deps.expectStop(id, this.now() + (own ?? DEFAULT_STOP_SECONDS) * 1000 + STOP_GRACE_MS);
  }

  private engine(): Docker {
    const docker = this.deps.docker();
    if (!docker) throw new ActionError('engine-unreachable', 'the Docker engine is unreachable');
    return docker;
  }
}
