import { showControlChars } from './controlChars';
import type { Reply, ReplyTable } from './reply';

const MAX_CELL = 120;

/**
 * Renders a reply as plain text for a terminal: title, text, aligned `name: value` fields, an aligned table, the
 * code block, then each attachment in full under a `--- name ---` line. Pure; control characters are made visible
 * so a container's output cannot drive the terminal.
 */
export function renderText(reply: Reply): string {
  const parts: string[] = [];
  if (reply.title) parts.push(clean(reply.title));
  if (reply.text) parts.push(clean(reply.text));
  if (reply.fields?.length) {
    const width = Math.max(...reply.fields.map((f) => f.name.length));
    parts.push(reply.fields.map((f) => `${`${clean(f.name)}:`.padEnd(width + 2)}${clean(f.value)}`).join('\n'));
  }
  if (reply.table) parts.push(renderTable(reply.table));
  if (reply.code) parts.push(cleanBlock(reply.code.text));
  for (const a of reply.attachments ?? [])
    parts.push(`--- ${clean(a.name)} ---\n${cleanBlock(a.content).replace(/\n$/, '')}`);
  if (reply.buttons?.length) parts.push(reply.buttons.map((b) => `[${clean(b.label)}]`).join(' '));
  return `${parts.join('\n')}\n`;
}

function renderTable(table: ReplyTable): string {
  const rows = [table.columns, ...table.rows].map((row) => row.map(cell));
  const widths = table.columns.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows
    .map((row) =>
      row
        .map((c, i) => (i === row.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - [...c].length)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function cell(text: string): string {
  const one = clean(text).replace(/\s+/g, ' ');
  return one.length > MAX_CELL ? `${one.slice(0, MAX_CELL - 1)}…` : one;
}

function clean(text: string): string {
  return showControlChars(text, false);
}

function cleanBlock(text: string): string {
  return showControlChars(text, true);
}
