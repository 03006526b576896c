import { normalizeAction, type EngineEvent } from './engineEvent';

/** Engine events counted by type and action, and OOM kills per container. */
export class EventCounters {
  /** Key `type\u0000action` → count. */
  readonly byTypeAction = new Map<string, number>();
  private readonly oomByContainer = new Map<string, number>();

  /** Counts one event. */
  record(e: EngineEvent): void {
    const key = `${e.Type}\u0000${normalizeAction(e.Action)}`;
    this.byTypeAction.set(key, (this.byTypeAction.get(key) ?? 0) + 1);
    if (e.Type === 'container' && e.Action === 'oom') {
      this.oomByContainer.set(e.Actor.ID, (this.oomByContainer.get(e.Actor.ID) ?? 0) + 1);
    }
    if (e.Type === 'container' && e.Action === 'destroy') this.oomByContainer.delete(e.Actor.ID);
  }

  /** OOM events the engine reported for a container since the agent started. */
  oomEvents(id: string): number {
    return this.oomByContainer.get(id) ?? 0;
  }
}
