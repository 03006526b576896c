import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerRecord } from '../../../agent/inventory/containerRecord';
import { testRecord } from '../../support/records';
import { cgroupV1Collector } from '../../../agent/stats/cgroupV1Collector';
import type { BlockDeviceSample, ContainerSample } from '../../../agent/stats/containerSample';

const fixtures = join(__dirname, '../../fixtures');
const procRoot = join(fixtures, 'proc');
const sysRoot = join(fixtures, 'sys');
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const GONE = 'd'.repeat(64);

const record = (id: string, overrides: Partial<ContainerRecord> = {}): ContainerRecord =>
  testRecord(id, { name: `c-${id.slice(0, 4)}`, pid: 4242, ...overrides });

const byId = (samples: ContainerSample[], id: string): ContainerSample => {
  const sample = samples.find((s) => s.id === id);
  if (!sample) throw new Error(`no sample for ${id}`);
  return sample;
};

describe('cgroupV1Collector on cpu,cpuacct co-mounted without symlinks', () => {
  const collector = cgroupV1Collector({ cgroupRoot: join(fixtures, 'cgroup-v1/combined'), procRoot, sysRoot });
  let samples: ContainerSample[];

  beforeAll(async () => {
    samples = await collector.collect([
      record(A),
      record(B, { pid: 4343, networkMode: 'host' }),
      record(GONE, { pid: 9999 }),
    ]);
  });

  it('is named cgroup-v1 and leaves out a container without a cgroup', () => {
    expect(collector.name).toBe('cgroup-v1');
    expect(samples.map((s) => s.id).sort()).toEqual([A, B]);
  });

  it('reports the cgroupfs path as cAdvisor id and a timestamp', () => {
    const a = byId(samples, A);
    expect(a.cgroupPath).toBe(`/docker/${A}`);
    expect(a.timestampMs).toBeGreaterThan(0);
  });

  it('converts cpuacct.usage from ns, cpuacct.stat from USER_HZ ticks and cpu.stat throttling and bursts', () => {
    expect(byId(samples, A).cpu).toEqual({
      usageSeconds: 33.342129926,
      userSeconds: 31.77,
      systemSeconds: 1.57,
      cfsPeriods: 672,
      cfsThrottledPeriods: 656,
      cfsThrottledSeconds: 31.02660296,
      cfsBurstPeriods: 3,
      cfsBurstSeconds: 0.12,
    });
  });

  it('derives working set, rss, cache, swap, failcnt, oom kills, max usage, kernel memory and faults from the memory hierarchy', () => {
    expect(byId(samples, A).memory).toEqual({
      usageBytes: 14409728,
      workingSetBytes: 14409728 - 6946816,
      rssBytes: 118784,
      cacheBytes: 13897728,
      swapBytes: 4096,
      failcnt: 910,
      oomKills: 2,
      maxUsageBytes: 16510976,
      kernelBytes: 1155072,
      mappedFileBytes: 0,
      activeFileBytes: 6950912,
      inactiveFileBytes: 6946816,
      pgfault: 1730,
      pgmajfault: 1,
    });
  });

  it('takes swap from memsw minus usage without total_swap, floors working set at 0, omits unknown oom kills', () => {
    expect(byId(samples, B).memory).toEqual({
      usageBytes: 15000000,
      workingSetBytes: 0,
      rssBytes: 1000000,
      cacheBytes: 14000000,
      swapBytes: 5000000,
      failcnt: 0,
      inactiveFileBytes: 16000000,
    });
  });

  it('reports zero throttling when cpu.stat is missing', () => {
    expect(byId(samples, B).cpu).toEqual({
      usageSeconds: 2.5,
      userSeconds: 1.5,
      systemSeconds: 0.5,
      cfsPeriods: 0,
      cfsThrottledPeriods: 0,
      cfsThrottledSeconds: 0,
    });
  });

  const counts = (list: BlockDeviceSample[] | undefined) =>
    list?.map(({ device, readBytes, writeBytes, reads, writes }) => ({ device, readBytes, writeBytes, reads, writes }));

  it('uses the recursive throttle files when CFQ has no entries, naming devices through sysfs', () => {
    expect(counts(byId(samples, A).blkio)).toEqual([
      { device: '/dev/vda', readBytes: 1048576, writeBytes: 2097152, reads: 10, writes: 20 },
      { device: '8:0', readBytes: 4096, writeBytes: 0, reads: 1, writes: 0 },
      { device: '7:0', readBytes: 12288, writeBytes: 0, reads: 3, writes: 0 },
    ]);
  });

  it('keeps each device number and its bytes per operation as the kernel lists them', () => {
    expect(byId(samples, A).blkio?.[0]).toMatchObject({
      majorMinor: '253:0',
      byteOps: [
        ['Read', 1048576],
        ['Write', 2097152],
        ['Sync', 2097152],
        ['Async', 1048576],
        ['Discard', 0],
        ['Total', 3145728],
      ],
    });
  });

  it('prefers the CFQ recursive files when they list devices', () => {
    expect(counts(byId(samples, B).blkio)).toEqual([
      { device: '8:16', readBytes: 20480, writeBytes: 28672, reads: 5, writes: 7 },
    ]);
  });

  it('counts processes from cgroup.procs and threads from tasks', () => {
    expect(byId(samples, A)).toMatchObject({ processes: 2, threads: 5 });
    expect(byId(samples, B)).toMatchObject({ processes: 1, threads: 1 });
  });

  it('reads the network namespace of the main process, skipping lo; none for host networking', () => {
    expect(byId(samples, A).network).toEqual([
      {
        interface: 'eth0',
        rxBytes: 123456,
        rxPackets: 789,
        rxErrors: 1,
        rxDropped: 2,
        txBytes: 65432,
        txPackets: 321,
        txErrors: 3,
        txDropped: 4,
      },
    ]);
    expect(byId(samples, B).network).toBeUndefined();
  });

  it('resolves the systemd scope path', () => {
    expect(byId(samples, B).cgroupPath).toBe(`/system.slice/docker-${B}.scope`);
  });
});

describe('cgroupV1Collector on separate cpu and cpuacct hierarchies', () => {
  it('reads cpu and cpuacct from their own dirs and falls through empty BFQ files to the plain throttle files', async () => {
    const collector = cgroupV1Collector({ cgroupRoot: join(fixtures, 'cgroup-v1/split'), procRoot, sysRoot });
    const [a] = await collector.collect([record(A, { pid: 0 })]);
    expect(a).toMatchObject({
      id: A,
      cgroupPath: `/docker/${A}`,
      cpu: { usageSeconds: 1, userSeconds: 0.6, systemSeconds: 0.4, cfsPeriods: 0 },
      memory: { usageBytes: 4096000, workingSetBytes: 4096000, rssBytes: 4096000, swapBytes: 0, oomKills: 0 },
      blkio: [{ device: '/dev/vda', readBytes: 8192, writeBytes: 16384, reads: 2, writes: 4 }],
      processes: 3,
      threads: 4,
    });
    expect(a?.network).toBeUndefined();
  });
});

describe('cgroupV1Collector when cgroups come and go', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dockwatch-cgv1-'));
    cpSync(join(fixtures, 'cgroup-v1/combined'), root, { recursive: true });
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  // On cgroupfs a held descriptor of a removed cgroup reads ENODEV; on these fixture files it would still read, so
  // the vanishing comes with what the kernel gives a restarted or stopped container: another process.
  it('leaves out a container whose cgroup vanished after its path was cached, without throwing', async () => {
    const collector = cgroupV1Collector({ cgroupRoot: root, procRoot, sysRoot });
    expect((await collector.collect([record(A), record(B)])).map((s) => s.id)).toEqual([A, B]);
    for (const controller of ['cpu,cpuacct', 'memory', 'blkio']) {
      rmSync(join(root, controller, 'docker', A), { recursive: true });
    }
    expect((await collector.collect([record(A, { pid: 4243 }), record(B)])).map((s) => s.id)).toEqual([B]);
  });

  it('returns nothing when the cgroup root is not reachable', async () => {
    const collector = cgroupV1Collector({ cgroupRoot: join(root, 'missing'), procRoot, sysRoot });
    await expect(collector.collect([record(A)])).resolves.toEqual([]);
  });
});
