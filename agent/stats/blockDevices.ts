import { dirname, join } from 'node:path';
import type { BlockDeviceSample } from './containerSample';
import { readOptionalFile } from './optionalFile';

/** IO counters of one device before it is named; `byteOps` are its bytes per kernel operation, when listed. */
export type DeviceIoCounters = {
  readBytes: number;
  writeBytes: number;
  reads: number;
  writes: number;
  byteOps?: readonly (readonly [string, number])[];
};

/** Device names cAdvisor leaves out of its disk map (it then labels them `MAJ:MIN`). */
const UNNAMED_DEVICE_PREFIXES = ['loop', 'ram', 'sr'];

/** The sysfs root next to a cgroup root: the parent of its parent (`/sys/fs/cgroup` → `/sys`, `/host/sys/fs/cgroup` → `/host/sys`). */
export function defaultSysRoot(cgroupRoot: string): string {
  return dirname(dirname(cgroupRoot));
}

/** Takes the device name from a sysfs `uevent` file (`DEVNAME=vda`); undefined when there is none. */
export function parseUeventDevName(text: string): string | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('DEVNAME=')) {
      const name = line.slice('DEVNAME='.length).trim();
      return name === '' ? undefined : name;
    }
  }
  return undefined;
}

/**
 * Names block devices like cAdvisor does (`/dev/vda`), from `${sysRoot}/dev/block/MAJ:MIN/uevent`; falls back to
 * `MAJ:MIN` for devices it cannot name or that cAdvisor skips (loop, ram, sr). Each device is looked up once.
 */
export class BlockDeviceNamer {
  private readonly names = new Map<string, Promise<string>>();

  constructor(private readonly sysRoot: string) {}

  /** The label for the device `MAJ:MIN`. */
  name(majorMinor: string): Promise<string> {
    let name = this.names.get(majorMinor);
    if (!name) {
      name = this.lookUp(majorMinor);
      this.names.set(majorMinor, name);
    }
    return name;
  }

  /** Turns per-device counters keyed by `MAJ:MIN` into named samples (number kept), in the kernel's order. */
  async samples(devices: ReadonlyMap<string, DeviceIoCounters>): Promise<BlockDeviceSample[]> {
    const entries = [...devices];
    const names = await Promise.all(entries.map(([majorMinor]) => this.name(majorMinor)));
    return entries.map(([majorMinor, counters], i) => ({ device: names[i] as string, majorMinor, ...counters }));
  }

  private async lookUp(majorMinor: string): Promise<string> {
    const uevent = await readOptionalFile(join(this.sysRoot, 'dev', 'block', majorMinor, 'uevent'));
    const name = uevent === undefined ? undefined : parseUeventDevName(uevent);
    if (!name || UNNAMED_DEVICE_PREFIXES.some((prefix) => name.startsWith(prefix))) return majorMinor;
    return `/dev/${name}`;
  }
}
