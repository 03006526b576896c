/**
 * Why a log line was not handed to the rules: `removed` — part of a line (a line without its newline, or the lines
 * of a multi-line event still waiting for their end) was held when the container's log became unreadable for good
 * (removed, or dead and marked for removal), so its end can never arrive; `out_of_order` — stamped before a line
 * already taken from the same stream (dockerd 20.10 re-sends a rotated log's newest file when the container exits,
 * or the host's clock stepped back), skipped as a resume would skip it.
 */
export type LogDropReason = 'removed' | 'out_of_order';

/** Containers whose dropped counts are kept after they are gone; the oldest is forgotten past this. */
const MAX_NAMES = 500;

/**
 * Dropped log lines per container name and reason since the agent started. Kept past the container's removal (the
 * drops of a removed container are counted at its removal, when its follow ends), for the last MAX_NAMES names.
 */
export class LogDropCounts {
  private readonly byName = new Map<string, Map<LogDropReason, number>>();

  /** Counts `lines` dropped lines of container `name`. */
  add(name: string, reason: LogDropReason, lines = 1): void {
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
