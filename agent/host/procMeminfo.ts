/**
 * Parses `/proc/meminfo` (`MemTotal:  16384 kB`) into bytes per field; fields without a unit (`HugePages_Total`)
 * keep their plain count. Lines that do not parse are skipped.
 */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const parts = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const value = Number(parts[0]);
    if (parts[0] === '' || Number.isNaN(value)) continue;
    fields.set(line.slice(0, colon), parts[1] === 'kB' ? value * 1024 : value);
  }
  return fields;
}

/**
 * What the cgroup v2 root lacks and runc (so cAdvisor) takes from meminfo instead: memory in use is MemTotal −
 * MemFree, swap in use SwapTotal − SwapFree. Undefined without MemTotal.
 */
export function meminfoUsage(
  meminfo: ReadonlyMap<string, number>,
): { usageBytes: number; swapBytes: number } | undefined {
  const total = meminfo.get('MemTotal');
  if (total === undefined) return undefined;
  const swapTotal = meminfo.get('SwapTotal') ?? 0;
  return {
    usageBytes: total - (meminfo.get('MemFree') ?? 0),
    swapBytes: Math.max(0, swapTotal - (meminfo.get('SwapFree') ?? swapTotal)),
  };
}
