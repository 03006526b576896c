import { join } from 'node:path';
import { meminfoUsage, parseMeminfo } from '../host/procMeminfo';
import type { BlockDeviceNamer } from './blockDevices';
import type { ReadFile } from './kernelFileReader';
import { parseIoStat } from './cgroupV2Parsers';
import { cpuFromStat, memoryFromFiles, readPressure } from './cgroupV2Readers';
import { specMemoryValue, type RootCgroupSample, type RootSpec } from './rootSample';

/** A v2 `cpu.max` (`QUOTA PERIOD`, quota `max` when unlimited) as cAdvisor reads it: the period. */
function cpuMaxPeriod(text: string | undefined): number | undefined {
  const period = text?.trim().split(' ')[1];
  return period === undefined ? undefined : Number(period) || 0;
}

/** cAdvisor's shares from a v2 `cpu.weight` (1–10000 mapped onto 2–262144). */
function weightToShares(text: string | undefined): number | undefined {
  const weight = Number(text?.trim());
  if (!Number.isInteger(weight) || weight < 1 || weight > 10000) return undefined;
  return 2 + Math.floor(((weight - 1) * 262142) / 9999);
}

/**
 * The root cgroup of a v2 host, as runc and cAdvisor read it: cpu.stat, memory.stat and io.stat of the root (the
 * kernel fills them from system-wide counters). The root has no memory.current or memory.swap.current, so usage is
 * MemTotal − MemFree and swap SwapTotal − SwapFree from `<procRoot>/meminfo`, and the working set is that usage less
 * inactive_file. Its spec has CPU but no memory limits: cAdvisor exports period and shares from cpu.max and
 * cpu.weight, 0 where the root has neither, and no memory limit (the root has no memory.max).
 */
export async function readRootCgroupV2(
  read: ReadFile,
  cgroupRoot: string,
  procRoot: string,
  devices: BlockDeviceNamer,
): Promise<RootCgroupSample | undefined> {
  const cpu = cpuFromStat(read(`${cgroupRoot}/cpu.stat`));
  const meminfo = read(join(procRoot, 'meminfo'));
  const fromMeminfo = meminfo === undefined ? undefined : meminfoUsage(parseMeminfo(meminfo));
  const memory = memoryFromFiles(
    {
      current: read(`${cgroupRoot}/memory.current`),
      stat: read(`${cgroupRoot}/memory.stat`),
      swap: read(`${cgroupRoot}/memory.swap.current`),
      events: read(`${cgroupRoot}/memory.events`),
      peak: read(`${cgroupRoot}/memory.peak`),
    },
    fromMeminfo,
  );
  if (cpu === undefined && memory === undefined) return undefined;
  const spec: RootSpec = {
    cpuPeriod: cpuMaxPeriod(read(`${cgroupRoot}/cpu.max`)) ?? 0,
    cpuShares: weightToShares(read(`${cgroupRoot}/cpu.weight`)) ?? 0,
  };
  const max = read(`${cgroupRoot}/memory.max`);
  if (max !== undefined) {
    const limit = (text: string | undefined) => (text?.trim() === 'max' ? 2 ** 64 : Number(text ?? 0) || 0);
    spec.memoryLimitBytes = specMemoryValue(limit(max));
    spec.memorySwapLimitBytes = specMemoryValue(limit(read(`${cgroupRoot}/memory.swap.max`)));
    spec.memoryReservationBytes = specMemoryValue(limit(read(`${cgroupRoot}/memory.min`)));
  }
  const sample: RootCgroupSample = { spec };
  if (cpu) sample.cpu = cpu;
  if (memory) sample.memory = memory;
  const pressure = readPressure(read, cgroupRoot);
  if (pressure) sample.pressure = pressure;
  const ioStat = read(`${cgroupRoot}/io.stat`);
  if (ioStat !== undefined) sample.blkio = await devices.samples(parseIoStat(ioStat));
  return sample;
}
