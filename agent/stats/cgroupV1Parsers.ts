/** Read and write counts of one device from a v1 blkio rwstat file, and every operation as listed. */
export type BlkioReadWrite = { read: number; write: number; ops: [string, number][] };

/**
 * Parses a v1 blkio rwstat file (`blkio.throttle.io_service_bytes`, `blkio.io_serviced_recursive`, …): lines
 * `MAJ:MIN Op value` per `MAJ:MIN`, with `Read` and `Write` picked out and every op (`Sync`, `Async`, `Discard`,
 * `Total` too) kept in order; the trailing `Total N` line is skipped. An empty map means no per-device entry.
 */
export function parseBlkioRwstat(text: string): Map<string, BlkioReadWrite> {
  const devices = new Map<string, BlkioReadWrite>();
  for (const line of text.split('\n')) {
    const first = line.indexOf(' ');
    if (first <= 0) continue;
    const second = line.indexOf(' ', first + 1);
    if (second === -1) continue;
    const device = line.slice(0, first);
    if (device.indexOf(':') === -1) continue;
    const op = line.slice(first + 1, second);
    let entry = devices.get(device);
    if (!entry) {
      entry = { read: 0, write: 0, ops: [] };
      devices.set(device, entry);
    }
    const value = Number(line.slice(second + 1)) || 0;
    entry.ops.push([op, value]);
    if (op === 'Read') entry.read = value;
    else if (op === 'Write') entry.write = value;
  }
  return devices;
}
