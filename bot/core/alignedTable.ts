import type { ReplyTable } from './reply';

const MAX_CELL = 120;

/**
 * A table as monospace text: columns padded to their widest cell (counted in code points), two spaces apart, each
 * cell on one line and cut at 120 characters. `clean` runs on each cell first (e.g. making control characters
 * visible); platform escaping is the caller's.
 */
export function alignedTable(table: ReplyTable, clean: (text: string) => string = (text) => text): string {
  const rows = [table.columns, ...table.rows].map((row) => row.map((text) => cell(clean(text))));
  const widths = table.columns.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows
    .map((row) =>
      row
        .map((c, i) => (i === row.length - 1 ? c : c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...c].length))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function cell(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  const chars = [...one];
  return chars.length > MAX_CELL ? `${chars.slice(0, MAX_CELL - 1).join('')}…` : one;
}
