/**
 * Progress steps of a slow command, shown at most once per interval: the first step goes out at once, later ones
 * within the interval are held and only the newest is sent when it ends. Sends never overlap; `close()` drops what is
 * held and waits for the send in flight, so the final reply always comes after the last progress update.
 */
export class ProgressThrottle {
  private lastAt = Number.NEGATIVE_INFINITY;
  private held?: string;
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private sentAny = false;

  constructor(
    private readonly send: (step: string) => Promise<void>,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether any step was sent (the final reply then replaces it). */
  get sent(): boolean {
    return this.sentAny;
  }

  /** A new step. */
  push(step: string): void {
    if (this.closed) return;
    this.held = step;
    const wait = this.lastAt + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Stops: held steps are dropped; resolves once the send in flight (if any) is done. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held = undefined;
    await this.chain;
  }

  private flush(): void {
    this.timer = undefined;
    const step = this.held;
    if (step === undefined || this.closed) return;
    this.held = undefined;
    this.lastAt = this.now();
    this.sentAny = true;
    this.chain = this.chain.then(() => this.send(step)).catch(() => undefined);
  }
}
