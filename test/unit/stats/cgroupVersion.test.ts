import { join } from 'node:path';
import { detectCgroupVersion } from '../../../agent/stats/cgroupVersion';

const fixtures = join(__dirname, '../../fixtures');

describe('detectCgroupVersion', () => {
  it('detects a cgroup2 root by cgroup.controllers', async () => {
    await expect(detectCgroupVersion(join(fixtures, 'cgroup-v2'))).resolves.toBe(2);
  });

  it('detects a hybrid v1 host (cpu,cpuacct co-mounted, cgroup2 at unified/) as v1', async () => {
    await expect(detectCgroupVersion(join(fixtures, 'cgroup-v1/combined'))).resolves.toBe(1);
  });

  it('detects separate cpu and cpuacct hierarchies as v1', async () => {
    await expect(detectCgroupVersion(join(fixtures, 'cgroup-v1/split'))).resolves.toBe(1);
  });

  it('is undefined when no cgroup hierarchy is reachable', async () => {
    await expect(detectCgroupVersion(join(fixtures, 'does-not-exist'))).resolves.toBeUndefined();
    await expect(detectCgroupVersion(join(fixtures, 'proc'))).resolves.toBeUndefined();
  });
});
