import type { ContainerEvent, ContainerRef } from './inputs';
import type { RunningContainer, StopCause } from './rules/ruleEvaluator';

/** How long after a kill through the engine an exit counts as asked for (`docker stop` waits 10 s by default). */
export const KILL_GRACE_MS = 60_000;

type State = { running: RunningContainer[]; expected: [string, number][]; engineUp: boolean };

/**
 * What the engine knows about containers between rules: which run (from events, resyncs and metrics), whether the
 * engine is reachable, and whether an exit was asked for: by dockwatch's operator (`expectStop`) or by a kill through
 * the engine (the kill → die → stop of `docker stop`).
 */
export class ContainerTracker {
  readonly running = new Map<string, RunningContainer>();
  engineUp = true;
  private readonly expected = new Map<string, number>();
  private readonly killedAt = new Map<string, number>();
  private readonly lastCause = new Map<string, StopCause>();

  /** dockwatch is about to stop or restart this container: its exits until `until` are the operator's. */
  expectStop(containerId: string, until: number): void {
    this.expected.set(containerId, Math.max(until, this.expected.get(containerId) ?? 0));
  }

  /** Takes an event; for an exit (die, stop) returns who asked for it, if anyone. */
  observe(event: ContainerEvent, now: number): StopCause | undefined {
    const id = event.container.id;
    switch (event.action) {
      case 'start':
      case 'restart':
        if (!this.running.has(id)) this.running.set(id, { ...event.container, since: now });
        this.killedAt.delete(id);
        this.lastCause.delete(id);
        return undefined;
      case 'kill':
        this.killedAt.set(id, now);
        return undefined;
      case 'die': {
        this.running.delete(id);
        const cause = this.causeOf(id, now);
        this.killedAt.delete(id);
        if (cause) this.lastCause.set(id, cause);
        else this.lastCause.delete(id);
        return cause;
      }
      case 'stop':
        this.running.delete(id);
        return this.lastCause.get(id) ?? this.causeOf(id, now);
      case 'destroy':
        this.forget(id);
        return undefined;
      default:
        return undefined;
    }
  }

  /** Replaces what runs with the engine's own list (after a connect or resync). */
  sync(containers: readonly ContainerRef[], now: number): void {
    const previous = new Map(this.running);
    this.running.clear();
    for (const c of containers) this.running.set(c.id, { ...c, since: previous.get(c.id)?.since ?? now });
  }

  /** Notes containers seen running (in a metrics pass) that no event announced. */
  seen(containers: readonly ContainerRef[], now: number): void {
    for (const c of containers) if (!this.running.has(c.id)) this.running.set(c.id, { ...c, since: now });
  }

  /** Drops expectations that ended. */
  prune(now: number): void {
    for (const [id, until] of this.expected) if (until < now) this.expected.delete(id);
    for (const [id, at] of this.killedAt) if (now - at > KILL_GRACE_MS) this.killedAt.delete(id);
  }

  /** JSON-serializable state: what runs and the operator's expectations. */
  snapshot(): State {
    return { running: [...this.running.values()], expected: [...this.expected], engineUp: this.engineUp };
  }

  /** Puts back what `snapshot` returned; containers count as running since `now` (their wait starts over). */
  restore(state: unknown, now: number): void {
    const s = (state ?? {}) as Partial<State>;
    if (Array.isArray(s.running)) for (const c of s.running) if (c?.id) this.running.set(c.id, { ...c, since: now });
    if (Array.isArray(s.expected)) for (const [id, until] of s.expected) this.expected.set(id, until);
    if (typeof s.engineUp === 'boolean') this.engineUp = s.engineUp;
  }

  private causeOf(id: string, now: number): StopCause | undefined {
    if ((this.expected.get(id) ?? -Infinity) >= now) return 'operator';
    const killed = this.killedAt.get(id);
    return killed !== undefined && now - killed <= KILL_GRACE_MS ? 'docker' : undefined;
  }

  private forget(id: string): void {
    this.running.delete(id);
    this.expected.delete(id);
    this.killedAt.delete(id);
    this.lastCause.delete(id);
  }
}
