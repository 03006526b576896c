import type { MemorySample } from './containerSample';

/** Copies the memory.stat figures both versions share under different keys (mapped, active/inactive file, faults). */
export function setStatExtras(
  sample: MemorySample,
  stat: ReadonlyMap<string, number>,
  mappedKey: string,
  activeKey: string,
  inactiveFile: number | undefined,
): void {
  const mapped = stat.get(mappedKey);
  if (mapped !== undefined) sample.mappedFileBytes = mapped;
  const active = stat.get(activeKey);
  if (active !== undefined) sample.activeFileBytes = active;
  if (inactiveFile !== undefined) sample.inactiveFileBytes = inactiveFile;
  const pgfault = stat.get('pgfault');
  if (pgfault !== undefined) sample.pgfault = pgfault;
  const pgmajfault = stat.get('pgmajfault');
  if (pgmajfault !== undefined) sample.pgmajfault = pgmajfault;
}
