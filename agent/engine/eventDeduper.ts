import type { EngineEvent } from './engineEvent';

/** How far back a resumed event stream starts, to catch events the engine delivered out of order (5 s). */
export const REPLAY_WINDOW_NS = 5_000_000_000n;

/** Where the event stream is: the newest event time delivered and the keys of the events delivered shortly before. */
export type EventPosition = { timeNano: bigint; keys: string[]; floor?: bigint };

/**
 * Lets each engine event through once. The engine stamps events before it fans them out to subscribers, so they can
 * arrive a little out of order: duplicates (after a resume) are recognised by key within REPLAY_WINDOW_NS of the
 * newest event, not by being older than it.
 */
export class EventDeduper {
  private newest: bigint | undefined;
  private floor: bigint | undefined;
  private recent = new Map<string, bigint>();

  /**
   * Where the very first stream starts (the agent's now, ns): nothing before it is delivered, also not by the replay
   * window of a later resume (those events predate this agent's store).
   */
  startAt(nowNs: bigint): bigint {
    if (this.floor === undefined) this.floor = nowNs;
    return this.floor;
  }

  /** True the first time an event is seen; false for a repeat or for one older than the window. */
  accept(e: EngineEvent): boolean {
    const key = `${e.timeNano}|${e.Type}|${e.Action}|${e.Actor.ID}`;
    if (this.recent.has(key)) return false;
    if (this.newest !== undefined && e.timeNano < this.newest - REPLAY_WINDOW_NS) return false;
    if (this.floor !== undefined && e.timeNano < this.floor) return false;
    this.recent.set(key, e.timeNano);
    if (this.newest === undefined || e.timeNano > this.newest) {
      this.newest = e.timeNano;
      const oldest = e.timeNano - REPLAY_WINDOW_NS;
      for (const [k, t] of this.recent) {
        if (t >= oldest) break;
        this.recent.delete(k);
      }
    }
    return true;
  }

  /** The `since` time (ns) a resumed stream should start from, or undefined before any event. */
  get resumeFrom(): bigint | undefined {
    if (this.newest === undefined) return this.floor;
    const from = this.newest - REPLAY_WINDOW_NS;
    return this.floor !== undefined && this.floor > from ? this.floor : from;
  }

  /** The position to store. */
  get position(): EventPosition | undefined {
    if (this.newest === undefined) return undefined;
    return {
      timeNano: this.newest,
      keys: [...this.recent.keys()],
      ...(this.floor !== undefined ? { floor: this.floor } : {}),
    };
  }

  /** Continues from a stored position (before any event was seen). */
  restore(position: EventPosition): void {
    if (this.newest !== undefined) return;
    this.newest = position.timeNano;
    this.floor = position.floor;
    this.recent = new Map(position.keys.map((k) => [k, BigInt(k.split('|')[0] ?? '0')]));
  }
}
