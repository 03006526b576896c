/** Whether one more command fits, and if not, when the next one will. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** A sliding-window limit per key (per user): at most `limit` commands in any `windowMs`. */
export class RateLimiter {
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts one command for `key` when it fits; refused ones do not count. */
  take(key: string): RateDecision {
    const now = this.now();
    const recent = (this.times.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.times.set(key, recent);
      return { allowed: false, retryAfterMs: (recent[0] as number) + this.windowMs - now };
    }
    recent.push(now);
    this.times.set(key, recent);
    return { allowed: true };
  }
}
