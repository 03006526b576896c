import { join } from 'node:path';
import { pathExists } from './optionalFile';

/** Which cgroup version the host runs. */
export type CgroupVersion = 1 | 2;

/**
 * Detects the cgroup version mounted at `cgroupRoot`: 2 when the root itself is a cgroup2 mount
 * (`cgroup.controllers`), 1 when `memory/` and `cpuacct/` (or `cpu,cpuacct/`) exist — a hybrid host, whose cgroup2
 * mount sits at `unified/`, counts as v1 — and undefined when neither is reachable.
 */
export async function detectCgroupVersion(cgroupRoot: string): Promise<CgroupVersion | undefined> {
  const [controllers, memory, cpuacct, cpuCpuacct] = await Promise.all([
    pathExists(join(cgroupRoot, 'cgroup.controllers')),
    pathExists(join(cgroupRoot, 'memory')),
    pathExists(join(cgroupRoot, 'cpuacct')),
    pathExists(join(cgroupRoot, 'cpu,cpuacct')),
  ]);
  if (controllers) return 2;
  if (memory && (cpuacct || cpuCpuacct)) return 1;
  return undefined;
}
