import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostFilesystems, mountOf, parseMountInfo } from '../../../agent/host/mountInfo';

const mounts = parseMountInfo(readFileSync(join(__dirname, '../../fixtures/proc/1/mountinfo'), 'utf8'));

describe('parseMountInfo', () => {
  it('reads device number, mount point, type and source past the optional fields, unescaping paths', () => {
    expect(mounts[0]).toEqual({ majorMinor: '253:0', mountPoint: '/', fsType: 'ext4', source: '/dev/vda' });
    expect(mounts.find((m) => m.fsType === 'nfs4')).toEqual({
      majorMinor: '0:55',
      mountPoint: '/mnt/with space',
      fsType: 'nfs4',
      source: 'server:/export',
    });
    expect(parseMountInfo('garbage\n\n1 2 3\n')).toEqual([]);
  });
});

describe('hostFilesystems', () => {
  it('lists device filesystems once per source, as cAdvisor, without tmpfs, overlay and proc', () => {
    expect(hostFilesystems(mounts)).toEqual([
      { device: '/dev/vda', majorMinor: '253:0', mountPoint: '/' },
      { device: '/dev/vdb1', majorMinor: '253:16', mountPoint: '/srv' },
      { device: '/dev/sda1', majorMinor: '8:1', mountPoint: '/gone' },
      { device: 'server:/export', majorMinor: '0:55', mountPoint: '/mnt/with space' },
    ]);
  });

  it('keeps the mount at / when a bind of the same source comes first', () => {
    const bindFirst = [mounts[3], mounts[0]].filter((m) => m !== undefined);
    expect(hostFilesystems(bindFirst)).toEqual([{ device: '/dev/vda', majorMinor: '253:0', mountPoint: '/' }]);
  });
});

describe('mountOf', () => {
  it('finds the innermost mount holding a path', () => {
    expect(mountOf(mounts, '/var/lib/docker')?.mountPoint).toBe('/var/lib/docker');
    expect(mountOf(mounts, '/var/lib/docker/overlay2/0123abcd/merged/etc')?.fsType).toBe('overlay');
    expect(mountOf(mounts, '/data2')?.mountPoint).toBe('/');
    expect(mountOf(mounts, '/srv/x')?.source).toBe('/dev/vdb1');
  });
});
