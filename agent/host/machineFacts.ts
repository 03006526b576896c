import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readOptionalFileSync } from '../stats/optionalFile';
import { parseMeminfo } from './procMeminfo';

/** What cAdvisor's machine_* families say beyond the engine's own figures (CPUs and memory). */
export type MachineFacts = { physicalCores: number; sockets: number; swapBytes: number };

/** Counts sockets and physical cores from each CPU's `physical_package_id` and `core_id` (pairs `package:core`). */
export function countTopology(cpus: readonly { packageId: string; coreId: string }[]): {
  physicalCores: number;
  sockets: number;
} {
  return {
    physicalCores: new Set(cpus.map((c) => `${c.packageId}:${c.coreId}`)).size,
    sockets: new Set(cpus.map((c) => c.packageId)).size,
  };
}

/**
 * Reads the machine's topology from `<sysRoot>/devices/system/cpu/cpuN/topology` and its swap from
 * `<procRoot>/meminfo`, once at start (neither changes while the machine runs); undefined when sysfs has no CPU
 * topology.
 */
export function readMachineFacts(sysRoot: string, procRoot: string): MachineFacts | undefined {
  const cpuDir = join(sysRoot, 'devices', 'system', 'cpu');
  let names: string[];
  try {
    names = readdirSync(cpuDir).filter((n) => /^cpu\d+$/.test(n));
  } catch {
    return undefined;
  }
  const cpus: { packageId: string; coreId: string }[] = [];
  for (const name of names) {
    const packageId = readOptionalFileSync(join(cpuDir, name, 'topology', 'physical_package_id'))?.trim();
    const coreId = readOptionalFileSync(join(cpuDir, name, 'topology', 'core_id'))?.trim();
    if (packageId !== undefined && coreId !== undefined) cpus.push({ packageId, coreId });
  }
  if (cpus.length === 0) return undefined;
  const meminfo = readOptionalFileSync(join(procRoot, 'meminfo'));
  return {
    ...countTopology(cpus),
    swapBytes: meminfo === undefined ? 0 : (parseMeminfo(meminfo).get('SwapTotal') ?? 0),
  };
}
