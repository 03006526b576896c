/** Capped exponential backoff with jitter, for reconnecting to the engine and retrying endpoints. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly minMs = 500,
    private readonly maxMs = 30_000,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; grows 2x per call up to the cap, with ±20% jitter. */
  next(): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  /** Starts over after a success. */
  reset(): void {
    this.attempt = 0;
  }
}
