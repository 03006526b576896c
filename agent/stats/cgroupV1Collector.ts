import type { ContainerRecord } from '../inventory/containerRecord';
import { BlockDeviceNamer, defaultSysRoot } from './blockDevices';
import { CgroupPathResolver } from './cgroupPaths';
import { mapInSlices } from './passSlices';
import { availableBlkioStatFiles, findCgroupV1Layout } from './cgroupV1Layout';
import type { BlkioStatFiles, CgroupV1Layout } from './cgroupV1Layout';
import { readV1Blkio, readV1Cpu, readV1Memory, readV1TaskCounts, type TaskCounts } from './cgroupV1Readers';
import type { ContainerSample } from './containerSample';
import { HostRootReader, ROOT_FILES } from './hostRootReader';
import { KernelFileReader, type ReadFile } from './kernelFileReader';
import { readContainerNetworkSync } from './procNetDev';
import { readRootCgroupV1 } from './rootCgroupV1';
import type { StatsCollector } from './statsCollector';

/**
 * Where the cgroup v1 collector reads: the cgroup mount, `/proc` and `/sys` as seen by the agent, and (for the root
 * container's filesystems) the engine's data root once known.
 */
export type CgroupV1CollectorOptions = {
  cgroupRoot: string;
  procRoot: string;
  sysRoot?: string;
  dataRoot?: () => string | undefined;
};

type V1Context = {
  layout: CgroupV1Layout;
  blkioFiles: BlkioStatFiles[];
  resolver: CgroupPathResolver;
};

async function loadContext(cgroupRoot: string): Promise<V1Context | undefined> {
  const layout = await findCgroupV1Layout(cgroupRoot);
  const probeDir = layout.memory ?? layout.cpuacct ?? layout.cpu;
  if (probeDir === undefined) return undefined;
  const blkioFiles = layout.blkio ? await availableBlkioStatFiles(layout.blkio) : [];
  return { layout, blkioFiles, resolver: new CgroupPathResolver(probeDir) };
}

const NO_COUNTS: TaskCounts = {};

async function sampleContainer(
  context: V1Context,
  container: ContainerRecord,
  procRoot: string,
  devices: BlockDeviceNamer,
  files: KernelFileReader,
): Promise<ContainerSample | undefined> {
  const cgroupPath = await context.resolver.resolve(container);
  if (cgroupPath === undefined) return undefined;
  const read: ReadFile = (path) => files.read(container.id, path);
  const { cpu, cpuacct, memory, blkio, pids } = context.layout;
  const tasksDir = cpu ?? pids ?? memory;
  const cpuSample =
    cpuacct === undefined
      ? undefined
      : readV1Cpu(read, cpuacct + cgroupPath, cpu === undefined ? undefined : cpu + cgroupPath);
  const memorySample = memory === undefined ? undefined : readV1Memory(read, memory + cgroupPath);
  const pendingBlkio =
    blkio === undefined ? undefined : readV1Blkio(read, blkio + cgroupPath, context.blkioFiles, devices);
  const counts = tasksDir === undefined ? NO_COUNTS : readV1TaskCounts(read, tasksDir + cgroupPath);
  const network = readContainerNetworkSync(procRoot, container, read);
  const blkioSamples = pendingBlkio === undefined ? undefined : await pendingBlkio;
  if (cpuSample === undefined && memorySample === undefined) return undefined;
  const sample: ContainerSample = { id: container.id, cgroupPath, timestampMs: Date.now() };
  if (cpuSample) sample.cpu = cpuSample;
  if (memorySample) sample.memory = memorySample;
  if (network) sample.network = network;
  if (blkioSamples) sample.blkio = blkioSamples;
  if (counts.processes !== undefined) sample.processes = counts.processes;
  if (counts.threads !== undefined) sample.threads = counts.threads;
  return sample;
}

/**
 * Reads container stats straight from cgroup v1 files (cpu, cpuacct, memory, blkio hierarchies) and
 * `/proc/<pid>/net/dev`, with cAdvisor's semantics, and the root container `/` from the hierarchy roots. Containers
 * whose cgroup is gone are left out. The root's files are held open like a container's.
 */
export function cgroupV1Collector(opts: CgroupV1CollectorOptions): StatsCollector {
  const devices = new BlockDeviceNamer(opts.sysRoot ?? defaultSysRoot(opts.cgroupRoot));
  const files = new KernelFileReader();
  const readRoot: ReadFile = (path) => files.read(ROOT_FILES.id, path);
  const host = new HostRootReader(opts.procRoot, readRoot, opts.dataRoot);
  let context: V1Context | undefined;
  return {
    name: 'cgroup-v1',
    close: () => files.closeAll(),
    async collect(containers: readonly ContainerRecord[]): Promise<ContainerSample[]> {
      context ??= await loadContext(opts.cgroupRoot);
      if (context === undefined) return [];
      const current = context;
      current.resolver.retainOnly(new Set(containers.map((c) => c.id)));
      files.retain([...containers, ROOT_FILES]);
      const samples = await mapInSlices(containers, (container) =>
        sampleContainer(current, container, opts.procRoot, devices, files),
      );
      return samples.filter((sample): sample is ContainerSample => sample !== undefined);
    },
    async collectRoot() {
      context ??= await loadContext(opts.cgroupRoot);
      if (context === undefined) return undefined;
      const cgroup = await readRootCgroupV1(readRoot, context.layout, context.blkioFiles, devices);
      return cgroup && host.complete(cgroup);
    },
  };
}
