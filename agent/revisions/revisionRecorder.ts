import type Docker from 'dockerode';
import type { ContainerRecord } from '../inventory/containerRecord';
import type { Inventory } from '../inventory/inventory';
import type { Logger } from '../logger';
import { isAsideName } from './asideName';
import { createSpecFromInspect } from './createSpec';
import { addKeepTag, removeKeepTag } from './keepTags';
import { needsRevision } from './revisionDiff';
import type { Revision, RevisionStore } from './revisionStore';

/** What the recorder needs: the store, the engine while it is up, the window size and a clock. */
export type RevisionRecorderDeps = {
  store: RevisionStore;
  docker: () => Docker | undefined;
  /** `revisions.keep`: revisions (and keep tags) kept per name. */
  keep: number;
  /** Containers that get revisions (the agent's `containers` selection). */
  watched: (record: ContainerRecord) => boolean;
  logger: Logger;
  now?: () => number;
};

/**
 * Records a revision whenever a container appears under a name with another image or create config than that
 * name's latest revision, tags the images of the newest `keep` revisions so pruning spares them, and untags those
 * that fall out of the window. Follows the inventory; work is done one container at a time.
 */
export class RevisionRecorder {
  private readonly checked = new Set<string>();
  private readonly suspended = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly deps: RevisionRecorderDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Follows the inventory: containers seen for the first time (created, or found at a resync) are checked. */
  follow(inventory: Inventory): void {
    inventory.onChange(({ kind, record }) => {
      const key = `${record.id}|${record.name}`;
      if (kind === 'remove') {
        this.checked.delete(key);
        return;
      }
      if (this.checked.has(key) || isAsideName(record.name) || this.suspended.has(record.name)) return;
      if (!this.deps.watched(record)) return;
      this.checked.add(key);
      this.enqueue(() => this.check(record.id, undefined)).catch((err: Error) => {
        this.checked.delete(key);
        this.deps.logger.warn('revision not recorded', { container: record.name, error: err.message });
      });
    });
  }

  /**
   * Checks one container now (queued behind other checks) and returns the revision it runs, recording a new one
   * if needed; `note` says why, when dockwatch made the change. Undefined when the container is gone.
   */
  record(containerId: string, note?: string): Promise<Revision | undefined> {
    return this.enqueue(() => this.check(containerId, note));
  }

  /** Stops following a name (its containers are being replaced); the returned function resumes. */
  suspend(name: string): () => void {
    this.suspended.set(name, (this.suspended.get(name) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (this.suspended.get(name) ?? 1) - 1;
      if (count > 0) this.suspended.set(name, count);
      else this.suspended.delete(name);
    };
  }

  /** Resolves once every queued check is done (for shutdown and tests). */
  async idle(): Promise<void> {
    let current: Promise<unknown>;
    do {
      current = this.queue;
      await current.catch(() => undefined);
    } while (current !== this.queue);
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(work);
    this.queue = run;
    return run;
  }

  private async check(containerId: string, note: string | undefined): Promise<Revision | undefined> {
    const docker = this.deps.docker();
    if (!docker) throw new Error('engine unreachable');
    let info: Docker.ContainerInspectInfo;
    try {
      info = await docker.getContainer(containerId).inspect();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
    const name = info.Name.replace(/^\//, '');
    this.checked.add(`${info.Id}|${name}`);
    const candidate = { imageId: info.Image, spec: createSpecFromInspect(info) };
    const latest = this.deps.store.latest(name);
    if (latest && !needsRevision(latest, candidate)) return latest;
    const revision = this.deps.store.add({
      name,
      ...candidate,
      imageRef: info.Config.Image,
      containerId: info.Id,
      recordedAt: this.now(),
      ...(note !== undefined && { note }),
    });
    this.deps.logger.info('revision recorded', {
      container: name,
      revision: revision.revision,
      image: info.Config.Image,
    });
    await this.tag(docker, revision);
    await this.untagOutsideWindow(docker, name);
    return this.deps.store.get(name, revision.revision) ?? revision;
  }

  private async tag(docker: Docker, revision: Revision): Promise<void> {
    try {
      const ref = await addKeepTag(docker, revision.imageId, revision.name, revision.revision);
      this.deps.store.setKeepTag(revision.name, revision.revision, ref);
    } catch (err) {
      const context = { container: revision.name, revision: revision.revision, error: (err as Error).message };
      this.deps.logger.warn('revision image not tagged', context);
    }
  }

  private async untagOutsideWindow(docker: Docker, name: string): Promise<void> {
    for (const old of this.deps.store.outsideWindow(name, this.deps.keep)) {
      const outcome = old.keepTag ? await removeKeepTag(docker, old.keepTag).catch(() => 'failed' as const) : 'gone';
      if (outcome === 'removed' || outcome === 'gone') this.deps.store.delete(name, old.revision);
      else this.deps.logger.debug('keep tag kept for now', { container: name, revision: old.revision, outcome });
    }
  }
}
