import type Docker from 'dockerode';
import type { EngineEvent } from '../engine/engineEvent';
import type { ContainerRecord } from '../inventory/containerRecord';
import type { Inventory } from '../inventory/inventory';
import type { Logger } from '../../shared/logger';
import type { WriterLease } from '../store/writerLease';
import { isAsideName } from './asideName';
import { createSpecFromInspect } from './createSpec';
import { keepRemovedRevision } from './keepOnRemoval';
import { tagRevision, untagOutsideWindow } from './keepTagWindow';
import type { Replacement, ReplacementOutcome, ReplacementStore } from './replacementStore';
import { runVerdictOf, runVerdictOfState } from './runVerdict';
import { needsRevision, type ContainerVersion } from './revisionDiff';
import type { Revision, RevisionStore } from './revisionStore';
import { followNetworks, followNetworksOf, noteRun, onlyNetworksMoved } from './revisionUpdates';

/** What the recorder needs: the stores, the writer lease, the engine while it is up, the window size and a clock. */
export type RevisionRecorderDeps = {
  store: RevisionStore;
  /** The replacement markers every process on the data dir honours. */
  replacements: ReplacementStore;
  /** Only the holder of this lease writes revisions and keep tags (one writer per data dir). */
  lease: WriterLease;
  /** This process's id in the lease and the markers. */
  holder: string;
  docker: () => Docker | undefined;
  /** `revisions.keep`: revisions (and keep tags) kept per name. */
  keep: number;
  /** `revisions.forgetAfter`: a name no container has carried for this long loses its revisions and keep tags. */
  forgetAfterMs: number;
  /** Containers that get revisions (the agent's `containers` selection). */
  watched: (record: ContainerRecord) => boolean;
  logger: Logger;
  /** Takes a failed store write (disk full) to count and log once a minute; false for other errors, logged here. */
  storeFailed?: (err: Error) => boolean;
  now?: () => number;
  /** How long a container runs before its revision is recorded: networks connected right after the start belong to it. */
  settleMs?: number;
  /** How often the lease is renewed and finished replacements are settled. */
  upkeepMs?: number;
  /** The checks of running containers start once this settles: the agent holds them until it is first ready. */
  startAfter?: Promise<unknown>;
};

/** The container now under a name, as a rollback starts from it: its recorded revision, if any, and what it runs. */
export type CurrentVersion = { name: string; revision?: Revision; version: ContainerVersion };

/** A replacement under way, as the process doing it reports it. */
export type ReplacementHandle = {
  /** The replacement container exists. */
  created(containerId: string): void;
  /** It ended; resolves to the revision recorded for the new container when this process is the writer. */
  finish(outcome: ReplacementOutcome, detail?: string): Promise<Revision | undefined>;
};

const SWEEP_EVERY_MS = 3_600_000;
const DEFAULT_SETTLE_MS = 2000;
const DEFAULT_UPKEEP_MS = 2000;

/**
 * Records a revision whenever a container has run under a name with another image or create config than that name's
 * latest revision: once it has run `settleMs` (so networks connected right after the start belong to it), then
 * following connect and disconnect on the same container. Only the process holding the data dir's writer lease
 * records (the agent; `dockwatch ctl` only when no agent runs), and no process records while a replacement (rollback)
 * of the name is under way: the writer settles it when it ends. How a revision's containers run (healthy, unhealthy,
 * crashed, a failed rollback to it) is noted on it. The image of a revision that stopped being current (still among
 * the newest `keep`) gets a keep tag so pruning spares it; revisions falling out of the window are untagged and
 * forgotten, and so are all revisions of a name absent for `forgetAfterMs`. Work is done one container at a time.
 */
export class RevisionRecorder {
  private readonly checked = new Set<string>();
  private readonly settling = new Map<string, NodeJS.Timeout>();
  private sweeper: NodeJS.Timeout | undefined;
  private upkeeper: NodeJS.Timeout | undefined;
  private inventory: Inventory | undefined;
  private wasWriter: boolean | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly checksFrom: Promise<unknown>;
  private readonly now: () => number;
  private readonly settleMs: number;

  constructor(private readonly deps: RevisionRecorderDeps) {
    this.now = deps.now ?? Date.now;
    this.settleMs = deps.settleMs ?? DEFAULT_SETTLE_MS;
    this.checksFrom = deps.startAfter ?? Promise.resolve();
  }

  /** Follows the inventory (containers that run are checked) and keeps the writer lease while it can. */
  follow(inventory: Inventory): void {
    this.inventory = inventory;
    const every = Math.min(SWEEP_EVERY_MS, Math.max(1000, Math.floor(this.deps.forgetAfterMs / 4)));
    this.sweeper = setInterval(() => {
      if (!this.deps.docker()) return;
      const present = new Set(inventory.all().map((r) => r.name));
      this.enqueue(() => this.sweep(present)).catch((err: Error) => this.warn('revision sweep failed', err));
    }, every);
    this.sweeper.unref();
    this.upkeeper = setInterval(() => this.upkeep(), this.deps.upkeepMs ?? DEFAULT_UPKEEP_MS);
    this.upkeeper.unref();
    inventory.onChange(({ kind, record }) => {
      if (kind === 'remove') {
        this.checked.delete(`${record.id}|${record.name}`);
        clearTimeout(this.settling.get(record.id));
        this.settling.delete(record.id);
        return;
      }
      this.consider(record);
    });
    this.upkeep();
  }

  /** Whether this process writes revisions now (holds the lease). */
  isWriter(): boolean {
    return this.deps.lease.holds();
  }

  /** Follows network connects and disconnects and notes how revisions' containers run (health, exits, OOM kills). */
  onEngineEvent(e: EngineEvent): void {
    if (!this.isWriter()) return;
    const fail = (err: Error) => this.warn('revision not updated', err);
    if (e.Type === 'network' && (e.Action === 'connect' || e.Action === 'disconnect')) {
      const id = e.Actor.Attributes?.container;
      if (id) this.enqueue(() => followNetworks(this.followDeps(), id)).catch(fail);
      return;
    }
    if (e.Type !== 'container') return;
    if (e.Action === 'destroy') {
      this.enqueue(() => this.keepRemoved(e.Actor.ID)).catch(fail);
      return;
    }
    const verdict = runVerdictOf(e.Action, e.Actor.Attributes ?? {});
    if (verdict)
      this.enqueue(async () => noteRun(this.deps.store, e.Actor.ID, { ...verdict, at: this.now() })).catch(fail);
  }

  /**
   * The container now under a name and its revision. The writer records it first if needed (queued behind other
   * checks); any other process only looks. Undefined when the container is gone.
   */
  async currentOf(containerId: string): Promise<CurrentVersion | undefined> {
    if (this.isWriter()) {
      return this.enqueue(async () => {
        const info = await this.inspect(containerId);
        if (!info) return undefined;
        const revision = await this.check(info, undefined, true);
        return { name: nameOf(info), version: versionOf(info), ...(revision && { revision }) };
      });
    }
    const info = await this.inspect(containerId);
    if (!info) return undefined;
    const name = nameOf(info);
    const version = versionOf(info);
    const latest = this.deps.store.latest(name);
    const revision =
      this.deps.store.byContainer(info.Id) ?? (latest && !needsRevision(latest, version) ? latest : undefined);
    return { name, version, ...(revision && { revision }) };
  }

  /**
   * Before a container is removed (`rm`): the writer records it if needed (only one that has run `settleMs`, as
   * always) and keep-tags its revision, so the image outlives it for rollback; any other process only looks (the
   * writer tags it when it sees the container destroyed).
   */
  async keepForRemoval(containerId: string): Promise<Revision | undefined> {
    if (!this.isWriter()) return this.deps.store.byContainer(containerId);
    return this.enqueue(async () => {
      const info = await this.inspect(containerId);
      if (info && ranFor(info.State, this.now()) >= this.settleMs) await this.check(info, undefined, false);
      return this.keepRemoved(containerId);
    });
  }

  /**
   * Marks `name` as being replaced in the store (no process records its transient containers meanwhile); throws
   * `ReplacementInProgress` when another replacement of it is under way.
   */
  replacing(r: Omit<Replacement, 'holder' | 'startedAt' | 'outcome' | 'detail' | 'newContainerId'>): ReplacementHandle {
    const { holder } = this.deps;
    this.deps.replacements.begin({ ...r, holder, startedAt: this.now() });
    return {
      created: (containerId) => this.deps.replacements.setNewContainer(r.name, holder, containerId),
      finish: (outcome, detail) =>
        this.enqueue(async () => {
          this.deps.replacements.finish(r.name, holder, outcome, detail);
          const marker = this.deps.replacements.get(r.name);
          if (!this.isWriter() || marker?.holder !== holder) return undefined;
          return this.settle(marker);
        }),
    };
  }

  /**
   * Forgets the names no container in `present` carries once they have been absent for `forgetAfterMs` (the first
   * sweep that saw them absent is stored, so restarts do not reset the clock): their keep tags are removed and their
   * revisions deleted. Run periodically by `follow`; only by the writer.
   */
  async sweep(present: ReadonlySet<string>): Promise<string[]> {
    const docker = this.deps.docker();
    if (!docker || !this.isWriter()) return [];
    const now = this.now();
    const forgotten: string[] = [];
    for (const name of this.deps.store.names()) {
      const { store } = this.deps;
      if (present.has(name) || this.deps.replacements.has(name)) {
        store.setAbsentSince(name, undefined);
        continue;
      }
      store.setAbsentSince(name, now);
      const since = store.absentSince(name) ?? now;
      if (now - since < this.deps.forgetAfterMs) continue;
      await untagOutsideWindow(docker, store, name, 0, this.deps.logger);
      if (store.latest(name)) continue;
      store.setAbsentSince(name, undefined);
      store.forgetNumbering(name);
      forgotten.push(name);
      this.deps.logger.info('revisions forgotten', { container: name, absentFor: now - since });
    }
    return forgotten;
  }

  /** Settles every ended replacement now when this process is the writer (after a recovery gave one its outcome). */
  async settleEnded(): Promise<void> {
    if (!this.isWriter()) return;
    await Promise.all(
      this.deps.replacements
        .settleable()
        .map((marker) =>
          this.enqueue(() => this.settle(marker)).catch((err: Error) =>
            this.warn('rollback not settled', err, { container: marker.name }),
          ),
        ),
    );
  }

  /** Stops following, waits for queued work and gives the writer lease up. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.upkeeper);
    for (const timer of this.settling.values()) clearTimeout(timer);
    this.settling.clear();
    await this.idle();
    if (this.isWriter()) this.deps.lease.release();
  }

  /** Resolves once every queued check is done (for shutdown and tests). */
  async idle(): Promise<void> {
    let current: Promise<unknown>;
    do {
      current = this.queue;
      await current.catch(() => undefined);
    } while (current !== this.queue);
  }

  private warn(message: string, err: Error, meta: Record<string, unknown> = {}): void {
    if (this.deps.storeFailed?.(err)) return;
    this.deps.logger.warn(message, { ...meta, error: err.message });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(work);
    this.queue = run;
    return run;
  }

  /** Renews the lease; on becoming the writer checks every running container; settles ended replacements. */
  private upkeep(): void {
    const writer = this.deps.lease.tryHold();
    if (writer !== this.wasWriter) {
      if (writer) {
        this.deps.logger.info('recording revisions for this data dir');
        for (const record of this.inventory?.all() ?? []) this.consider(record);
      } else {
        const other = this.deps.lease.current();
        this.deps.logger.info('revisions are recorded by another process on this data dir', {
          holder: other?.holder,
          role: other?.role,
        });
      }
      this.wasWriter = writer;
    }
    if (writer) void this.settleEnded();
  }

  /** A container that runs gets its revision checked once it has run `settleMs`. */
  private consider(record: ContainerRecord): void {
    if (!this.isWriter() || record.state !== 'running' || this.settling.has(record.id)) return;
    if (this.checked.has(`${record.id}|${record.name}`) || isAsideName(record.name) || !this.deps.watched(record))
      return;
    const timer = setTimeout(() => {
      void this.checksFrom.then(() => {
        if (this.settling.get(record.id) !== timer) return;
        this.settling.delete(record.id);
        if (!this.isWriter() || !this.inventory?.get(record.id)) return;
        this.enqueue(async () => {
          const info = await this.inspect(record.id);
          return info && this.check(info, undefined, false);
        }).catch((err: Error) => {
          this.warn('revision not recorded', err, { container: record.name });
        });
      });
    }, this.settleMs);
    timer.unref();
    this.settling.set(record.id, timer);
  }

  /**
   * Settles an ended replacement (one whose process died was given its outcome by the replacement recovery first):
   * records the new container, or notes that the target failed.
   */
  private async settle(marker: Replacement): Promise<Revision | undefined> {
    const { store, replacements, logger } = this.deps;
    const now = replacements.get(marker.name);
    if (now?.holder !== marker.holder || now.startedAt !== marker.startedAt) return undefined;
    let recorded: Revision | undefined;
    if ((now.outcome === 'rolled-back' || now.outcome === 'deployed') && now.newContainerId) {
      const info = await this.inspect(now.newContainerId);
      const note =
        now.deployImage === undefined ? `rollback to revision ${now.targetRevision}` : `deploy of ${now.deployImage}`;
      recorded = info && (await this.check(info, note, true));
      if (recorded) store.setLastRun(recorded.name, recorded.revision, { verdict: 'healthy', at: this.now() });
    } else if (now.outcome === 'undone') {
      logger.info('an interrupted replacement was undone: the previous container runs again, no revision recorded', {
        container: now.name,
      });
    } else if (now.outcome && now.deployImage !== undefined) {
      logger.info('a deploy failed: the previous container runs again, no revision recorded', {
        container: now.name,
        image: now.deployImage,
      });
    } else if (now.outcome) {
      const detail = `a rollback to it failed${now.detail ? `: ${now.detail}` : ''}`;
      store.setLastRun(now.name, now.targetRevision, { verdict: 'failed', at: this.now(), detail });
    }
    replacements.remove(now.name, now.holder);
    const under = this.inventory?.all().find((r) => r.name === now.name);
    if (under && under.id !== recorded?.containerId) {
      const info = await this.inspect(under.id);
      if (info) await this.check(info, undefined, true);
    }
    return recorded;
  }

  private async keepRemoved(containerId: string): Promise<Revision | undefined> {
    const docker = this.deps.docker();
    const { store, keep, logger } = this.deps;
    return docker ? keepRemovedRevision(docker, store, containerId, keep, logger) : store.byContainer(containerId);
  }

  private followDeps() {
    const { store, replacements, logger } = this.deps;
    return { store, replacements, logger, inspect: (id: string) => this.inspect(id) };
  }

  private async inspect(containerId: string): Promise<Docker.ContainerInspectInfo | undefined> {
    const docker = this.deps.docker();
    if (!docker) throw new Error('engine unreachable');
    try {
      return await docker.getContainer(containerId).inspect();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  /**
   * Records a revision for the container unless the name's latest one has the same image and config (then that
   * revision is the container's). Nothing while the name is being replaced or its replacement is not yet settled,
   * unless `force` (the settling itself, or a rollback starting from it): the settling records it, with its note.
   */
  private async check(
    info: Docker.ContainerInspectInfo,
    note: string | undefined,
    force: boolean,
  ): Promise<Revision | undefined> {
    const name = nameOf(info);
    const { store, replacements, keep, logger } = this.deps;
    if (isAsideName(name) || (!force && replacements.has(name))) return undefined;
    this.checked.add(`${info.Id}|${name}`);
    const candidate = versionOf(info);
    let latest = store.latest(name);
    const state = runVerdictOfState(info.State as { Running?: boolean; Health?: { Status?: string } });
    if (latest && onlyNetworksMoved(latest, info, candidate)) {
      latest = followNetworksOf(this.deps, latest, info.Id, candidate.spec.networks);
    }
    if (latest && !needsRevision(latest, candidate)) {
      if (latest.containerId !== info.Id) store.setContainer(name, latest.revision, info.Id);
      if (state) noteRun(store, info.Id, { ...state, at: this.now() });
      return store.get(name, latest.revision) ?? latest;
    }
    const revision = store.add({
      name,
      ...candidate,
      imageRef: info.Config.Image,
      containerId: info.Id,
      recordedAt: this.now(),
      ...(note !== undefined && { note }),
    });
    logger.info('revision recorded', { container: name, revision: revision.revision, image: info.Config.Image });
    if (state) store.setLastRun(name, revision.revision, { ...state, at: this.now() });
    const docker = this.deps.docker();
    if (docker) {
      for (const earlier of store.list(name, keep).slice(1)) {
        if (!earlier.keepTag) await tagRevision(docker, store, earlier, logger);
      }
      await untagOutsideWindow(docker, store, name, keep, logger);
    }
    return store.get(name, revision.revision) ?? revision;
  }
}

/** How long a container ran (until now while it runs); 0 for one never started. */
function ranFor(state: { Running: boolean; StartedAt: string; FinishedAt: string }, now: number): number {
  const started = Date.parse(state.StartedAt);
  if (!Number.isFinite(started) || started <= 0) return 0;
  const finished = state.Running ? now : Date.parse(state.FinishedAt);
  return Number.isFinite(finished) ? Math.max(0, finished - started) : 0;
}

function nameOf(info: Docker.ContainerInspectInfo): string {
  return info.Name.replace(/^\//, '');
}

function versionOf(info: Docker.ContainerInspectInfo): ContainerVersion {
  return { imageId: info.Image, spec: createSpecFromInspect(info) };
}
