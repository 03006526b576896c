import type { ReplyTable } from './reply';

const MAX_CELL = 120;

/**
 * A table as monospace text: columns padded to their widest cell (counted in code points), two spaces apart, each
 * cell on one line and cut at 120 characters. `clean` runs on each cell first (e.g. making control characters
 * visible); platform escaping is the caller's.
 */
export function alignedTable(table: ReplyTable, clean: (text: string) => string = (text) => text): string {
  const rows = [table.columns, ...table.rows].map((row) => row.map((text) => cell(clean(text))));
  const widths = table.columns.map(() => 0);
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, codePoints(c))));
  return rows
    .map((row) =>
      row
        .map((c, i) => (i === row.length - 1 ? c : c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - codePoints(c)))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Surrogate halves: a string without them has as many code points as UTF-16 units. */
const SURROGATE = /[\uD800-\uDFFF]/;

function codePoints(text: string): number {
  return SURROGATE.test(text) ? [...text].length : text.length;
}

function cell(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  if (one.length <= MAX_CELL) return one;
  const chars = [...one];
  return chars.length > MAX_CELL ? `${chars.slice(0, MAX_CELL - 1).join('')}…` : one;
}
