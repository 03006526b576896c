import type { PressureTotals } from './pressureParser';

/** CPU counters of one container, cumulative since its cgroup was created. */
export type CpuSample = {
  usageSeconds: number;
  userSeconds: number;
  systemSeconds: number;
  cfsPeriods: number;
  cfsThrottledPeriods: number;
  cfsThrottledSeconds: number;
  /** CFS burst counters (cpu.stat `nr_bursts`, `burst_time`/`burst_usec`), when the kernel has them (5.14+). */
  cfsBurstPeriods?: number;
  cfsBurstSeconds?: number;
};

/** Memory figures of one container, in bytes except the counters. */
export type MemorySample = {
  usageBytes: number;
  /** usage minus inactive file pages, floored at 0: what the kernel cannot reclaim easily. */
  workingSetBytes: number;
  rssBytes: number;
  cacheBytes: number;
  swapBytes: number;
  /** Times the usage hit the limit (v1 memory.failcnt, v2 memory.events `max`). */
  failcnt: number;
  /** OOM kills inside the container's cgroup, when the kernel exposes them. */
  oomKills?: number;
  /** Highest usage recorded (v1 memory.max_usage_in_bytes, v2 memory.peak). */
  maxUsageBytes?: number;
  /** Page cache mapped into processes (v1 `total_mapped_file`, v2 `file_mapped`). */
  mappedFileBytes?: number;
  /** Active and inactive file-backed pages (v1 `total_(in)active_file`, v2 `(in)active_file`). */
  activeFileBytes?: number;
  inactiveFileBytes?: number;
  /** Kernel memory charged to the cgroup (v1 memory.kmem.usage_in_bytes, v2 memory.stat `kernel`). */
  kernelBytes?: number;
  /** Page faults and major page faults (memory.stat `pgfault`, `pgmajfault`). */
  pgfault?: number;
  pgmajfault?: number;
};

/** Counters of one network interface inside the container's network namespace. */
export type NetworkInterfaceSample = {
  interface: string;
  rxBytes: number;
  rxPackets: number;
  rxDropped: number;
  rxErrors: number;
  txBytes: number;
  txPackets: number;
  txDropped: number;
  txErrors: number;
};

/** Block IO counters for one device, as cAdvisor names devices (`/dev/vda`, else `MAJ:MIN`). */
export type BlockDeviceSample = {
  device: string;
  readBytes: number;
  writeBytes: number;
  reads: number;
  writes: number;
  /** The device number, `MAJ:MIN`, when read from the kernel. */
  majorMinor?: string;
  /** Bytes per operation as the kernel lists them (`Read`, `Write`, `Sync`, `Async`, `Discard`, `Total`). */
  byteOps?: readonly (readonly [string, number])[];
};

/** Pressure stall totals (PSI) per resource, cgroup v2 only; microseconds some/all tasks were stalled. */
export type PressureSample = {
  cpu?: PressureTotals;
  memory?: PressureTotals;
  io?: PressureTotals;
};

/** Everything one sampling pass learned about one running container. */
export type ContainerSample = {
  /** Full container ID. */
  id: string;
  /** The cgroup path cAdvisor uses as the `id` label, e.g. `/docker/<id>` or `/system.slice/docker-<id>.scope`. */
  cgroupPath: string;
  /** When the sample was taken, ms since the epoch. */
  timestampMs: number;
  cpu?: CpuSample;
  memory?: MemorySample;
  network?: NetworkInterfaceSample[];
  blkio?: BlockDeviceSample[];
  processes?: number;
  threads?: number;
  pressure?: PressureSample;
};
