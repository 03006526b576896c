import type { FilesystemSample } from '../host/hostFilesystemReader';
import type { ContainerSample } from './containerSample';

/** The root cgroup's limits as cAdvisor reports them in `container_spec_*` for `id="/"` (unlimited is 0). */
export type RootSpec = {
  cpuPeriod?: number;
  cpuShares?: number;
  memoryLimitBytes?: number;
  memorySwapLimitBytes?: number;
  memoryReservationBytes?: number;
};

/** What one pass read from the root cgroup itself. */
export type RootCgroupSample = Pick<ContainerSample, 'cpu' | 'memory' | 'blkio' | 'pressure'> & { spec: RootSpec };

/**
 * cAdvisor's root container `/` in one pass: the whole machine as the root cgroup accounts it, the host network
 * namespace's interfaces, and the host's filesystems by device. Its `id` and `cgroupPath` are `/`.
 */
export type RootSample = ContainerSample & {
  spec: RootSpec;
  /** The machine's boot time, seconds since the epoch: when the root cgroup came to be. */
  startTimeSeconds?: number;
  filesystems?: FilesystemSample[];
  /** The filesystem (its device) holding the engine's data root, where the containers' writable layers live. */
  dataRootDevice?: string;
};

/** Size beyond which cAdvisor reports a memory limit as 0 (unlimited); the kernel rounds "max" below 2^63. */
const UNLIMITED_MEMORY = 2 ** 62;

/** A memory limit as cAdvisor exports it: 0 for unlimited (`max` or a value past 2^62). */
export function specMemoryValue(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return value > UNLIMITED_MEMORY ? 0 : value;
}
