/** One block device's counters from `/proc/diskstats`, times in milliseconds as the kernel keeps them. */
export type DiskIoCounters = {
  reads: number;
  readsMerged: number;
  sectorsRead: number;
  readMs: number;
  writes: number;
  writesMerged: number;
  sectorsWritten: number;
  writeMs: number;
  ioInProgress: number;
  ioMs: number;
  weightedIoMs: number;
};

/**
 * Parses `/proc/diskstats` (`MAJ MIN name` and at least 11 counters per line) keyed by `MAJ:MIN`; shorter or
 * malformed lines are skipped.
 */
export function parseDiskStats(text: string): Map<string, DiskIoCounters> {
  const devices = new Map<string, DiskIoCounters>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const n = f.slice(3, 14).map(Number);
    if (n.some((v) => Number.isNaN(v))) continue;
    const [reads, readsMerged, sectorsRead, readMs, writes, writesMerged, sectorsWritten, writeMs] = n as number[];
    devices.set(`${f[0]}:${f[1]}`, {
      reads: reads as number,
      readsMerged: readsMerged as number,
      sectorsRead: sectorsRead as number,
      readMs: readMs as number,
      writes: writes as number,
      writesMerged: writesMerged as number,
      sectorsWritten: sectorsWritten as number,
      writeMs: writeMs as number,
      ioInProgress: n[8] as number,
      ioMs: n[9] as number,
      weightedIoMs: n[10] as number,
    });
  }
  return devices;
}
