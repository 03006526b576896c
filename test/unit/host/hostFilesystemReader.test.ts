import { readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { HostFilesystemReader } from '../../../agent/host/hostFilesystemReader';

const procRoot = join(__dirname, '../../fixtures/proc');
const read = (path: string) => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
};

describe('HostFilesystemReader', () => {
  // The fixture's PID 1 root is a directory of this checkout, so statfs(2) answers with this machine's figures.
  const here = statfsSync(join(procRoot, '1', 'root'));

  it("reaches PID 1's mount points through <procRoot>/1/root and reports the reachable ones with their diskstats", () => {
    const sample = new HostFilesystemReader(procRoot, read).sample('/var/lib/docker');
    expect(sample?.filesystems.map((f) => f.device)).toEqual(['/dev/vda', '/dev/vdb1']);
    const [vda, vdb1] = sample?.filesystems ?? [];
    expect(vda).toMatchObject({ majorMinor: '253:0', limitBytes: here.blocks * here.bsize, inodes: here.files });
    expect(vda?.usageBytes).toBeGreaterThan(0);
    expect(vda?.usageBytes).toBeLessThanOrEqual(vda?.limitBytes ?? 0);
    expect(vda?.io).toMatchObject({ reads: 115769, writes: 90351, ioMs: 26940 });
    expect(vdb1?.io).toMatchObject({ reads: 10, sectorsWritten: 160 });
  });

  it("names the filesystem holding the engine's data root, and none for a path on an unreported mount", () => {
    const reader = new HostFilesystemReader(procRoot, read);
    expect(reader.sample('/var/lib/docker')?.dataRootDevice).toBe('/dev/vda');
    expect(reader.sample('/gone/docker')?.dataRootDevice).toBeUndefined();
    expect(reader.sample()?.dataRootDevice).toBeUndefined();
  });

  it('reports nothing without a mount table', () => {
    expect(new HostFilesystemReader(join(procRoot, 'missing'), read).sample()).toBeUndefined();
  });
});
