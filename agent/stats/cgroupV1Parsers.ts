/** Read and write counts of one device from a v1 blkio rwstat file. */
export type BlkioReadWrite = { read: number; write: number };

/**
 * Parses a v1 blkio rwstat file (`blkio.throttle.io_service_bytes`, `blkio.io_serviced_recursive`, …): lines
 * `MAJ:MIN Op value`, keeping the `Read` and `Write` ops per `MAJ:MIN` and skipping `Sync`, `Async`, `Discard`,
 * `Total` and the trailing `Total N` line. An empty map means the file holds no per-device entry.
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
      entry = { read: 0, write: 0 };
      devices.set(device, entry);
    }
    if (op === 'Read') entry.read = Number(line.slice(second + 1)) || 0;
    else if (op === 'Write') entry.write = Number(line.slice(second + 1)) || 0;
  }
  return devices;
}
