const DAY_MS = 24 * 3_600_000;

type Failing = { count: number; skip: number; message: string };

/**
 * Backoff of image references whose check failed: after the n-th failure in a row the next 2^(n-1) - 1 rounds skip it
 * (never more than a day's worth of rounds), and only the 1st, 2nd, 4th, 8th, … failure (or a new message) is worth a
 * warning; the others are logged at debug level.
 */
export class UpdateBackoff {
  private readonly failing = new Map<string, Failing>();

  constructor(private readonly intervalMs: () => number) {}

  /** Whether this round skips `ref` (and counts the skip). */
  skip(ref: string): boolean {
    const f = this.failing.get(ref);
    if (!f || f.skip <= 0) return false;
    f.skip--;
    return true;
  }

  /** Records a failure; returns whether it deserves a warning and how many failures in a row it makes. */
  failed(ref: string, message: string): { warn: boolean; count: number } {
    const prev = this.failing.get(ref);
    const count = (prev?.count ?? 0) + 1;
    const maxSkip = Math.max(0, Math.floor(DAY_MS / Math.max(1, this.intervalMs())) - 1);
    const skip = Math.min(2 ** Math.min(count - 1, 20) - 1, maxSkip);
    this.failing.set(ref, { count, skip, message });
    const warn = (count & (count - 1)) === 0 || prev?.message !== message;
    return { warn, count };
  }

  /** Records a success; returns how many failures in a row it ends (0 when it was not failing). */
  succeeded(ref: string): number {
    const count = this.failing.get(ref)?.count ?? 0;
    this.failing.delete(ref);
    return count;
  }

  /** Forgets references no running container uses any more. */
  retain(refs: ReadonlySet<string>): void {
    for (const ref of this.failing.keys()) if (!refs.has(ref)) this.failing.delete(ref);
  }
}
