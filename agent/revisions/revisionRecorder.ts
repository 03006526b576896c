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
  /** `revisions.forgetAfter`: a name no container has carried for this long loses its revisions and keep tags. */
  forgetAfterMs: number;
  /** Containers that get revisions (the agent's `containers` selection). */
  watched: (record: ContainerRecord) => boolean;
  logger: Logger;
  now?: () => number;
};

const SWEEP_EVERY_MS = 3_600_000;

/**
 * Records a revision whenever a container appears under a name with another image or create config than that
 * name's latest revision. The image of a revision that stopped being current (still among the newest `keep`) gets
 * a keep tag so pruning spares it; the current one needs none, its container holds it. Revisions falling out of the
 * window are untagged and forgotten, and so are all revisions of a name absent for `forgetAfterMs`. Follows the
 * inventory; work is done one container at a time.
 */
export class RevisionRecorder {
  private readonly checked = new Set<string>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly suspended = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly deps: RevisionRecorderDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Follows the inventory: containers seen for the first time (created, or found at a resync) are checked. */
  follow(inventory: Inventory): void {
    const every = Math.min(SWEEP_EVERY_MS, Math.max(1000, Math.floor(this.deps.forgetAfterMs / 4)));
    this.sweeper = setInterval(() => {
      if (!this.deps.docker()) return;
      const present = new Set(inventory.all().map((r) => r.name));
      this.enqueue(() => this.sweep(present)).catch((err: Error) =>
        this.deps.logger.warn('revision sweep failed', { error: err.message }),
      );
    }, every);
    this.sweeper.unref();
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

  /**
   * Forgets the names no container in `present` carries once they have been absent for `forgetAfterMs` (the first
   * sweep that saw them absent is stored, so restarts do not reset the clock): their keep tags are removed and their
   * revisions deleted. Run periodically by `follow`.
   */
  async sweep(present: ReadonlySet<string>): Promise<string[]> {
    const docker = this.deps.docker();
    if (!docker) return [];
    const now = this.now();
    const forgotten: string[] = [];
    for (const name of this.deps.store.names()) {
      const { store } = this.deps;
      if (present.has(name) || this.suspended.has(name)) {
        store.setAbsentSince(name, undefined);
        continue;
      }
      store.setAbsentSince(name, now);
      const since = store.absentSince(name) ?? now;
      if (now - since < this.deps.forgetAfterMs) continue;
      await this.untagOutsideWindow(docker, name, 0);
      if (store.latest(name)) continue;
      store.setAbsentSince(name, undefined);
      forgotten.push(name);
      this.deps.logger.info('revisions forgotten', { container: name, absentFor: now - since });
    }
    return forgotten;
  }

  /** Stops the periodic sweep. */
  stop(): void {
    clearInterval(this.sweeper);
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
    for (const earlier of this.deps.store.list(name, this.deps.keep).slice(1)) {
      if (!earlier.keepTag) await this.tag(docker, earlier);
    }
    await this.untagOutsideWindow(docker, name, this.deps.keep);
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

  private async untagOutsideWindow(docker: Docker, name: string, keep: number): Promise<void> {
    for (const old of this.deps.store.outsideWindow(name, keep)) {
      const outcome = old.keepTag ? await removeKeepTag(docker, old.keepTag).catch(() => 'failed' as const) : 'gone';
      if (outcome === 'removed' || outcome === 'gone') this.deps.store.delete(name, old.revision);
      else this.deps.logger.debug('keep tag kept for now', { container: name, revision: old.revision, outcome });
    }
  }
}
