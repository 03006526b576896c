import type { BlockDeviceNamer, DeviceIoCounters } from './blockDevices';
import { countLines, parseFlatKeyed, parseSingleValue } from './cgroupFileParsers';
import type { BlkioStatFiles } from './cgroupV1Layout';
import { parseBlkioRwstat, type BlkioReadWrite } from './cgroupV1Parsers';
import type { BlockDeviceSample, CpuSample, MemorySample } from './containerSample';
import type { ReadFile } from './kernelFileReader';
import { setStatExtras } from './memoryStatExtras';

/** Kernel clock ticks per second in `cpuacct.stat` (USER_HZ; runc, and so cAdvisor, assumes 100). */
const USER_HZ = 100;
const NS_PER_SECOND = 1e9;
const NO_VALUES: ReadonlyMap<string, number> = new Map();

function readNumber(read: ReadFile, path: string): number | undefined {
  const text = read(path);
  return text === undefined ? undefined : parseSingleValue(text);
}

/** CPU counters of a v1 cgroup from cpuacct (usage, user/system ticks) and cpu (CFS throttling and bursts). */
export function readV1Cpu(read: ReadFile, cpuacctDir: string, cpuDir: string | undefined): CpuSample | undefined {
  const usageNs = readNumber(read, `${cpuacctDir}/cpuacct.usage`);
  if (usageNs === undefined) return undefined;
  const ticksText = read(`${cpuacctDir}/cpuacct.stat`);
  const cfsText = cpuDir === undefined ? undefined : read(`${cpuDir}/cpu.stat`);
  const ticks = ticksText === undefined ? NO_VALUES : parseFlatKeyed(ticksText);
  const cfs = cfsText === undefined ? NO_VALUES : parseFlatKeyed(cfsText);
  const sample: CpuSample = {
    usageSeconds: usageNs / NS_PER_SECOND,
    userSeconds: (ticks.get('user') ?? 0) / USER_HZ,
    systemSeconds: (ticks.get('system') ?? 0) / USER_HZ,
    cfsPeriods: cfs.get('nr_periods') ?? 0,
    cfsThrottledPeriods: cfs.get('nr_throttled') ?? 0,
    cfsThrottledSeconds: (cfs.get('throttled_time') ?? 0) / NS_PER_SECOND,
  };
  const bursts = cfs.get('nr_bursts');
  if (bursts !== undefined) {
    sample.cfsBurstPeriods = bursts;
    sample.cfsBurstSeconds = (cfs.get('burst_time') ?? 0) / NS_PER_SECOND;
  }
  return sample;
}

/** Memory figures of a v1 cgroup with cAdvisor's semantics (hierarchical `total_*` counters of memory.stat). */
export function readV1Memory(read: ReadFile, memoryDir: string): MemorySample | undefined {
  const usage = readNumber(read, `${memoryDir}/memory.usage_in_bytes`);
  if (usage === undefined) return undefined;
  const statText = read(`${memoryDir}/memory.stat`);
  const oomText = read(`${memoryDir}/memory.oom_control`);
  const stat = statText === undefined ? NO_VALUES : parseFlatKeyed(statText);
  const inactiveFile = stat.get('total_inactive_file');
  let swap = stat.get('total_swap');
  if (swap === undefined) {
    const memsw = readNumber(read, `${memoryDir}/memory.memsw.usage_in_bytes`);
    swap = memsw === undefined ? 0 : Math.max(0, memsw - usage);
  }
  const sample: MemorySample = {
    usageBytes: usage,
    workingSetBytes: inactiveFile === undefined ? usage : Math.max(0, usage - inactiveFile),
    rssBytes: stat.get('total_rss') ?? 0,
    cacheBytes: stat.get('total_cache') ?? 0,
    swapBytes: swap,
    failcnt: readNumber(read, `${memoryDir}/memory.failcnt`) ?? 0,
  };
  const oomKills = oomText === undefined ? undefined : parseFlatKeyed(oomText).get('oom_kill');
  if (oomKills !== undefined) sample.oomKills = oomKills;
  const maxUsage = readNumber(read, `${memoryDir}/memory.max_usage_in_bytes`);
  if (maxUsage !== undefined) sample.maxUsageBytes = maxUsage;
  const kernel = readNumber(read, `${memoryDir}/memory.kmem.usage_in_bytes`);
  if (kernel !== undefined) sample.kernelBytes = kernel;
  setStatExtras(sample, stat, 'total_mapped_file', 'total_active_file', inactiveFile);
  return sample;
}

/**
 * Block IO of a v1 cgroup from the first blkio file pair that lists a device (see BLKIO_STAT_FILES); undefined
 * when none of the files exists, an empty list when they list no device.
 */
export function readV1Blkio(
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
    const byteCounts: Map<string, BlkioReadWrite> = bytesText === undefined ? new Map() : parseBlkioRwstat(bytesText);
    const counters = new Map<string, DeviceIoCounters>();
    for (const [device, { read, write }] of ios) {
      const deviceBytes = byteCounts.get(device);
      counters.set(device, {
        readBytes: deviceBytes?.read ?? 0,
        writeBytes: deviceBytes?.write ?? 0,
        reads: read,
        writes: write,
        ...(deviceBytes ? { byteOps: deviceBytes.ops } : {}),
      });
    }
    for (const [device, { read, write, ops }] of byteCounts) {
      if (!counters.has(device)) {
        counters.set(device, { readBytes: read, writeBytes: write, reads: 0, writes: 0, byteOps: ops });
      }
    }
    return devices.samples(counters);
  }
  return readAny ? Promise.resolve([]) : undefined;
}

/** Processes and threads of a cgroup (`cgroup.procs`, `tasks`); a count is absent when its file is. */
export type TaskCounts = { processes?: number; threads?: number };

/** Counts the processes and threads of a v1 cgroup directory. */
export function readV1TaskCounts(read: ReadFile, dir: string): TaskCounts {
  const procs = read(`${dir}/cgroup.procs`);
  const tasks = read(`${dir}/tasks`);
  return {
    processes: procs === undefined ? undefined : countLines(procs),
    threads: tasks === undefined ? undefined : countLines(tasks),
  };
}
