import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDiskStats } from '../../../agent/host/diskStats';
import { countTopology } from '../../../agent/host/machineFacts';
import { meminfoUsage, parseMeminfo } from '../../../agent/host/procMeminfo';
import { parseBootTime } from '../../../agent/host/procStat';

const proc = (name: string) => readFileSync(join(__dirname, '../../fixtures/proc', name), 'utf8');

describe('parseMeminfo', () => {
  it('turns kB fields into bytes and keeps unitless counts', () => {
    const m = parseMeminfo(proc('meminfo'));
    expect(m.get('MemTotal')).toBe(16384000 * 1024);
    expect(m.get('SwapFree')).toBe(1048576 * 1024);
    expect(m.get('HugePages_Total')).toBe(0);
    expect(m.has('Nope')).toBe(false);
  });

  it('gives the v2 root usage as runc emulates it: MemTotal - MemFree, swap SwapTotal - SwapFree', () => {
    expect(meminfoUsage(parseMeminfo(proc('meminfo')))).toEqual({
      usageBytes: (16384000 - 4096000) * 1024,
      swapBytes: (2097152 - 1048576) * 1024,
    });
    expect(meminfoUsage(parseMeminfo('SwapTotal: 1 kB\n'))).toBeUndefined();
  });
});

describe('parseDiskStats', () => {
  it('keys each device by MAJ:MIN with the 11 classic counters, times in ms', () => {
    const d = parseDiskStats(proc('diskstats'));
    expect([...d.keys()]).toEqual(['7:0', '253:0', '253:16']);
    expect(d.get('253:0')).toEqual({
      reads: 115769,
      readsMerged: 22994,
      sectorsRead: 4129994,
      readMs: 17576,
      writes: 90351,
      writesMerged: 187281,
      sectorsWritten: 7878576,
      writeMs: 138213,
      ioInProgress: 0,
      ioMs: 26940,
      weightedIoMs: 166089,
    });
    expect(d.get('253:16')?.ioInProgress).toBe(1);
  });

  it('skips short and malformed lines', () => {
    expect(parseDiskStats('8 0 sda 1 2 3\n8 1 sda1 x 0 0 0 0 0 0 0 0 0 0\n').size).toBe(0);
  });
});

describe('parseBootTime', () => {
  it('reads btime from /proc/stat', () => {
    expect(parseBootTime(proc('stat'))).toBe(1796563077);
    expect(parseBootTime('cpu 1 2 3\n')).toBeUndefined();
  });
});

describe('countTopology', () => {
  it('counts sockets and physical cores from package and core ids (hyperthreads share a core)', () => {
    expect(
      countTopology([
        { packageId: '0', coreId: '0' },
        { packageId: '0', coreId: '0' },
        { packageId: '0', coreId: '1' },
        { packageId: '1', coreId: '0' },
      ]),
    ).toEqual({ physicalCores: 3, sockets: 2 });
  });
});
