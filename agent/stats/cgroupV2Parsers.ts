import type { DeviceIoCounters } from './blockDevices';

/** io.stat keys holding bytes, named as runc (and so cAdvisor) names the operations. */
const BYTE_OPS: Readonly<Record<string, string>> = { rbytes: 'Read', wbytes: 'Write', dbytes: 'Discard' };

/**
 * Parses cgroup v2 `io.stat`: one line per device, `MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N`
 * (keys the kernel adds later are ignored). Keyed by `MAJ:MIN`; bytes per operation are kept for
 * `container_blkio_device_usage_total`.
 */
export function parseIoStat(text: string): Map<string, DeviceIoCounters> {
  const devices = new Map<string, DeviceIoCounters>();
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const device = fields[0];
    if (!device || device.indexOf(':') === -1) continue;
    const counters: DeviceIoCounters = { readBytes: 0, writeBytes: 0, reads: 0, writes: 0 };
    const byteOps: [string, number][] = [];
    for (let i = 1; i < fields.length; i++) {
      const field = fields[i] as string;
      const eq = field.indexOf('=');
      if (eq === -1) continue;
      const key = field.slice(0, eq);
      const value = Number(field.slice(eq + 1)) || 0;
      const op = BYTE_OPS[key];
      if (op) byteOps.push([op, value]);
      switch (key) {
        case 'rbytes':
          counters.readBytes = value;
          break;
        case 'wbytes':
          counters.writeBytes = value;
          break;
        case 'rios':
          counters.reads = value;
          break;
        case 'wios':
          counters.writes = value;
          break;
      }
    }
    if (byteOps.length > 0) counters.byteOps = byteOps;
    devices.set(device, counters);
  }
  return devices;
}
