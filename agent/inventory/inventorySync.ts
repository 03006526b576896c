import type Docker from 'dockerode';
import type { Logger } from '../../shared/logger';
import type { EngineEvent } from '../engine/engineEvent';
import { mapWithConcurrency } from '../stats/concurrency';
import { inspectToRecord } from './inspectToRecord';
import type { Inventory } from './inventory';

/** Inspects a resync has in flight at once (and the connections of its burst client). */
export const INSPECT_CONCURRENCY = 16;

/** The client a resync's inspects go through, and how long each may take. */
export type InspectBurst = { docker: Docker; timeoutMs: number };

/** True for the engine's "no such container" answer. */
function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number }).statusCode === 404;
}

/**
 * Keeps the inventory equal to the engine: a full resync (list, then inspect what is new or changed) and one
 * inspect per container event, coalesced so a burst of events for one container costs one or two inspects.
 */
export class InventorySync {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  /** Destroyed while an inspect of theirs was in flight: its answer (from before the destroy) must not revive them. */
  private readonly destroyed = new Set<string>();
  /** Inspected while a resync was listing: absent from that list, yet not gone. */
  private freshSinceList: Set<string> | undefined;
  private listedState = new Map<string, string>();

  constructor(
    private readonly inventory: Inventory,
    private readonly logger: Logger,
    private readonly onApiError: (operation: string) => void,
  ) {}

  /**
   * Lists every container and inspects those that are new or whose listed state changed; the inspects go through
   * `burst` when given (a keep-alive client, see EngineSupervisor.burstClient), each bounded by its `timeoutMs`.
   */
  async resync(docker: Docker, burst?: InspectBurst): Promise<void> {
    const fresh = new Set<string>();
    this.freshSinceList = fresh;
    let listed: Docker.ContainerInfo[];
    try {
      listed = await docker.listContainers({ all: true });
    } finally {
      if (this.freshSinceList === fresh) this.freshSinceList = undefined;
    }
    const seen = new Map<string, string>();
    const toInspect: string[] = [];
    for (const c of listed) {
      const key = `${c.State}|${c.Status.includes('(') ? c.Status.replace(/^.*\(/, '') : ''}|${c.ImageID}`;
      seen.set(c.Id, key);
      if (!this.inventory.get(c.Id) || this.listedState.get(c.Id) !== key) toInspect.push(c.Id);
    }
    for (const r of this.inventory.all()) if (!seen.has(r.id) && !fresh.has(r.id)) this.inventory.remove(r.id);
    this.listedState = seen;
    const via = burst?.docker ?? docker;
    const timeoutMs = burst?.timeoutMs;
    await mapWithConcurrency(toInspect, INSPECT_CONCURRENCY, (id) =>
      this.refresh(via, id, timeoutMs).catch(() => undefined),
    );
  }

  /** Applies one engine event: a removed container is forgotten, any other change re-inspected. */
  async onEvent(docker: Docker, event: EngineEvent): Promise<void> {
    if (event.Type !== 'container') return;
    const id = event.Actor.ID;
    if (event.Action === 'destroy') {
      this.inventory.remove(id);
      this.listedState.delete(id);
      if (this.inFlight.has(id)) this.destroyed.add(id);
      return;
    }
    if (event.Action.startsWith('exec_') || event.Action === 'attach' || event.Action === 'resize') return;
    await this.refresh(docker, id);
  }

  /** Inspects one container (coalescing concurrent requests), each try within `timeoutMs` when given, and updates the inventory. */
  refresh(docker: Docker, id: string, timeoutMs?: number): Promise<void> {
    const running = this.inFlight.get(id);
    if (running) {
      this.dirty.add(id);
      return running;
    }
    const p = (async () => {
      try {
        do {
          this.dirty.delete(id);
          try {
            const container = docker.getContainer(id);
            const info = await (timeoutMs === undefined
              ? container.inspect()
              : container.inspect({ abortSignal: AbortSignal.timeout(timeoutMs) } as object));
            if (this.destroyed.has(id)) return;
            this.freshSinceList?.add(id);
            this.inventory.upsert(inspectToRecord(info));
          } catch (err) {
            if (isNotFound(err)) {
              this.inventory.remove(id);
              return;
            }
            this.onApiError('inspect');
            this.logger.debug('inspect failed', { container: id.slice(0, 12), error: (err as Error).message });
            throw err;
          }
        } while (this.dirty.has(id));
      } finally {
        this.inFlight.delete(id);
        this.destroyed.delete(id);
      }
    })();
    this.inFlight.set(id, p);
    return p;
  }
}
