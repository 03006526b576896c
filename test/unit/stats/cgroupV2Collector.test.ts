import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerRecord } from '../../../agent/inventory/containerRecord';
import { testRecord } from '../../support/records';
import { cgroupV2Collector } from '../../../agent/stats/cgroupV2Collector';
import type { ContainerSample } from '../../../agent/stats/containerSample';

const fixtures = join(__dirname, '../../fixtures');
const cgroupRoot = join(fixtures, 'cgroup-v2');
const procRoot = join(fixtures, 'proc');
const sysRoot = join(fixtures, 'sys');
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const GONE = 'd'.repeat(64);

const record = (id: string, overrides: Partial<ContainerRecord> = {}): ContainerRecord =>
  testRecord(id, { name: `c-${id.slice(0, 4)}`, pid: 4242, ...overrides });

const byId = (samples: ContainerSample[], id: string): ContainerSample => {
  const sample = samples.find((s) => s.id === id);
  if (!sample) throw new Error(`no sample for ${id}`);
  return sample;
};

describe('cgroupV2Collector', () => {
  const collector = cgroupV2Collector({ cgroupRoot, procRoot, sysRoot });
  let samples: ContainerSample[];

  beforeAll(async () => {
    samples = await collector.collect([
      record(A),
      record(B, { pid: 4343 }),
      record(C, { pid: 0, cgroupParent: 'my-app.slice' }),
      record(GONE),
    ]);
  });

  it('is named cgroup-v2 and leaves out a container without a cgroup', () => {
    expect(collector.name).toBe('cgroup-v2');
    expect(samples.map((s) => s.id)).toEqual([A, B, C]);
  });

  it('resolves cgroupfs, systemd and custom-slice paths', () => {
    expect(samples.map((s) => s.cgroupPath)).toEqual([
      `/docker/${A}`,
      `/system.slice/docker-${B}.scope`,
      `/my.slice/my-app.slice/docker-${C}.scope`,
    ]);
  });

  it('converts cpu.stat from microseconds, throttling included', () => {
    expect(byId(samples, A).cpu).toEqual({
      usageSeconds: 8.52304,
      userSeconds: 6.012345,
      systemSeconds: 2.510695,
      cfsPeriods: 120,
      cfsThrottledPeriods: 15,
      cfsThrottledSeconds: 0.25,
      cfsBurstPeriods: 0,
      cfsBurstSeconds: 0,
    });
  });

  it('reports zero throttling without the cpu controller', () => {
    expect(byId(samples, B).cpu).toEqual({
      usageSeconds: 1.5,
      userSeconds: 1,
      systemSeconds: 0.5,
      cfsPeriods: 0,
      cfsThrottledPeriods: 0,
      cfsThrottledSeconds: 0,
    });
  });

  it('derives working set from inactive_file, rss from anon, cache from file, failcnt and oom kills from memory.events', () => {
    expect(byId(samples, A).memory).toEqual({
      usageBytes: 52428800,
      workingSetBytes: 52428800 - 10485760,
      rssBytes: 20971520,
      cacheBytes: 26214400,
      swapBytes: 1048576,
      failcnt: 7,
      oomKills: 1,
      maxUsageBytes: 62914560,
      kernelBytes: 1048576,
      mappedFileBytes: 4194304,
      activeFileBytes: 15728640,
      inactiveFileBytes: 10485760,
      pgfault: 4242,
      pgmajfault: 3,
    });
  });

  it('floors the working set at 0 and reports no swap without memory.swap.current', () => {
    expect(byId(samples, B).memory).toEqual({
      usageBytes: 8192,
      workingSetBytes: 0,
      rssBytes: 4096,
      cacheBytes: 12288,
      swapBytes: 0,
      failcnt: 0,
      oomKills: 0,
      inactiveFileBytes: 12288,
    });
  });

  it('reads io.stat per device, naming devices through sysfs and keeping bytes per operation', () => {
    expect(byId(samples, A).blkio).toEqual([
      {
        device: '/dev/vda',
        majorMinor: '253:0',
        readBytes: 1048576,
        writeBytes: 4096,
        reads: 12,
        writes: 1,
        byteOps: [
          ['Read', 1048576],
          ['Write', 4096],
          ['Discard', 0],
        ],
      },
      {
        device: '8:0',
        majorMinor: '8:0',
        readBytes: 512,
        writeBytes: 1024,
        reads: 1,
        writes: 2,
        byteOps: [
          ['Read', 512],
          ['Write', 1024],
          ['Discard', 0],
        ],
      },
    ]);
    expect(byId(samples, B).blkio).toBeUndefined();
  });

  it('reads the PSI totals of cpu, memory and io pressure, none where the files are missing', () => {
    expect(byId(samples, A).pressure).toEqual({
      cpu: { someUs: 2500000, fullUs: 1500000 },
      memory: { someUs: 40000, fullUs: 30000 },
      io: { someUs: 700000, fullUs: 600000 },
    });
    expect(byId(samples, B).pressure).toBeUndefined();
  });

  it('counts processes and threads', () => {
    expect(byId(samples, A)).toMatchObject({ processes: 3, threads: 7 });
    expect(byId(samples, B)).toMatchObject({ processes: 1, threads: 1 });
  });

  it('reads the network namespace of the main process; an empty list when only lo is there; none without a pid', () => {
    expect(byId(samples, A).network?.map((n) => n.interface)).toEqual(['eth0']);
    expect(byId(samples, B).network).toEqual([]);
    expect(byId(samples, C).network).toBeUndefined();
  });
});

describe('cgroupV2Collector when cgroups come and go', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dockwatch-cgv2-'));
    cpSync(cgroupRoot, root, { recursive: true });
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('leaves out a container whose cgroup vanished after its path was cached, and finds one that appears later', async () => {
    const collector = cgroupV2Collector({ cgroupRoot: root, procRoot, sysRoot });
    expect((await collector.collect([record(A), record(GONE)])).map((s) => s.id)).toEqual([A]);
    cpSync(join(root, 'docker', A), join(root, 'docker', GONE), { recursive: true });
    rmSync(join(root, 'docker', A), { recursive: true });
    // A stopped or restarted container has another process (cgroupfs itself answers ENODEV to held descriptors).
    expect((await collector.collect([record(A, { pid: 4243 }), record(GONE)])).map((s) => s.id)).toEqual([GONE]);
  });
});
