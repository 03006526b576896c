import type { ContainerRecord } from './containerRecord';

/** Change notifications of the inventory, for the parts that follow containers (stats, later logs and alerts). */
export type InventoryListener = (change: { kind: 'upsert' | 'remove'; record: ContainerRecord }) => void;

/**
 * Every container the engine has, running or not, keyed by ID. Filled by a full resync and kept current by the
 * event stream; a pure store (the engine I/O lives in the inventory syncer).
 */
export class Inventory {
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly listeners: InventoryListener[] = [];
  private version = 0;

  /** All known containers. */
  all(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  /** One container by full ID. */
  get(id: string): ContainerRecord | undefined {
    return this.byId.get(id);
  }

  /** Number of known containers. */
  get size(): number {
    return this.byId.size;
  }

  /** Bumped on every change, so readers can cache what they derive. */
  get revision(): number {
    return this.version;
  }

  /** Adds or replaces a container's record. */
  upsert(record: ContainerRecord): void {
    this.byId.set(record.id, record);
    this.version++;
    for (const l of this.listeners) l({ kind: 'upsert', record });
  }

  /** Forgets a removed container. */
  remove(id: string): void {
    const record = this.byId.get(id);
    if (!record) return;
    this.byId.delete(id);
    this.version++;
    for (const l of this.listeners) l({ kind: 'remove', record });
  }

  /** Replaces the whole set after a resync: upserts the given ones, removes the rest. */
  replaceAll(records: readonly ContainerRecord[]): void {
    const keep = new Set(records.map((r) => r.id));
    for (const id of [...this.byId.keys()]) if (!keep.has(id)) this.remove(id);
    for (const r of records) this.upsert(r);
  }

  /** Subscribes to changes. */
  onChange(listener: InventoryListener): void {
    this.listeners.push(listener);
  }
}
