import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockDeviceNamer, defaultSysRoot, parseUeventDevName } from '../../../agent/stats/blockDevices';

const sysRoot = join(__dirname, '../../fixtures/sys');

describe('defaultSysRoot', () => {
  it('is the parent of the parent of the cgroup root', () => {
    expect(defaultSysRoot('/sys/fs/cgroup')).toBe('/sys');
    expect(defaultSysRoot('/host/sys/fs/cgroup')).toBe('/host/sys');
    expect(defaultSysRoot('/host/sys/fs/cgroup/')).toBe('/host/sys');
  });
});

describe('parseUeventDevName', () => {
  it('takes DEVNAME', () => {
    expect(parseUeventDevName('MAJOR=8\nMINOR=0\nDEVNAME=sda\nDEVTYPE=disk\n')).toBe('sda');
    expect(parseUeventDevName('MAJOR=8\nMINOR=0\n')).toBeUndefined();
  });
});

describe('BlockDeviceNamer', () => {
  it('names devices /dev/<DEVNAME> and falls back to MAJ:MIN for unknown devices and those cAdvisor skips', async () => {
    const namer = new BlockDeviceNamer(sysRoot);
    await expect(namer.name('253:0')).resolves.toBe('/dev/vda');
    await expect(namer.name('8:0')).resolves.toBe('8:0');
    await expect(namer.name('7:0')).resolves.toBe('7:0');
  });

  it('looks each device up once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dockwatch-sys-'));
    try {
      mkdirSync(join(root, 'dev/block/259:0'), { recursive: true });
      writeFileSync(join(root, 'dev/block/259:0/uevent'), 'DEVNAME=nvme0n1\n');
      const namer = new BlockDeviceNamer(root);
      await expect(namer.name('259:0')).resolves.toBe('/dev/nvme0n1');
      writeFileSync(join(root, 'dev/block/259:0/uevent'), 'DEVNAME=changed\n');
      await expect(namer.name('259:0')).resolves.toBe('/dev/nvme0n1');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('turns counters keyed by MAJ:MIN into named samples in order, keeping the number', async () => {
    const namer = new BlockDeviceNamer(sysRoot);
    const counters = new Map([
      ['8:0', { readBytes: 1, writeBytes: 2, reads: 3, writes: 4 }],
      ['253:0', { readBytes: 5, writeBytes: 6, reads: 7, writes: 8 }],
    ]);
    await expect(namer.samples(counters)).resolves.toEqual([
      { device: '8:0', majorMinor: '8:0', readBytes: 1, writeBytes: 2, reads: 3, writes: 4 },
      { device: '/dev/vda', majorMinor: '253:0', readBytes: 5, writeBytes: 6, reads: 7, writes: 8 },
    ]);
  });
});
