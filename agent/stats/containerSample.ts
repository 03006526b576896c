/** CPU counters of one container, cumulative since its cgroup was created. */
export type CpuSample = {
  usageSeconds: number;
  userSeconds: number;
  systemSeconds: number;
  cfsPeriods: number;
  cfsThrottledPeriods: number;
  cfsThrottledSeconds: number;
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
};
