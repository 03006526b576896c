import type { BlockDeviceNamer } from './blockDevices';
import { parseSingleValue } from './cgroupFileParsers';
import type { BlkioStatFiles, CgroupV1Layout } from './cgroupV1Layout';
import { readV1Blkio, readV1Cpu, readV1Memory } from './cgroupV1Readers';
import type { ReadFile } from './kernelFileReader';
import { specMemoryValue, type RootCgroupSample, type RootSpec } from './rootSample';

function readNumber(read: ReadFile, path: string): number | undefined {
  const text = read(path);
  return text === undefined ? undefined : parseSingleValue(text);
}

/**
 * The root cgroup of a v1 host, read at the hierarchy roots with the same readers as a container (cpuacct and cpu,
 * memory, blkio), and its limits as cAdvisor's spec reads them there (period, shares, memory limits; unlimited is 0).
 */
export async function readRootCgroupV1(
  read: ReadFile,
  layout: CgroupV1Layout,
  blkioFiles: readonly BlkioStatFiles[],
  devices: BlockDeviceNamer,
): Promise<RootCgroupSample | undefined> {
  const { cpu, cpuacct, memory, blkio } = layout;
  const cpuSample = cpuacct === undefined ? undefined : readV1Cpu(read, cpuacct, cpu);
  const memorySample = memory === undefined ? undefined : readV1Memory(read, memory);
  const pendingBlkio = blkio === undefined ? undefined : readV1Blkio(read, blkio, blkioFiles, devices);
  if (cpuSample === undefined && memorySample === undefined) return undefined;
  const spec: RootSpec = {};
  if (cpu !== undefined) {
    const period = readNumber(read, `${cpu}/cpu.cfs_period_us`);
    const shares = readNumber(read, `${cpu}/cpu.shares`);
    if (period !== undefined) spec.cpuPeriod = period;
    if (shares !== undefined) spec.cpuShares = shares;
  }
  if (memory !== undefined) {
    spec.memoryLimitBytes = specMemoryValue(readNumber(read, `${memory}/memory.limit_in_bytes`)) ?? 0;
    spec.memorySwapLimitBytes = specMemoryValue(readNumber(read, `${memory}/memory.memsw.limit_in_bytes`)) ?? 0;
    spec.memoryReservationBytes = specMemoryValue(readNumber(read, `${memory}/memory.soft_limit_in_bytes`)) ?? 0;
  }
  const sample: RootCgroupSample = { spec };
  if (cpuSample) sample.cpu = cpuSample;
  if (memorySample) sample.memory = memorySample;
  const blkioSamples = pendingBlkio === undefined ? undefined : await pendingBlkio;
  if (blkioSamples) sample.blkio = blkioSamples;
  return sample;
}
