/** Longest log line a live tail shows; longer ones are cut and end in `…`. */
export const MAX_LIVE_LINE_CHARS = 500;

/** What a line costs in a message (its rendered length plus its newline); renderers pass their own. */
export type LineCost = (line: string) => number;

/** The plain cost of a line: its length and a newline. */
export const plainCost: LineCost = (line) => line.length + 1;

/** A line cut to at most `max` characters (code points kept whole), ending in `…` when cut. */
export function cutLine(text: string, max = MAX_LIVE_LINE_CHARS): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * The newest lines whose costs add up to at most `budget` (oldest first), and how many older ones did not fit:
 * a live tail shows the latest lines and says how many it skipped rather than falling behind.
 */
export function fitNewest(
  lines: readonly string[],
  budget: number,
  cost: LineCost,
): { lines: string[]; dropped: number } {
  let used = 0;
  let first = lines.length;
  while (first > 0) {
    const next = cost(lines[first - 1] as string);
    if (used + next > budget) break;
    used += next;
    first -= 1;
  }
  return { lines: lines.slice(first), dropped: first };
}

/**
 * The window of a message that is edited as lines come (Discord): the lines shown so far followed by the new ones,
 * keeping the newest that fit in `budget`.
 */
export function scrollWindow(
  shown: readonly string[],
  added: readonly string[],
  budget: number,
  cost: LineCost,
): string[] {
  return fitNewest([...shown, ...added], budget, cost).lines;
}

/** `N lines skipped` (singular for one), the note a live tail shows where it dropped lines. */
export function skippedNote(count: number): string {
  return `… ${count} line${count === 1 ? '' : 's'} skipped`;
}
