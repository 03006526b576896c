import { alignedTable } from '../../../bot/core/alignedTable';

// The monospace table every chat reply uses: columns padded to their widest cell in code points.

describe('alignedTable', () => {
  it('pads each column to its widest cell, counting a character outside the BMP as one', () => {
    const text = alignedTable({
      columns: ['NAME', 'STATE'],
      rows: [
        ['web😀😀', 'running'],
        ['db', 'exited'],
      ],
    });
    expect(text.split('\n')).toEqual(['NAME   STATE', 'web😀😀  running', 'db     exited']);
  });

  it('puts each cell on one line and cuts it at 120 code points, surrogate pairs kept whole', () => {
    const long = `${'a'.repeat(118)}😀😀😀`;
    const [, row] = alignedTable({
      columns: ['X', 'Y'],
      rows: [
        [long, 'end'],
        ['two\nlines\tand  tabs', ''],
      ],
    }).split('\n');
    expect([...(row ?? '')].slice(0, 120).join('')).toBe(`${'a'.repeat(118)}😀…`);
    const table = alignedTable({ columns: ['X'], rows: [['two\nlines\tand  tabs']] });
    expect(table.split('\n')[1]).toBe('two lines and tabs');
  });

  it('applies the clean function to every cell before measuring it', () => {
    const text = alignedTable({ columns: ['A', 'B'], rows: [['\u001b', 'x']] }, (t) => t.replace('\u001b', '\\x1b'));
    expect(text.split('\n')).toEqual(['A     B', '\\x1b  x']);
  });
});
