import type { ContainerRecord } from '../inventory/containerRecord';
import { BlockDeviceNamer, defaultSysRoot } from './blockDevices';
import { countLines } from './cgroupFileParsers';
import { CgroupPathResolver } from './cgroupPaths';
import { mapInSlices } from './passSlices';
import { parseIoStat } from './cgroupV2Parsers';
import { cpuFromStat, memoryFromFiles, readPressure } from './cgroupV2Readers';
import type { ContainerSample } from './containerSample';
import { HostRootReader, ROOT_FILES } from './hostRootReader';
import { KernelFileReader, type ReadFile } from './kernelFileReader';
import { readContainerNetworkSync } from './procNetDev';
import { readRootCgroupV2 } from './rootCgroupV2';
import type { StatsCollector } from './statsCollector';

/**
 * Where the cgroup v2 collector reads: the cgroup2 mount, `/proc` and `/sys` as seen by the agent, and (for the root
 * container's filesystems) the engine's data root once known.
 */
export type CgroupV2CollectorOptions = {
  cgroupRoot: string;
  procRoot: string;
  sysRoot?: string;
  dataRoot?: () => string | undefined;
};

async function sampleContainer(
  resolver: CgroupPathResolver,
  cgroupRoot: string,
  container: ContainerRecord,
  procRoot: string,
  devices: BlockDeviceNamer,
  files: KernelFileReader,
): Promise<ContainerSample | undefined> {
  const cgroupPath = await resolver.resolve(container);
  if (cgroupPath === undefined) return undefined;
  const read: ReadFile = (path) => files.read(container.id, path);
  const dir = cgroupRoot + cgroupPath;
  const cpuStat = read(`${dir}/cpu.stat`);
  const memory = memoryFromFiles({
    current: read(`${dir}/memory.current`),
    stat: read(`${dir}/memory.stat`),
    swap: read(`${dir}/memory.swap.current`),
    events: read(`${dir}/memory.events`),
    peak: read(`${dir}/memory.peak`),
  });
  const ioStat = read(`${dir}/io.stat`);
  const procs = read(`${dir}/cgroup.procs`);
  const threads = read(`${dir}/cgroup.threads`);
  const pressure = readPressure(read, dir);
  const network = readContainerNetworkSync(procRoot, container, read);
  const cpu = cpuFromStat(cpuStat);
  if (cpu === undefined && memory === undefined) return undefined;
  const sample: ContainerSample = { id: container.id, cgroupPath, timestampMs: Date.now() };
  if (cpu) sample.cpu = cpu;
  if (memory) sample.memory = memory;
  if (network) sample.network = network;
  if (ioStat !== undefined) sample.blkio = await devices.samples(parseIoStat(ioStat));
  if (procs !== undefined) sample.processes = countLines(procs);
  if (threads !== undefined) sample.threads = countLines(threads);
  if (pressure) sample.pressure = pressure;
  return sample;
}

/**
 * Reads container stats straight from cgroup v2 files (cpu.stat, memory.*, io.stat, cgroup.procs/threads) and
 * `/proc/<pid>/net/dev`, with cAdvisor's semantics, and the root container `/` from the root cgroup. Containers
 * whose cgroup is gone are left out. The root's files are held open like a container's.
 */
export function cgroupV2Collector(opts: CgroupV2CollectorOptions): StatsCollector {
  const devices = new BlockDeviceNamer(opts.sysRoot ?? defaultSysRoot(opts.cgroupRoot));
  const resolver = new CgroupPathResolver(opts.cgroupRoot);
  const files = new KernelFileReader();
  const cgroupRoot = opts.cgroupRoot.replace(/\/+$/, '');
  const readRoot: ReadFile = (path) => files.read(ROOT_FILES.id, path);
  const host = new HostRootReader(opts.procRoot, readRoot, opts.dataRoot);
  return {
    name: 'cgroup-v2',
    close: () => files.closeAll(),
    async collect(containers: readonly ContainerRecord[]): Promise<ContainerSample[]> {
      resolver.retainOnly(new Set(containers.map((c) => c.id)));
      files.retain([...containers, ROOT_FILES]);
      const samples = await mapInSlices(containers, (container) =>
        sampleContainer(resolver, cgroupRoot, container, opts.procRoot, devices, files),
      );
      return samples.filter((sample): sample is ContainerSample => sample !== undefined);
    },
    async collectRoot() {
      const cgroup = await readRootCgroupV2(readRoot, cgroupRoot, opts.procRoot, devices);
      return cgroup && host.complete(cgroup);
    },
  };
}
