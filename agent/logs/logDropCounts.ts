/**
 * Why a log line was not handed to the rules: `removed` — part of a line (a line without its newline, or the lines
 * of a multi-line event still waiting for their end) was held when the container's log became unreadable for good
 * (removed, or dead and marked for removal), so its end can never arrive.
 */
export type LogDropReason = 'removed';

/** Every {@link LogDropReason}, in the order /metrics lists them. */
export const LOG_DROP_REASONS: readonly LogDropReason[] = ['removed'];

/** Containers whose dropped counts are kept after they are gone; the oldest is forgotten past this. */
const MAX_NAMES = 500;

/**
 * Dropped log lines per container name and reason since the agent started. Kept past the container's removal (the
 * drops of a removed container are counted at its removal, when its follow ends), for the last MAX_NAMES names.
 */
export class LogDropCounts {
  private readonly byName = new Map<string, Map<LogDropReason, number>>();

  /** Counts `lines` dropped lines of container `name`. */
  add(name: string, reason: LogDropReason, lines: number): void {
    if (lines <= 0) return;
    let counts = this.byName.get(name);
    if (counts) this.byName.delete(name);
    else counts = new Map();
    counts.set(reason, (counts.get(reason) ?? 0) + lines);
    this.byName.set(name, counts);
    if (this.byName.size > MAX_NAMES) this.byName.delete(this.byName.keys().next().value as string);
  }

  /** Every count, one per name and reason. */
  list(): { container: string; reason: LogDropReason; lines: number }[] {
    const out = [];
    for (const [container, counts] of this.byName) {
      for (const [reason, lines] of counts) out.push({ container, reason, lines });
    }
    return out;
  }
}
