import type {
  BlockDeviceSample,
  ContainerSample,
  CpuSample,
  MemorySample,
  NetworkInterfaceSample,
} from './containerSample';

/** One `blkio_stats` entry: a counter of one device and operation (`Read` on cgroup v1, `read` on v2). */
export type EngineBlkioEntry = { major: number; minor: number; op: string; value: number };

/** Counters of one interface in the `networks` map of the stats payload. */
export type EngineNetworkStats = {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
};

/**
 * The fields dockwatch reads from `GET /containers/{id}/stats?stream=false`, on cgroup v1 and v2 hosts alike.
 * CPU times are nanoseconds on both; the engine omits zero values and sends `null` for the blkio arrays v2 lacks.
 */
export type EngineStatsPayload = {
  /** Time the daemon read the counters; `0001-01-01T00:00:00Z` when the container is not running. */
  read?: string;
  id?: string;
  name?: string;
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; usage_in_kernelmode?: number; usage_in_usermode?: number };
    throttling_data?: { periods?: number; throttled_periods?: number; throttled_time?: number };
  };
  memory_stats?: {
    usage?: number;
    failcnt?: number;
    limit?: number;
    /** memory.stat: `total_*` keys on cgroup v1, `anon`/`file`/`inactive_file` on v2. */
    stats?: Record<string, number>;
  };
  blkio_stats?: {
    io_service_bytes_recursive?: EngineBlkioEntry[] | null;
    /** Operation counts; cgroup v1 only (null on v2). */
    io_serviced_recursive?: EngineBlkioEntry[] | null;
  };
  networks?: Record<string, EngineNetworkStats>;
  pids_stats?: { current?: number };
};

/** Names a block device from its numbers, e.g. `/dev/vda`; the same resolver the cgroup collectors use. */
export type DeviceNameResolver = (major: number, minor: number) => string;

const NS_PER_SECOND = 1e9;
const ZERO_TIME_PREFIX = '0001-01-01';

/** False for the zeroed payload (200, `read` at year 1) the engine returns for a container that is not running. */
export function hasEngineSample(stats: EngineStatsPayload): boolean {
  return stats.read !== undefined && !stats.read.startsWith(ZERO_TIME_PREFIX);
}

/** Converts one stats payload to a sample with cAdvisor's semantics (working set = usage − inactive file). */
export function parseEngineStats(
  id: string,
  stats: EngineStatsPayload,
  timestampMs: number,
  deviceName?: DeviceNameResolver,
): ContainerSample {
  const sample: ContainerSample = { id, cgroupPath: `/docker/${id}`, timestampMs };
  const cpu = parseCpu(stats.cpu_stats);
  if (cpu) sample.cpu = cpu;
  const memory = parseMemory(stats.memory_stats);
  if (memory) sample.memory = memory;
  if (stats.networks) sample.network = parseNetworks(stats.networks);
  if (stats.blkio_stats) sample.blkio = parseBlkio(stats.blkio_stats, deviceName);
  const tasks = stats.pids_stats?.current;
  // pids.current counts tasks (threads); the API has no process count, so container_processes is left out.
  if (tasks !== undefined) sample.threads = tasks;
  return sample;
}

function parseCpu(cpu: EngineStatsPayload['cpu_stats']): CpuSample | undefined {
  const usage = cpu?.cpu_usage;
  if (!usage) return undefined;
  const throttling = cpu.throttling_data;
  return {
    usageSeconds: (usage.total_usage ?? 0) / NS_PER_SECOND,
    userSeconds: (usage.usage_in_usermode ?? 0) / NS_PER_SECOND,
    systemSeconds: (usage.usage_in_kernelmode ?? 0) / NS_PER_SECOND,
    cfsPeriods: throttling?.periods ?? 0,
    cfsThrottledPeriods: throttling?.throttled_periods ?? 0,
    cfsThrottledSeconds: (throttling?.throttled_time ?? 0) / NS_PER_SECOND,
  };
}

function parseMemory(memory: EngineStatsPayload['memory_stats']): MemorySample | undefined {
  if (memory?.usage === undefined) return undefined;
  const stat = memory.stats ?? {};
  const inactiveFile = stat['total_inactive_file'] ?? stat['inactive_file'] ?? 0;
  return {
    usageBytes: memory.usage,
    workingSetBytes: Math.max(0, memory.usage - inactiveFile),
    rssBytes: stat['total_rss'] ?? stat['anon'] ?? 0,
    cacheBytes: stat['total_cache'] ?? stat['file'] ?? 0,
    swapBytes: stat['total_swap'] ?? 0,
    failcnt: memory.failcnt ?? 0,
  };
}

function parseNetworks(networks: Record<string, EngineNetworkStats>): NetworkInterfaceSample[] {
  return Object.entries(networks)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, n]) => ({
      interface: name,
      rxBytes: n.rx_bytes,
      rxPackets: n.rx_packets,
      rxDropped: n.rx_dropped,
      rxErrors: n.rx_errors,
      txBytes: n.tx_bytes,
      txPackets: n.tx_packets,
      txDropped: n.tx_dropped,
      txErrors: n.tx_errors,
    }));
}

function parseBlkio(
  blkio: NonNullable<EngineStatsPayload['blkio_stats']>,
  deviceName: DeviceNameResolver | undefined,
): BlockDeviceSample[] {
  const devices = new Map<string, BlockDeviceSample>();
  const deviceFor = (entry: EngineBlkioEntry): BlockDeviceSample => {
    const key = `${entry.major}:${entry.minor}`;
    let device = devices.get(key);
    if (!device) {
      const name = deviceName ? deviceName(entry.major, entry.minor) : key;
      device = { device: name, readBytes: 0, writeBytes: 0, reads: 0, writes: 0 };
      devices.set(key, device);
    }
    return device;
  };
  for (const entry of blkio.io_service_bytes_recursive ?? []) {
    const op = entry.op.toLowerCase();
    if (op === 'read') deviceFor(entry).readBytes += entry.value;
    else if (op === 'write') deviceFor(entry).writeBytes += entry.value;
  }
  for (const entry of blkio.io_serviced_recursive ?? []) {
    const op = entry.op.toLowerCase();
    if (op === 'read') deviceFor(entry).reads += entry.value;
    else if (op === 'write') deviceFor(entry).writes += entry.value;
  }
  return [...devices.values()];
}
