import { join } from 'node:path';
import { availableBlkioStatFiles, findCgroupV1Layout } from '../../../agent/stats/cgroupV1Layout';

const fixtures = join(__dirname, '../../fixtures');

describe('findCgroupV1Layout', () => {
  it('finds cpu and cpuacct in a co-mounted cpu,cpuacct dir without symlinks', async () => {
    const root = join(fixtures, 'cgroup-v1/combined');
    await expect(findCgroupV1Layout(root)).resolves.toEqual({
      cpu: join(root, 'cpu,cpuacct'),
      cpuacct: join(root, 'cpu,cpuacct'),
      memory: join(root, 'memory'),
      blkio: join(root, 'blkio'),
      pids: join(root, 'pids'),
    });
  });

  it('finds separate hierarchies', async () => {
    const root = join(fixtures, 'cgroup-v1/split');
    await expect(findCgroupV1Layout(root)).resolves.toMatchObject({
      cpu: join(root, 'cpu'),
      cpuacct: join(root, 'cpuacct'),
    });
  });

  it('is empty when the root is missing', async () => {
    await expect(findCgroupV1Layout(join(fixtures, 'missing'))).resolves.toEqual({});
  });
});

describe('availableBlkioStatFiles', () => {
  it('keeps CFQ then recursive throttle, dropping the plain throttle pair', async () => {
    const files = await availableBlkioStatFiles(join(fixtures, 'cgroup-v1/combined/blkio'));
    expect(files.map((f) => f.serviced)).toEqual([
      'blkio.io_serviced_recursive',
      'blkio.throttle.io_serviced_recursive',
    ]);
  });

  it('keeps BFQ then the plain throttle pair when the kernel has no recursive throttle files', async () => {
    const files = await availableBlkioStatFiles(join(fixtures, 'cgroup-v1/split/blkio'));
    expect(files.map((f) => f.serviced)).toEqual(['blkio.bfq.io_serviced_recursive', 'blkio.throttle.io_serviced']);
  });

  it('tries every pair when the root shows none', async () => {
    const files = await availableBlkioStatFiles(join(fixtures, 'missing'));
    expect(files).toHaveLength(4);
  });
});
