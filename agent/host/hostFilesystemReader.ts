import { join } from 'node:path';
import { parseDiskStats, type DiskIoCounters } from './diskStats';
import { statFilesystem, type FilesystemUsage } from './filesystemUsage';
import { hostFilesystems, mountOf, parseMountInfo, type HostFilesystem, type MountEntry } from './mountInfo';
import { readOptionalFileSync } from '../stats/optionalFile';

/** One host filesystem as the root container reports it: statfs figures and, for a block device, its IO. */
export type FilesystemSample = FilesystemUsage & { device: string; majorMinor: string; io?: DiskIoCounters };

/** The host's filesystems in one pass, and which of them holds the engine's data root (where writable layers live). */
export type HostFilesystemsSample = { filesystems: FilesystemSample[]; dataRootDevice?: string };

/** How the host's mount points are reached from here; `undefined` until the first read finds out, `null` when they cannot be. */
type MountPrefix = string | null | undefined;

/**
 * Reads the host's filesystems for the root container: the mount table of PID 1 (`<procRoot>/1/mountinfo`),
 * statfs(2) of each filesystem cAdvisor would list, and `<procRoot>/diskstats`. Mount points are reached through
 * `<procRoot>/1/root` (which works from a container with the host's /proc and CAP_SYS_PTRACE), or directly when
 * this process shares PID 1's mount namespace; otherwise no filesystem is reported. Kernel files go through `read`
 * (the collectors' pread reader); the parsed mount table is kept while its text is unchanged.
 */
export class HostFilesystemReader {
  private prefix: MountPrefix;
  private mountText = '';
  private mounts: MountEntry[] = [];
  private filesystems: HostFilesystem[] = [];

  constructor(
    private readonly procRoot: string,
    private readonly read: (path: string) => string | undefined,
  ) {}

  /** The host's filesystems now; `dataRoot` is the engine's data directory (`/var/lib/docker`) when known. */
  sample(dataRoot?: string): HostFilesystemsSample | undefined {
    const text = this.read(join(this.procRoot, '1', 'mountinfo'));
    if (text === undefined) return undefined;
    if (text !== this.mountText) {
      this.mountText = text;
      this.mounts = parseMountInfo(text);
      this.filesystems = hostFilesystems(this.mounts);
    }
    const prefix = this.mountPrefix(text);
    if (prefix === null) return undefined;
    const diskText = this.read(join(this.procRoot, 'diskstats'));
    const disks = diskText === undefined ? undefined : parseDiskStats(diskText);
    const filesystems: FilesystemSample[] = [];
    for (const fs of this.filesystems) {
      const usage = statFilesystem(prefix + fs.mountPoint);
      if (!usage) continue;
      const sample: FilesystemSample = { ...usage, device: fs.device, majorMinor: fs.majorMinor };
      const io = disks?.get(fs.majorMinor);
      if (io) sample.io = io;
      filesystems.push(sample);
    }
    const out: HostFilesystemsSample = { filesystems };
    const holder = dataRoot === undefined ? undefined : mountOf(this.mounts, dataRoot);
    if (holder && filesystems.some((f) => f.device === holder.source)) out.dataRootDevice = holder.source;
    return out;
  }

  private mountPrefix(pid1Mounts: string): string | null {
    if (this.prefix !== undefined) return this.prefix;
    const viaPid1 = join(this.procRoot, '1', 'root');
    if (statFilesystem(viaPid1)) this.prefix = viaPid1 === '/' ? '' : viaPid1;
    else this.prefix = readOptionalFileSync('/proc/self/mountinfo') === pid1Mounts ? '' : null;
    return this.prefix;
  }
}
