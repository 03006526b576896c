import type { Logger } from '../../../shared/logger';

/** At most one progress edit per this many ms (Discord rate-limits message edits). */
export const PROGRESS_EDIT_INTERVAL_MS = 1000;

/**
 * The steps of a slow command shown by editing its deferred reply, at most one edit per interval: steps arriving in
 * between are shown together by the next edit. `finish` cancels a pending edit and waits for one in flight, so the
 * final reply is never overwritten by a late progress edit.
 */
export class ProgressEdits {
  private readonly steps: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastEditAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> = Promise.resolve();
  private finished = false;

  constructor(
    private readonly edit: (steps: readonly string[]) => Promise<unknown>,
    private readonly logger: Logger,
    private readonly intervalMs = PROGRESS_EDIT_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a step and schedules an edit. */
  step(step: string): void {
    if (this.finished) return;
    this.steps.push(step);
    if (this.timer) return;
    const wait = Math.max(0, this.lastEditAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Stops editing; resolves once no progress edit is in flight. */
  async finish(): Promise<void> {
    this.finished = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private flush(): void {
    this.timer = undefined;
    if (this.finished) return;
    this.lastEditAt = this.now();
    const shown = [...this.steps];
    this.inFlight = this.inFlight
      .then(() => this.edit(shown))
      .then(
        () => undefined,
        (err: unknown) => {
          this.logger.warn('discord progress edit failed', { error: err instanceof Error ? err.message : String(err) });
        },
      );
  }
}
