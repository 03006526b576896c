import type { ContainerRecord } from '../inventory/containerRecord';
import { BlockDeviceNamer, defaultSysRoot } from './blockDevices';
import type { DeviceIoCounters } from './blockDevices';
import { countLines, parseFlatKeyed, parseSingleValue } from './cgroupFileParsers';
import { CgroupPathResolver } from './cgroupPaths';
import { mapInSlices } from './passSlices';
import { parseBlkioRwstat } from './cgroupV1Parsers';
import { availableBlkioStatFiles, findCgroupV1Layout } from './cgroupV1Layout';
import type { BlkioStatFiles, CgroupV1Layout } from './cgroupV1Layout';
import type { BlockDeviceSample, ContainerSample, CpuSample, MemorySample } from './containerSample';
import { KernelFileReader } from './kernelFileReader';
import { readContainerNetworkSync } from './procNetDev';
import type { StatsCollector } from './statsCollector';

/** Where the cgroup v1 collector reads: the cgroup mount, `/proc` and `/sys` as seen by the agent. */
export type CgroupV1CollectorOptions = { cgroupRoot: string; procRoot: string; sysRoot?: string };

/** Kernel clock ticks per second in `cpuacct.stat` (USER_HZ; runc, and so cAdvisor, assumes 100). */
const USER_HZ = 100;
const NS_PER_SECOND = 1e9;
const NO_VALUES: ReadonlyMap<string, number> = new Map();

/** Reads one kernel file of the container being sampled; undefined when missing. */
type ReadFile = (path: string) => string | undefined;

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

function readCpu(read: ReadFile, cpuacctDir: string, cpuDir: string | undefined): CpuSample | undefined {
  const usageText = read(`${cpuacctDir}/cpuacct.usage`);
  const ticksText = read(`${cpuacctDir}/cpuacct.stat`);
  const cfsText = cpuDir === undefined ? undefined : read(`${cpuDir}/cpu.stat`);
  const usageNs = usageText === undefined ? undefined : parseSingleValue(usageText);
  if (usageNs === undefined) return undefined;
  const ticks = ticksText === undefined ? NO_VALUES : parseFlatKeyed(ticksText);
  const cfs = cfsText === undefined ? NO_VALUES : parseFlatKeyed(cfsText);
  return {
    usageSeconds: usageNs / NS_PER_SECOND,
    userSeconds: (ticks.get('user') ?? 0) / USER_HZ,
    systemSeconds: (ticks.get('system') ?? 0) / USER_HZ,
    cfsPeriods: cfs.get('nr_periods') ?? 0,
    cfsThrottledPeriods: cfs.get('nr_throttled') ?? 0,
    cfsThrottledSeconds: (cfs.get('throttled_time') ?? 0) / NS_PER_SECOND,
  };
}

function readMemory(read: ReadFile, memoryDir: string): MemorySample | undefined {
  const usageText = read(`${memoryDir}/memory.usage_in_bytes`);
  const usage = usageText === undefined ? undefined : parseSingleValue(usageText);
  if (usage === undefined) return undefined;
  const statText = read(`${memoryDir}/memory.stat`);
  const failcntText = read(`${memoryDir}/memory.failcnt`);
  const oomText = read(`${memoryDir}/memory.oom_control`);
  const stat = statText === undefined ? NO_VALUES : parseFlatKeyed(statText);
  const inactiveFile = stat.get('total_inactive_file');
  let swap = stat.get('total_swap');
  if (swap === undefined) {
    const memswText = read(`${memoryDir}/memory.memsw.usage_in_bytes`);
    const memsw = memswText === undefined ? undefined : parseSingleValue(memswText);
    swap = memsw === undefined ? 0 : Math.max(0, memsw - usage);
  }
  const sample: MemorySample = {
    usageBytes: usage,
    workingSetBytes: inactiveFile === undefined ? usage : Math.max(0, usage - inactiveFile),
    rssBytes: stat.get('total_rss') ?? 0,
    cacheBytes: stat.get('total_cache') ?? 0,
    swapBytes: swap,
    failcnt: (failcntText === undefined ? undefined : parseSingleValue(failcntText)) ?? 0,
  };
  const oomKills = oomText === undefined ? undefined : parseFlatKeyed(oomText).get('oom_kill');
  if (oomKills !== undefined) sample.oomKills = oomKills;
  return sample;
}

function readBlkio(
  read: ReadFile,
  blkioDir: string,
  files: readonly BlkioStatFiles[],
  devices: BlockDeviceNamer,
): Promise<BlockDeviceSample[]> | undefined {
  let readAny = false;
  for (const { serviced, bytes } of files) {
    const servicedText = read(`${blkioDir}/${serviced}`);
    if (servicedText === undefined) continue;
    readAny = true;
    const ios = parseBlkioRwstat(servicedText);
    if (ios.size === 0) continue;
    const bytesText = read(`${blkioDir}/${bytes}`);
    const byteCounts = bytesText === undefined ? new Map() : parseBlkioRwstat(bytesText);
    const counters = new Map<string, DeviceIoCounters>();
    for (const [device, { read, write }] of ios) {
      const deviceBytes = byteCounts.get(device);
      counters.set(device, {
        readBytes: deviceBytes?.read ?? 0,
        writeBytes: deviceBytes?.write ?? 0,
        reads: read,
        writes: write,
      });
    }
    for (const [device, { read, write }] of byteCounts) {
      if (!counters.has(device)) counters.set(device, { readBytes: read, writeBytes: write, reads: 0, writes: 0 });
    }
    return devices.samples(counters);
  }
  return readAny ? Promise.resolve([]) : undefined;
}

type TaskCounts = { processes?: number; threads?: number };
const NO_COUNTS: TaskCounts = {};

function readTaskCounts(read: ReadFile, dir: string): TaskCounts {
  const procs = read(`${dir}/cgroup.procs`);
  const tasks = read(`${dir}/tasks`);
  return {
    processes: procs === undefined ? undefined : countLines(procs),
    threads: tasks === undefined ? undefined : countLines(tasks),
  };
}

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
      : readCpu(read, cpuacct + cgroupPath, cpu === undefined ? undefined : cpu + cgroupPath);
  const memorySample = memory === undefined ? undefined : readMemory(read, memory + cgroupPath);
  const pendingBlkio =
    blkio === undefined ? undefined : readBlkio(read, blkio + cgroupPath, context.blkioFiles, devices);
  const counts = tasksDir === undefined ? NO_COUNTS : readTaskCounts(read, tasksDir + cgroupPath);
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
 * `/proc/<pid>/net/dev`, with cAdvisor's semantics. Containers whose cgroup is gone are left out.
 */
export function cgroupV1Collector(opts: CgroupV1CollectorOptions): StatsCollector {
  const devices = new BlockDeviceNamer(opts.sysRoot ?? defaultSysRoot(opts.cgroupRoot));
  const files = new KernelFileReader();
  let context: V1Context | undefined;
  return {
    name: 'cgroup-v1',
    close: () => files.closeAll(),
    async collect(containers: readonly ContainerRecord[]): Promise<ContainerSample[]> {
      context ??= await loadContext(opts.cgroupRoot);
      if (context === undefined) return [];
      const current = context;
      current.resolver.retainOnly(new Set(containers.map((c) => c.id)));
      files.retain(containers);
      const samples = await mapInSlices(containers, (container) =>
        sampleContainer(current, container, opts.procRoot, devices, files),
      );
      return samples.filter((sample): sample is ContainerSample => sample !== undefined);
    },
  };
}
