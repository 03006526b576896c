import { showControlChars } from '../../shared/controlChars';
import { alignedTable } from './alignedTable';
import type { Reply } from './reply';

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
  if (reply.table) parts.push(alignedTable(reply.table, clean));
  if (reply.code) parts.push(cleanBlock(reply.code.text));
  for (const a of reply.attachments ?? [])
    parts.push(`--- ${clean(a.name)} ---\n${cleanBlock(a.content).replace(/\n$/, '')}`);
  if (reply.buttons?.length) parts.push(reply.buttons.map((b) => `[${clean(b.label)}]`).join(' '));
  return `${parts.join('\n')}\n`;
}

function clean(text: string): string {
  return showControlChars(text, false);
}

function cleanBlock(text: string): string {
  return showControlChars(text, true);
}
