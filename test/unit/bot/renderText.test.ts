import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderText } from '../../../bot/core/renderText';
import type { Reply } from '../../../bot/core/reply';

const expected = (name: string) => readFileSync(join(__dirname, 'expected', name), 'utf8');

describe('console renderer', () => {
  it('renders a table with aligned columns', () => {
    const reply: Reply = {
      status: 'ok',
      title: 'Containers on host-a',
      table: {
        columns: ['NAME', 'STATE', 'HEALTH', 'IMAGE', 'STATUS'],
        rows: [
          ['db', 'running', '', 'postgres:16', 'up since 2h ago'],
          ['web-☃', 'exited', 'unhealthy', 'app:1', ''],
        ],
      },
    };
    expect(renderText(reply)).toBe(expected('ps.txt'));
  });

  it('renders fields, a code block and attachments in full', () => {
    const reply: Reply = {
      status: 'ok',
      title: 'Inspect web-1',
      fields: [
        { name: 'ID', value: '0123456789ab' },
        { name: 'Restart policy', value: 'always' },
      ],
      code: { text: 'PATH=/bin\nDB_PASSWORD=<redacted>' },
      attachments: [{ name: 'web-1.log', content: 'line 1\nline 2\n' }],
    };
    expect(renderText(reply)).toBe(expected('inspect.txt'));
  });

  it('makes control characters from container output visible instead of passing them to the terminal', () => {
    const reply: Reply = { status: 'ok', title: 'Logs of web-1', code: { text: 'red \u001b[31mtext\u001b[0m\tok\r' } };
    expect(renderText(reply)).toBe('Logs of web-1\nred \\x1b[31mtext\\x1b[0m\tok\\x0d\n');
  });

  it('renders a denial', () => {
    expect(renderText({ status: 'denied', title: 'Denied', text: 'no role of console:bob (viewer) allows stop' })).toBe(
      'Denied\nno role of console:bob (viewer) allows stop\n',
    );
  });
});
