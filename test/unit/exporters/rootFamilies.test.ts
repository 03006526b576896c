import type Docker from 'dockerode';
import { EngineResources } from '../../../agent/engine/engineResources';
import { EventCounters } from '../../../agent/engine/eventCounters';
import { Inventory } from '../../../agent/inventory/inventory';
import type { ContainerRecord } from '../../../agent/inventory/containerRecord';
import { SelfStats } from '../../../agent/selfStats';
import type { ContainerSample } from '../../../agent/stats/containerSample';
import type { RootSample } from '../../../agent/stats/rootSample';
import { SampleStore } from '../../../agent/stats/sampleStore';
import { ContainerView } from '../../../exporters/containerView';
import { Exposition } from '../../../exporters/exposition';
import { buildFamilies, dataVersion } from '../../../exporters/families';
import { findSeries, parseExposition, valueOf, type Series } from '../../support/exposition';
import { testRecord } from '../../support/records';

const ID = 'a'.repeat(64);
const record: ContainerRecord = testRecord(ID, {
  name: 'web',
  health: 'healthy',
  spec: {
    cpuPeriod: 100000,
    cpuShares: 512,
    memoryLimitBytes: 64,
    memorySwapLimitBytes: 128,
    memoryReservationBytes: 32,
  },
});
const container: ContainerSample = {
  id: ID,
  cgroupPath: `/docker/${ID}`,
  timestampMs: 1_800_000_000_000,
  cpu: {
    usageSeconds: 3,
    userSeconds: 2,
    systemSeconds: 1,
    cfsPeriods: 0,
    cfsThrottledPeriods: 0,
    cfsThrottledSeconds: 0,
  },
  memory: {
    usageBytes: 100,
    workingSetBytes: 80,
    rssBytes: 50,
    cacheBytes: 40,
    swapBytes: 0,
    failcnt: 0,
    maxUsageBytes: 150,
    mappedFileBytes: 10,
    activeFileBytes: 15,
    inactiveFileBytes: 20,
    kernelBytes: 5,
    pgfault: 1000,
    pgmajfault: 2,
  },
  pressure: { cpu: { someUs: 2_500_000, fullUs: 1_500_000 }, io: { someUs: 0, fullUs: 0 } },
  blkio: [
    {
      device: '/dev/vda',
      majorMinor: '253:0',
      readBytes: 4096,
      writeBytes: 0,
      reads: 1,
      writes: 0,
      byteOps: [
        ['Read', 4096],
        ['Write', 0],
      ],
    },
  ],
};
const io = {
  reads: 7,
  readsMerged: 1,
  sectorsRead: 56,
  readMs: 1500,
  writes: 9,
  writesMerged: 2,
  sectorsWritten: 72,
  writeMs: 2500,
  ioInProgress: 1,
  ioMs: 3000,
  weightedIoMs: 4000,
};
const root: RootSample = {
  id: '/',
  cgroupPath: '/',
  timestampMs: 1_800_000_001_000,
  cpu: {
    usageSeconds: 900,
    userSeconds: 600,
    systemSeconds: 300,
    cfsPeriods: 0,
    cfsThrottledPeriods: 0,
    cfsThrottledSeconds: 0,
  },
  memory: {
    usageBytes: 4000,
    workingSetBytes: 3000,
    rssBytes: 1000,
    cacheBytes: 2500,
    swapBytes: 0,
    failcnt: 0,
    oomKills: 3,
  },
  network: [
    {
      interface: 'eth0',
      rxBytes: 500,
      rxPackets: 5,
      rxDropped: 0,
      rxErrors: 0,
      txBytes: 600,
      txPackets: 6,
      txDropped: 0,
      txErrors: 0,
    },
  ],
  blkio: [{ device: '/dev/vda', majorMinor: '253:0', readBytes: 8192, writeBytes: 16384, reads: 2, writes: 4 }],
  filesystems: [
    { device: '/dev/vda', majorMinor: '253:0', limitBytes: 1000, usageBytes: 400, inodes: 100, inodesFree: 60, io },
    { device: '/dev/vdb1', majorMinor: '253:16', limitBytes: 2000, usageBytes: 100, inodes: 200, inodesFree: 190, io },
  ],
  dataRootDevice: '/dev/vda',
  spec: { cpuPeriod: 100000, cpuShares: 1024, memoryLimitBytes: 0, memorySwapLimitBytes: 0, memoryReservationBytes: 0 },
  startTimeSeconds: 1796563077,
};

async function scrape(samples: ContainerSample[], rootSample?: RootSample): Promise<Series[]> {
  const inventory = new Inventory();
  inventory.upsert(record);
  const store = new SampleStore();
  store.replace(samples, rootSample);
  const view = new ContainerView(inventory, store, () => true, []);
  const resources = new EngineResources();
  const engineApi = { listImages: async () => [], listContainers: async () => [{ Id: ID, SizeRw: 12345 }] };
  await resources.refresh(engineApi as unknown as Docker, 0);
  const self = new SelfStats();
  const families = buildFamilies({
    view,
    events: new EventCounters(),
    resources,
    engine: { up: true, info: undefined },
    self,
    startTimeSeconds: 1,
    logs: { lineCounts: () => [], truncatedCounts: () => [], droppedCounts: () => [], openStreams: 0 },
    alerts: {
      stats: () => ({
        matches: {},
        alerts: { pending: 0, firing: 0, resolved: 0 },
        notifications: { firing: 0, resolved: 0 },
        unrouted: 0,
      }),
    },
    outbox: { metrics: () => ({ results: [], pending: [], pendingTotal: 0, oldestPendingAgeMs: 0 }) },
    machine: { physicalCores: 2, sockets: 1, swapBytes: 0 },
  });
  const exposition = new Exposition(
    families.cached,
    families.live,
    () => dataVersion({ inventory, samples: store, resources }),
    self,
  );
  const r = await exposition.render(undefined);
  return parseExposition(Buffer.concat(r.parts).toString('utf8'));
}

const ROOT = { id: '/' };
const WEB = { name: 'web' };

describe('the root container and the names cAdvisor exports by default', () => {
  let series: Series[];
  beforeAll(async () => {
    series = await scrape([container], root);
  });

  it('labels the root id="/" only, without name or image', () => {
    const rootSeries = series.filter((s) => s.labels.id === '/');
    expect(rootSeries.length).toBeGreaterThan(30);
    for (const s of rootSeries) {
      expect(s.labels.name).toBeUndefined();
      expect(s.labels.image).toBeUndefined();
    }
  });

  it('exports the root CPU, memory, network and spec series', () => {
    expect(valueOf(series, 'container_cpu_usage_seconds_total', { ...ROOT, cpu: 'total' })).toBe(900);
    expect(valueOf(series, 'container_memory_usage_bytes', ROOT)).toBe(4000);
    expect(valueOf(series, 'container_memory_working_set_bytes', ROOT)).toBe(3000);
    expect(valueOf(series, 'container_network_receive_bytes_total', { ...ROOT, interface: 'eth0' })).toBe(500);
    expect(valueOf(series, 'container_network_transmit_bytes_total', { ...ROOT, interface: 'eth0' })).toBe(600);
    expect(valueOf(series, 'container_spec_cpu_shares', ROOT)).toBe(1024);
    expect(valueOf(series, 'container_spec_memory_limit_bytes', ROOT)).toBe(0);
    expect(valueOf(series, 'container_start_time_seconds', ROOT)).toBe(1796563077);
    expect(valueOf(series, 'container_last_seen', ROOT)).toBe(1800000001);
    expect(valueOf(series, 'container_health_state', ROOT)).toBe(-1);
    expect(findSeries(series, 'container_spec_cpu_quota', ROOT)).toEqual([]);
    // The root cgroup's OOM count is the whole machine's: a root series would repeat every container's OOM.
    expect(findSeries(series, 'container_oom_events_total', ROOT)).toEqual([]);
    expect(valueOf(series, 'container_oom_events_total', WEB)).toBe(0);
  });

  it('exports each host filesystem by device: size, use, inodes and diskstats in seconds', () => {
    const vdb1 = { ...ROOT, device: '/dev/vdb1' };
    expect(valueOf(series, 'container_fs_limit_bytes', vdb1)).toBe(2000);
    expect(valueOf(series, 'container_fs_usage_bytes', vdb1)).toBe(100);
    expect(valueOf(series, 'container_fs_inodes_total', vdb1)).toBe(200);
    expect(valueOf(series, 'container_fs_inodes_free', vdb1)).toBe(190);
    expect(valueOf(series, 'container_fs_read_seconds_total', vdb1)).toBe(1.5);
    expect(valueOf(series, 'container_fs_io_time_weighted_seconds_total', vdb1)).toBe(4);
    expect(valueOf(series, 'container_fs_io_current', vdb1)).toBe(1);
    expect(valueOf(series, 'container_fs_sector_writes_total', vdb1)).toBe(72);
  });

  it("counts the root's reads from its cgroup, and from diskstats only for devices the cgroup does not list", () => {
    expect(findSeries(series, 'container_fs_reads_total', { ...ROOT, device: '/dev/vda' }).map((s) => s.value)).toEqual(
      [2],
    );
    expect(valueOf(series, 'container_fs_reads_total', { ...ROOT, device: '/dev/vdb1' })).toBe(7);
    expect(valueOf(series, 'container_fs_reads_bytes_total', { ...ROOT, device: '/dev/vda' })).toBe(8192);
    expect(findSeries(series, 'container_fs_reads_bytes_total', { ...ROOT, device: '/dev/vdb1' })).toEqual([]);
  });

  it("gives containers the data root's device and size next to their writable layer", () => {
    expect(valueOf(series, 'container_fs_usage_bytes', { ...WEB, device: '/dev/vda' })).toBe(12345);
    expect(valueOf(series, 'container_fs_limit_bytes', { ...WEB, device: '/dev/vda' })).toBe(1000);
    expect(findSeries(series, 'container_fs_inodes_total', WEB)).toEqual([]);
  });

  it('exports the per-container memory names cAdvisor has and dockwatch lacked', () => {
    expect(valueOf(series, 'container_memory_max_usage_bytes', WEB)).toBe(150);
    expect(valueOf(series, 'container_memory_mapped_file', WEB)).toBe(10);
    expect(valueOf(series, 'container_memory_kernel_usage', WEB)).toBe(5);
    expect(valueOf(series, 'container_memory_total_active_file_bytes', WEB)).toBe(15);
    expect(valueOf(series, 'container_memory_total_inactive_file_bytes', WEB)).toBe(20);
    expect(
      findSeries(series, 'container_memory_failures_total', WEB).map((s) => [
        s.labels.failure_type,
        s.labels.scope,
        s.value,
      ]),
    ).toEqual([
      ['pgfault', 'container', 1000],
      ['pgmajfault', 'container', 2],
      ['pgfault', 'hierarchy', 1000],
      ['pgmajfault', 'hierarchy', 2],
    ]);
  });

  it('exports spec limits, health, blkio usage per operation and the load families at 0 as cAdvisor without its load reader', () => {
    expect(valueOf(series, 'container_spec_memory_swap_limit_bytes', WEB)).toBe(128);
    expect(valueOf(series, 'container_spec_memory_reservation_limit_bytes', WEB)).toBe(32);
    expect(valueOf(series, 'container_health_state', WEB)).toBe(1);
    expect(
      valueOf(series, 'container_blkio_device_usage_total', {
        ...WEB,
        device: '/dev/vda',
        major: '253',
        minor: '0',
        operation: 'Read',
      }),
    ).toBe(4096);
    for (const labels of [WEB, ROOT]) {
      expect(valueOf(series, 'container_cpu_load_average_10s', labels)).toBe(0);
      expect(findSeries(series, 'container_tasks_state', labels).map((s) => [s.labels.state, s.value])).toEqual([
        ['sleeping', 0],
        ['running', 0],
        ['stopped', 0],
        ['uninterruptible', 0],
        ['iowaiting', 0],
      ]);
    }
    expect(valueOf(series, 'machine_cpu_physical_cores')).toBe(2);
    expect(valueOf(series, 'machine_cpu_sockets')).toBe(1);
    expect(valueOf(series, 'machine_swap_bytes')).toBe(0);
  });

  it('exports the PSI totals in seconds where the sample has them (cgroup v2), and none without', () => {
    expect(valueOf(series, 'container_pressure_cpu_waiting_seconds_total', WEB)).toBe(2.5);
    expect(valueOf(series, 'container_pressure_cpu_stalled_seconds_total', WEB)).toBe(1.5);
    expect(valueOf(series, 'container_pressure_io_stalled_seconds_total', WEB)).toBe(0);
    expect(findSeries(series, 'container_pressure_memory_waiting_seconds_total', WEB)).toEqual([]);
    expect(findSeries(series, 'container_pressure_cpu_waiting_seconds_total', ROOT)).toEqual([]);
  });

  it('never repeats a series (same name and labels)', () => {
    const keys = series.map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`);
    expect(keys.length - new Set(keys).size).toBe(0);
  });
});

describe('without a root sample (the API collector)', () => {
  it('exports no id="/" series and the writable layer without a device', async () => {
    const series = await scrape([container]);
    expect(series.filter((s) => s.labels.id === '/')).toEqual([]);
    expect(findSeries(series, 'container_fs_usage_bytes', WEB).map((s) => s.labels.device)).toEqual([undefined]);
    expect(findSeries(series, 'container_fs_limit_bytes', WEB)).toEqual([]);
  });
});
