import { join } from 'node:path';
import { cgroupV1Collector } from '../../../agent/stats/cgroupV1Collector';
import { cgroupV2Collector } from '../../../agent/stats/cgroupV2Collector';
import type { RootSample } from '../../../agent/stats/rootSample';

const fixtures = join(__dirname, '../../fixtures');
const procRoot = join(fixtures, 'proc');
const sysRoot = join(fixtures, 'sys');
const dataRoot = () => '/var/lib/docker';

/** What every root sample holds whatever the cgroup version: PID 1's network, the host filesystems, boot time. */
function expectHostParts(root: RootSample | undefined) {
  expect(root).toMatchObject({ id: '/', cgroupPath: '/', startTimeSeconds: 1796563077, dataRootDevice: '/dev/vda' });
  expect(root?.network?.map((n) => n.interface)).toEqual(['eth0', 'br-0123456789ab']);
  expect(root?.network?.[0]).toMatchObject({ rxBytes: 415726394, rxDropped: 3, txBytes: 2345622, txDropped: 1 });
  expect(root?.filesystems?.map((f) => f.device)).toEqual(['/dev/vda', '/dev/vdb1']);
}

describe('the root container on cgroup v1', () => {
  let root: RootSample | undefined;

  beforeAll(async () => {
    const collector = cgroupV1Collector({
      cgroupRoot: join(fixtures, 'cgroup-v1/combined'),
      procRoot,
      sysRoot,
      dataRoot,
    });
    root = await collector.collectRoot?.();
    collector.close?.();
  });

  it('reads cpuacct and cpu at the hierarchy root', () => {
    expect(root?.cpu).toEqual({
      usageSeconds: 987.654321,
      userSeconds: 612.34,
      systemSeconds: 234.56,
      cfsPeriods: 0,
      cfsThrottledPeriods: 0,
      cfsThrottledSeconds: 0,
      cfsBurstPeriods: 0,
      cfsBurstSeconds: 0,
    });
  });

  it("reads the memory hierarchy's root like a container's", () => {
    expect(root?.memory).toEqual({
      usageBytes: 3656196096,
      workingSetBytes: 3656196096 - 2005975040,
      rssBytes: 929746944,
      cacheBytes: 2701631488,
      swapBytes: 0,
      failcnt: 0,
      oomKills: 0,
      maxUsageBytes: 4531351552,
      kernelBytes: 384172032,
      mappedFileBytes: 158220288,
      activeFileBytes: 685191168,
      inactiveFileBytes: 2005975040,
      pgfault: 18417,
      pgmajfault: 0,
    });
  });

  it("reads the blkio root's recursive counters", () => {
    expect(root?.blkio).toMatchObject([
      {
        device: '/dev/vda',
        majorMinor: '253:0',
        readBytes: 52428800,
        writeBytes: 104857600,
        reads: 1200,
        writes: 3400,
      },
    ]);
  });

  it("reports the root's limits as cAdvisor's spec does: period, shares, unlimited memory as 0", () => {
    expect(root?.spec).toEqual({
      cpuPeriod: 100000,
      cpuShares: 1024,
      memoryLimitBytes: 0,
      memorySwapLimitBytes: 0,
      memoryReservationBytes: 0,
    });
  });

  it("adds the host network namespace's interfaces (lo, docker*, veth* left out), filesystems and boot time", () => {
    expectHostParts(root);
  });
});

describe('the root container on cgroup v2', () => {
  let root: RootSample | undefined;

  beforeAll(async () => {
    const collector = cgroupV2Collector({ cgroupRoot: join(fixtures, 'cgroup-v2'), procRoot, sysRoot, dataRoot });
    root = await collector.collectRoot?.();
    collector.close?.();
  });

  it("reads the root's cpu.stat", () => {
    expect(root?.cpu).toMatchObject({ usageSeconds: 987.654321, userSeconds: 612.34, systemSeconds: 234.56 });
  });

  it('takes usage and swap from meminfo, as runc does for the root, and the rest from its memory.stat', () => {
    const usage = (16384000 - 4096000) * 1024;
    expect(root?.memory).toEqual({
      usageBytes: usage,
      workingSetBytes: usage - 2005975040,
      rssBytes: 929746944,
      cacheBytes: 2701631488,
      swapBytes: (2097152 - 1048576) * 1024,
      failcnt: 0,
      kernelBytes: 384172032,
      mappedFileBytes: 158220288,
      activeFileBytes: 685191168,
      inactiveFileBytes: 2005975040,
      pgfault: 5906758,
      pgmajfault: 864,
    });
  });

  it("reads the root's io.stat", () => {
    expect(root?.blkio?.map((d) => [d.device, d.readBytes, d.writes])).toEqual([
      ['/dev/vda', 52428800, 3400],
      ['7:0', 0, 0],
    ]);
  });

  it('has the CPU spec cAdvisor gives a root without cpu.max and cpu.weight (0) and no memory limits', () => {
    expect(root?.spec).toEqual({ cpuPeriod: 0, cpuShares: 0 });
  });

  it("reads the root's pressure files (cpu without a full line, as before kernel 5.13)", () => {
    expect(root?.pressure).toEqual({
      cpu: { someUs: 98765432, fullUs: 0 },
      memory: { someUs: 1234, fullUs: 567 },
      io: { someUs: 5000000, fullUs: 4000000 },
    });
  });

  it('adds the same host parts as on v1', () => {
    expectHostParts(root);
  });
});

describe('the root container without a readable hierarchy', () => {
  it('is undefined', async () => {
    const collector = cgroupV1Collector({ cgroupRoot: join(fixtures, 'nowhere'), procRoot, sysRoot });
    await expect(collector.collectRoot?.()).resolves.toBeUndefined();
  });
});
