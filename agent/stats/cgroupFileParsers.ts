/**
 * Parses a flat-keyed cgroup file (one `key value` pair per line: memory.stat, cpu.stat, cpuacct.stat,
 * memory.events, memory.oom_control). Lines whose value is not a number are skipped.
 */
export function parseFlatKeyed(text: string): Map<string, number> {
  const values = new Map<string, number>();
  const length = text.length;
  let start = 0;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    const space = text.indexOf(' ', start);
    if (space > start && space < end) {
      const value = Number(text.slice(space + 1, end));
      if (!Number.isNaN(value)) values.set(text.slice(start, space), value);
    }
    start = end + 1;
  }
  return values;
}

/** Parses a single-value cgroup file (`memory.current`, `cpuacct.usage`); undefined when empty or not a number (`max`). */
export function parseSingleValue(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isNaN(value) ? undefined : value;
}

/** Counts the non-empty lines of a one-entry-per-line file (`cgroup.procs`, `tasks`, `cgroup.threads`). */
export function countLines(text: string): number {
  let count = 0;
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    if (end > start) count++;
    start = end + 1;
  }
  return count;
}
