/** The boot time from `/proc/stat` (`btime <seconds since the epoch>`); undefined when absent. */
export function parseBootTime(text: string): number | undefined {
  const match = /^btime\s+(\d+)\s*$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}
