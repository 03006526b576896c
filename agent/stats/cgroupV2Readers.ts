import { parseFlatKeyed, parseSingleValue } from './cgroupFileParsers';
import { setStatExtras } from './memoryStatExtras';
import type { CpuSample, MemorySample, PressureSample } from './containerSample';
import type { ReadFile } from './kernelFileReader';
import { parsePressure } from './pressureParser';

const US_PER_SECOND = 1e6;
const NO_VALUES: ReadonlyMap<string, number> = new Map();

/** CPU counters of a v2 cgroup from `cpu.stat` (microseconds), throttling and bursts included when listed. */
export function cpuFromStat(text: string | undefined): CpuSample | undefined {
  if (text === undefined) return undefined;
  const stat = parseFlatKeyed(text);
  const usage = stat.get('usage_usec');
  if (usage === undefined) return undefined;
  const sample: CpuSample = {
    usageSeconds: usage / US_PER_SECOND,
    userSeconds: (stat.get('user_usec') ?? 0) / US_PER_SECOND,
    systemSeconds: (stat.get('system_usec') ?? 0) / US_PER_SECOND,
    cfsPeriods: stat.get('nr_periods') ?? 0,
    cfsThrottledPeriods: stat.get('nr_throttled') ?? 0,
    cfsThrottledSeconds: (stat.get('throttled_usec') ?? 0) / US_PER_SECOND,
  };
  const bursts = stat.get('nr_bursts');
  if (bursts !== undefined) {
    sample.cfsBurstPeriods = bursts;
    sample.cfsBurstSeconds = (stat.get('burst_usec') ?? 0) / US_PER_SECOND;
  }
  return sample;
}

/** The v2 memory files of one cgroup, each undefined when missing. */
export type V2MemoryFiles = {
  current?: string;
  stat?: string;
  swap?: string;
  events?: string;
  peak?: string;
};

/**
 * Memory figures of a v2 cgroup with cAdvisor's semantics: usage from memory.current (or `usageBytes` given by the
 * caller, for the root, which has none), working set = usage − inactive_file, rss = anon, cache = file, failcnt
 * and oom kills from memory.events, max usage from memory.peak.
 */
export function memoryFromFiles(
  files: V2MemoryFiles,
  given?: { usageBytes: number; swapBytes: number },
): MemorySample | undefined {
  const usage = files.current === undefined ? given?.usageBytes : parseSingleValue(files.current);
  if (usage === undefined) return undefined;
  const stat = files.stat === undefined ? NO_VALUES : parseFlatKeyed(files.stat);
  const events = files.events === undefined ? NO_VALUES : parseFlatKeyed(files.events);
  const inactiveFile = stat.get('inactive_file');
  const swap = files.swap === undefined ? given?.swapBytes : parseSingleValue(files.swap);
  const sample: MemorySample = {
    usageBytes: usage,
    workingSetBytes: inactiveFile === undefined ? usage : Math.max(0, usage - inactiveFile),
    rssBytes: stat.get('anon') ?? 0,
    cacheBytes: stat.get('file') ?? 0,
    swapBytes: swap ?? 0,
    failcnt: events.get('max') ?? 0,
  };
  const oomKills = events.get('oom_kill');
  if (oomKills !== undefined) sample.oomKills = oomKills;
  const peak = files.peak === undefined ? undefined : parseSingleValue(files.peak);
  if (peak !== undefined) sample.maxUsageBytes = peak;
  const kernel = stat.get('kernel');
  if (kernel !== undefined) sample.kernelBytes = kernel;
  setStatExtras(sample, stat, 'file_mapped', 'active_file', inactiveFile);
  return sample;
}

/** The PSI totals of a v2 cgroup directory (cpu, memory, io); undefined when the kernel has no pressure files. */
export function readPressure(read: ReadFile, dir: string): PressureSample | undefined {
  const cpu = parsePressure(read(`${dir}/cpu.pressure`));
  const memory = parsePressure(read(`${dir}/memory.pressure`));
  const io = parsePressure(read(`${dir}/io.pressure`));
  if (!cpu && !memory && !io) return undefined;
  const sample: PressureSample = {};
  if (cpu) sample.cpu = cpu;
  if (memory) sample.memory = memory;
  if (io) sample.io = io;
  return sample;
}
