import { join } from 'node:path';
import { HostFilesystemReader } from '../host/hostFilesystemReader';
import { parseBootTime } from '../host/procStat';
import type { ReadFile } from './kernelFileReader';
import { parseProcNetDev } from './procNetDev';
import type { RootCgroupSample, RootSample } from './rootSample';

/** The key the root's files are held under in the collectors' KernelFileReader (PID 1 never changes). */
export const ROOT_FILES = Object.freeze({ id: '/', pid: 1 });

/**
 * Completes the root cgroup's sample with what cAdvisor adds for `id="/"`: the interfaces of the host's network
 * namespace (`<procRoot>/1/net/dev`, lo, veth*, docker* and nerdctl* left out as for every container), the host's
 * filesystems by device, and the boot time as its start time. Files go through the collector's pread reader.
 */
export class HostRootReader {
  private readonly filesystems: HostFilesystemReader;
  private bootTime: number | undefined;

  constructor(
    private readonly procRoot: string,
    private readonly read: ReadFile,
    private readonly dataRoot: () => string | undefined = () => undefined,
  ) {
    this.filesystems = new HostFilesystemReader(procRoot, read);
  }

  /** The root container from this pass's root cgroup reading. */
  complete(cgroup: RootCgroupSample): RootSample {
    const sample: RootSample = { id: '/', cgroupPath: '/', timestampMs: Date.now(), ...cgroup };
    const netDev = this.read(join(this.procRoot, '1', 'net', 'dev'));
    if (netDev !== undefined) sample.network = parseProcNetDev(netDev);
    const fs = this.filesystems.sample(this.dataRoot());
    if (fs) {
      sample.filesystems = fs.filesystems;
      if (fs.dataRootDevice !== undefined) sample.dataRootDevice = fs.dataRootDevice;
    }
    this.bootTime ??= this.readBootTime();
    if (this.bootTime !== undefined) sample.startTimeSeconds = this.bootTime;
    return sample;
  }

  private readBootTime(): number | undefined {
    const text = this.read(join(this.procRoot, 'stat'));
    return text === undefined ? undefined : parseBootTime(text);
  }
}
