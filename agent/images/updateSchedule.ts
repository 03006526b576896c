/** Timer functions, injected so schedules are tested with a fake clock. */
export type ScheduleTimers = {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
};

/** Node's timers, unref'd so a pending round never keeps the process alive. */
export const nodeTimers: ScheduleTimers = {
  set(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** How far a round's delay may stray from the interval either way (±10%). */
export const JITTER = 0.1;

/** `ms` spread by ±{@link JITTER} with `random()` in [0, 1): hosts started together do not hit a registry together. */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 + JITTER * (2 * random() - 1)));
}

/** What a schedule runs and when. */
export type RoundScheduleOptions = {
  intervalMs: number;
  /** Delay of the first round after start (also jittered). */
  firstDelayMs: number;
  run: () => Promise<unknown>;
  /** False while the engine is down: a due round waits for `resume()` instead of running. */
  canRun: () => boolean;
  timers?: ScheduleTimers;
  random?: () => number;
};

/**
 * Runs rounds one after another: the first `firstDelayMs` after start, then every `intervalMs`, each delay jittered and
 * counted from the end of the previous round (rounds never overlap). A round due while `canRun()` is false is held
 * until `resume()`, which runs it after `firstDelayMs`.
 */
export class RoundSchedule {
  private handle: unknown;
  private started = false;
  private held = false;
  private running: Promise<unknown> | undefined;
  private readonly timers: ScheduleTimers;
  private readonly random: () => number;

  constructor(private readonly options: RoundScheduleOptions) {
    this.timers = options.timers ?? nodeTimers;
    this.random = options.random ?? Math.random;
  }

  /** Arms the first round. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.arm(this.options.firstDelayMs);
  }

  /** The engine is back: a round held while it was down runs soon. */
  resume(): void {
    if (!this.started || !this.held) return;
    this.held = false;
    this.arm(this.options.firstDelayMs);
  }

  /** Cancels the next round; resolves once a round in progress has ended. */
  async stop(): Promise<void> {
    this.started = false;
    this.disarm();
    await this.running;
  }

  /** Whether a round is waiting for the engine. */
  get waiting(): boolean {
    return this.held;
  }

  private arm(ms: number): void {
    this.disarm();
    this.handle = this.timers.set(() => this.fire(), jittered(ms, this.random));
  }

  private disarm(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
  }

  private fire(): void {
    this.handle = undefined;
    if (!this.started) return;
    if (!this.options.canRun()) {
      this.held = true;
      return;
    }
    this.running = this.options
      .run()
      .catch(() => undefined)
      .finally(() => {
        this.running = undefined;
        if (this.started) this.arm(this.options.intervalMs);
      });
  }
}
