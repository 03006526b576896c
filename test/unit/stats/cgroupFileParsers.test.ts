import { countLines, parseFlatKeyed, parseSingleValue } from '../../../agent/stats/cgroupFileParsers';
import { parseBlkioRwstat } from '../../../agent/stats/cgroupV1Parsers';
import { parseIoStat } from '../../../agent/stats/cgroupV2Parsers';

describe('parseFlatKeyed', () => {
  it('reads key value lines, skipping non-numeric values and blank lines', () => {
    const values = parseFlatKeyed('usage_usec 8523040\nnr_periods 0\n\nbad line\nsome_key max\nlast 7');
    expect([...values]).toEqual([
      ['usage_usec', 8523040],
      ['nr_periods', 0],
      ['last', 7],
    ]);
  });
});

describe('parseSingleValue', () => {
  it('reads one number and is undefined for max or an empty file', () => {
    expect(parseSingleValue('14409728\n')).toBe(14409728);
    expect(parseSingleValue('max\n')).toBeUndefined();
    expect(parseSingleValue('')).toBeUndefined();
  });
});

describe('countLines', () => {
  it('counts non-empty lines with or without a final newline', () => {
    expect(countLines('')).toBe(0);
    expect(countLines('1\n')).toBe(1);
    expect(countLines('1\n2\n3')).toBe(3);
    expect(countLines('1\n\n2\n')).toBe(2);
  });
});

describe('parseBlkioRwstat', () => {
  it('picks Read and Write per device, keeps every op in order and skips the trailing total', () => {
    const text =
      '8:0 Read 10\n8:0 Write 20\n8:0 Sync 20\n8:0 Async 10\n8:0 Discard 5\n8:0 Total 30\n' +
      '8:16 Read 1\n8:16 Write 2\nTotal 33\n';
    expect([...parseBlkioRwstat(text)]).toEqual([
      [
        '8:0',
        {
          read: 10,
          write: 20,
          ops: [
            ['Read', 10],
            ['Write', 20],
            ['Sync', 20],
            ['Async', 10],
            ['Discard', 5],
            ['Total', 30],
          ],
        },
      ],
      [
        '8:16',
        {
          read: 1,
          write: 2,
          ops: [
            ['Read', 1],
            ['Write', 2],
          ],
        },
      ],
    ]);
  });

  it('is empty when only the Total line is there', () => {
    expect(parseBlkioRwstat('Total 0\n').size).toBe(0);
    expect(parseBlkioRwstat('').size).toBe(0);
  });
});

describe('parseIoStat', () => {
  it('reads rbytes, wbytes, rios and wios per device, bytes per operation as runc names them, and ignores other keys', () => {
    const text =
      '253:0 rbytes=1048576 wbytes=4096 rios=12 wios=1 dbytes=0 dios=0\n8:0 rbytes=1 wbytes=2 rios=3 wios=4 cost.usage=9\n';
    expect([...parseIoStat(text)]).toEqual([
      [
        '253:0',
        {
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
      ],
      [
        '8:0',
        {
          readBytes: 1,
          writeBytes: 2,
          reads: 3,
          writes: 4,
          byteOps: [
            ['Read', 1],
            ['Write', 2],
          ],
        },
      ],
    ]);
  });

  it('is empty for an empty file', () => {
    expect(parseIoStat('').size).toBe(0);
  });
});
