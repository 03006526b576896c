import type { ContainerRecord } from '../inventory/containerRecord';
import { BlockDeviceNamer, defaultSysRoot } from './blockDevices';
import { countLines, parseFlatKeyed, parseSingleValue } from './cgroupFileParsers';
import { CgroupPathResolver } from './cgroupPaths';
import { mapInSlices } from './passSlices';
import { parseIoStat } from './cgroupV2Parsers';
import type { ContainerSample, CpuSample, MemorySample } from './containerSample';
import { KernelFileReader } from './kernelFileReader';
import { readContainerNetworkSync } from './procNetDev';
import type { StatsCollector } from './statsCollector';

/** Where the cgroup v2 collector reads: the cgroup2 mount, `/proc` and `/sys` as seen by the agent. */
export type CgroupV2CollectorOptions = { cgroupRoot: string; procRoot: string; sysRoot?: string };

const US_PER_SECOND = 1e6;
const NO_VALUES: ReadonlyMap<string, number> = new Map();

function cpuFromStat(text: string | undefined): CpuSample | undefined {
  if (text === undefined) return undefined;
  const stat = parseFlatKeyed(text);
  const usage = stat.get('usage_usec');
  if (usage === undefined) return undefined;
  return {
    usageSeconds: usage / US_PER_SECOND,
    userSeconds: (stat.get('user_usec') ?? 0) / US_PER_SECOND,
    systemSeconds: (stat.get('system_usec') ?? 0) / US_PER_SECOND,
    cfsPeriods: stat.get('nr_periods') ?? 0,
    cfsThrottledPeriods: stat.get('nr_throttled') ?? 0,
    cfsThrottledSeconds: (stat.get('throttled_usec') ?? 0) / US_PER_SECOND,
  };
}

function memoryFromFiles(
  currentText: string | undefined,
  statText: string | undefined,
  swapText: string | undefined,
  eventsText: string | undefined,
): MemorySample | undefined {
  const usage = currentText === undefined ? undefined : parseSingleValue(currentText);
  if (usage === undefined) return undefined;
  const stat = statText === undefined ? NO_VALUES : parseFlatKeyed(statText);
  const events = eventsText === undefined ? NO_VALUES : parseFlatKeyed(eventsText);
  const inactiveFile = stat.get('inactive_file');
  const sample: MemorySample = {
    usageBytes: usage,
    workingSetBytes: inactiveFile === undefined ? usage : Math.max(0, usage - inactiveFile),
    rssBytes: stat.get('anon') ?? 0,
    cacheBytes: stat.get('file') ?? 0,
    swapBytes: (swapText === undefined ? undefined : parseSingleValue(swapText)) ?? 0,
    failcnt: events.get('max') ?? 0,
  };
  const oomKills = events.get('oom_kill');
  if (oomKills !== undefined) sample.oomKills = oomKills;
  return sample;
}

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
  const read = (path: string) => files.read(container.id, path);
  const dir = cgroupRoot + cgroupPath;
  const cpuStat = read(`${dir}/cpu.stat`);
  const current = read(`${dir}/memory.current`);
  const memoryStat = read(`${dir}/memory.stat`);
  const swap = read(`${dir}/memory.swap.current`);
  const events = read(`${dir}/memory.events`);
  const ioStat = read(`${dir}/io.stat`);
  const procs = read(`${dir}/cgroup.procs`);
  const threads = read(`${dir}/cgroup.threads`);
  const network = readContainerNetworkSync(procRoot, container, read);
  const cpu = cpuFromStat(cpuStat);
  const memory = memoryFromFiles(current, memoryStat, swap, events);
  if (cpu === undefined && memory === undefined) return undefined;
  const sample: ContainerSample = { id: container.id, cgroupPath, timestampMs: Date.now() };
  if (cpu) sample.cpu = cpu;
  if (memory) sample.memory = memory;
  if (network) sample.network = network;
  if (ioStat !== undefined) sample.blkio = await devices.samples(parseIoStat(ioStat));
  if (procs !== undefined) sample.processes = countLines(procs);
  if (threads !== undefined) sample.threads = countLines(threads);
  return sample;
}

/**
 * Reads container stats straight from cgroup v2 files (cpu.stat, memory.*, io.stat, cgroup.procs/threads) and
 * `/proc/<pid>/net/dev`, with cAdvisor's semantics. Containers whose cgroup is gone are left out.
 */
export function cgroupV2Collector(opts: CgroupV2CollectorOptions): StatsCollector {
  const devices = new BlockDeviceNamer(opts.sysRoot ?? defaultSysRoot(opts.cgroupRoot));
  const resolver = new CgroupPathResolver(opts.cgroupRoot);
  const files = new KernelFileReader();
  const cgroupRoot = opts.cgroupRoot.replace(/\/+$/, '');
  return {
    name: 'cgroup-v2',
    close: () => files.closeAll(),
    async collect(containers: readonly ContainerRecord[]): Promise<ContainerSample[]> {
      resolver.retainOnly(new Set(containers.map((c) => c.id)));
      files.retain(containers);
      const samples = await mapInSlices(containers, (container) =>
        sampleContainer(resolver, cgroupRoot, container, opts.procRoot, devices, files),
      );
      return samples.filter((sample): sample is ContainerSample => sample !== undefined);
    },
  };
}
