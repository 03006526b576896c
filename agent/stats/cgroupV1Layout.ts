import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from './optionalFile';

/** Absolute directories of the v1 hierarchies the collector reads; a controller that is not mounted is absent. */
export type CgroupV1Layout = {
  cpu?: string;
  cpuacct?: string;
  memory?: string;
  blkio?: string;
  pids?: string;
};

/** A pair of v1 blkio files holding IO counts and bytes under one policy. */
export type BlkioStatFiles = { serviced: string; bytes: string };

/**
 * The blkio files in the order runc (and so cAdvisor) prefers them: BFQ, CFQ, then the throttling policy's
 * recursive and plain counters. The first pair whose counts list a device is used.
 */
export const BLKIO_STAT_FILES: readonly BlkioStatFiles[] = [
  { serviced: 'blkio.bfq.io_serviced_recursive', bytes: 'blkio.bfq.io_service_bytes_recursive' },
  { serviced: 'blkio.io_serviced_recursive', bytes: 'blkio.io_service_bytes_recursive' },
  { serviced: 'blkio.throttle.io_serviced_recursive', bytes: 'blkio.throttle.io_service_bytes_recursive' },
  { serviced: 'blkio.throttle.io_serviced', bytes: 'blkio.throttle.io_service_bytes' },
];

/**
 * Finds where each v1 controller is mounted under `cgroupRoot`: its own directory (`cpu/`, possibly a symlink to
 * `cpu,cpuacct/`) or a co-mounted one whose name lists it (`cpu,cpuacct/`).
 */
export async function findCgroupV1Layout(cgroupRoot: string): Promise<CgroupV1Layout> {
  let entries: string[];
  try {
    entries = await readdir(cgroupRoot);
  } catch {
    return {};
  }
  const find = (controller: string): string | undefined => {
    const entry = entries.includes(controller)
      ? controller
      : entries.find((name) => name.split(',').includes(controller));
    return entry === undefined ? undefined : join(cgroupRoot, entry);
  };
  return {
    cpu: find('cpu'),
    cpuacct: find('cpuacct'),
    memory: find('memory'),
    blkio: find('blkio'),
    pids: find('pids'),
  };
}

/**
 * The blkio file pairs this kernel provides, in preference order, judged by the root cgroup (which has the same
 * files as every child); all of them when the root shows none, so a sparse mount still gets tried. The plain
 * throttle pair is dropped when the recursive one exists: it can only list a subset of the recursive counters.
 */
export async function availableBlkioStatFiles(blkioDir: string): Promise<BlkioStatFiles[]> {
  const present = await Promise.all(BLKIO_STAT_FILES.map((files) => pathExists(join(blkioDir, files.serviced))));
  const available = BLKIO_STAT_FILES.filter((_, i) => present[i]);
  if (available.length === 0) return [...BLKIO_STAT_FILES];
  const recursiveThrottle = available.some((files) => files.serviced === 'blkio.throttle.io_serviced_recursive');
  return recursiveThrottle ? available.filter((files) => files.serviced !== 'blkio.throttle.io_serviced') : available;
}
