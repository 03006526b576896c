import type { AlertEngine, AlertOutput } from './alertEngine';

/** Timer functions, injectable for tests. */
export type Timers = {
  set: (fn: () => void, ms: number) => NodeJS.Timeout;
  clear: (timer: NodeJS.Timeout) => void;
};

/** How a runner drives its engine. */
export type AlertRunnerOptions = {
  /** Longest time between ticks, for what has no deadline (maintenance windows opening or closing). Default 1 s. */
  maxIdleMs?: number;
  timers?: Timers;
  /** Called after every feed and tick, once what they returned was emitted (the engine's state may have changed). */
  evaluated?: () => void;
};

/** Shortest wait between ticks, so a deadline that stays in the past cannot spin the event loop. */
const MIN_DELAY_MS = 10;

/** The process's own setTimeout and clearTimeout. */
export const realTimers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (t) => clearTimeout(t) };

/**
 * Drives an AlertEngine on real timers: every call goes through `feed`, whose notifications go to `emit` at once,
 * and the engine is ticked at its next deadline (a group wait of 100 ms is 100 ms) and at least every `maxIdleMs`.
 * A timer once armed is never pushed later by new inputs, so a steady stream of them (a sampling pass a second, a log
 * flood) cannot starve what is due.
 */
export class AlertRunner {
  private timer?: NodeJS.Timeout;
  private armedFor = Infinity;
  private seenRevision = -1;
  private running = false;
  private readonly maxIdleMs: number;
  private readonly timers: Timers;
  private readonly evaluated: (() => void) | undefined;

  constructor(
    private readonly engine: AlertEngine,
    private readonly emit: (outputs: readonly AlertOutput[]) => void,
    private readonly now: () => number,
    options: AlertRunnerOptions = {},
  ) {
    this.maxIdleMs = options.maxIdleMs ?? 1000;
    this.timers = options.timers ?? realTimers;
    this.evaluated = options.evaluated;
  }

  /** Starts ticking. */
  start(): void {
    this.running = true;
    this.tick();
  }

  /** Stops ticking; feeding still works but nothing is ticked. */
  stop(): void {
    this.running = false;
    if (this.timer) this.timers.clear(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  /** Runs one engine call (`(e) => e.log(line)`, …), emits what it returns and re-arms the timer if needed. */
  feed(call: (engine: AlertEngine) => readonly AlertOutput[]): void {
    const outputs = call(this.engine);
    if (outputs.length > 0) this.emit(outputs);
    if (this.engine.revision !== this.seenRevision) this.arm();
    this.evaluated?.();
  }

  private tick(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    if (!this.running) return;
    const outputs = this.engine.tick();
    if (outputs.length > 0) this.emit(outputs);
    this.arm();
    this.evaluated?.();
  }

  private arm(): void {
    this.seenRevision = this.engine.revision;
    if (!this.running) return;
    const now = this.now();
    const at = Math.min(this.engine.nextDeadline() ?? Infinity, now + this.maxIdleMs);
    if (this.timer && at >= this.armedFor) return;
    if (this.timer) this.timers.clear(this.timer);
    this.armedFor = at;
    this.timer = this.timers.set(() => this.tick(), Math.max(MIN_DELAY_MS, at - now));
    this.timer.unref?.();
  }
}
