import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ButtonTokens, MAX_ACTION_ID } from '../../../bot/adapters/slack/buttonTokens';
import { renderSlack, SLACK_INLINE_LIMIT, type SlackMessage } from '../../../bot/adapters/slack/slackRender';
import type { Reply } from '../../../bot/core/reply';

const expected = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, 'expected', 'slack', name), 'utf8')) as unknown;

const rows = (count: number) =>
  Array.from({ length: count }, (_, i) => [`web-${i}`, 'running', 'healthy', 'registry.local/app:1.2.3', '2h ago']);

const PS: Reply = {
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

describe('Slack Block Kit renderer', () => {
  it('renders a title as a header and a table as an aligned preformatted block', () => {
    expect(renderSlack(PS)).toEqual(expected('ps.json'));
  });

  it('renders a confirmation with danger and plain buttons, escaping user text', () => {
    const reply: Reply = {
      status: 'confirm',
      title: 'Confirmation needed',
      text: 'Really stop <!channel> & web? Only slack:U1 can confirm; this expires in 1m.',
      buttons: [
        { id: 'confirm:abc123', label: 'Yes, stop', style: 'danger' },
        { id: 'cancel:abc123', label: 'Cancel', style: 'secondary' },
      ],
    };
    expect(renderSlack(reply)).toEqual(expected('confirm.json'));
  });

  it('puts at most 10 fields in a section and the code in a preformatted block', () => {
    const reply: Reply = {
      status: 'ok',
      title: 'Inspect web-1',
      fields: Array.from({ length: 12 }, (_, i) => ({
        name: `Field ${i + 1}`,
        value: i === 0 ? '<@U123>' : `v${i + 1}`,
      })),
      code: { text: 'PATH=/bin\nDB_PASSWORD=<redacted>\nnot ``` closed\ttab' },
    };
    expect(renderSlack(reply)).toEqual(expected('inspect.json'));
  });

  it('says a field too long for Slack was cut: attached whole, or cut in a private reply', () => {
    const labels = Array.from({ length: 100 }, (_, i) => `com.example.label-${i}=value-${i}`).join(', ');
    const reply: Reply = { status: 'ok', title: 'Inspect web-1', fields: [{ name: 'Labels', value: labels }] };
    const attached = renderSlack(reply);
    expect(attached.files).toEqual([{ name: 'inspect-web-1-labels.txt', content: `${labels}\n` }]);
    expect(JSON.stringify(attached.blocks)).toContain(
      `Labels (${labels.length} characters) is cut to its beginning; the whole is attached as *inspect-web-1-labels.txt*`,
    );
    const cut = renderSlack(reply, { longContent: 'cut' });
    expect(cut.files).toEqual([]);
    expect(JSON.stringify(cut.blocks)).toContain(`Labels (${labels.length} characters) is cut to its beginning`);
  });

  it('marks a reply without a title by its status', () => {
    expect(renderSlack({ status: 'invalid', text: 'unknown container "nope"' })).toEqual(expected('invalid.json'));
  });

  it('sends attachments as files and says they are attached', () => {
    const reply: Reply = {
      status: 'ok',
      title: 'Logs of web-1',
      text: '300 lines, attached',
      attachments: [{ name: 'web-1 2026-12-02.log', content: 'line 1\nline 2\n' }],
    };
    expect(renderSlack(reply)).toEqual(expected('logs-attached.json'));
  });

  it(`sends a table longer than ${SLACK_INLINE_LIMIT} characters as a file instead of inline`, () => {
    const message = renderSlack({
      status: 'ok',
      title: 'Containers on host-a',
      table: { columns: PS.table?.columns ?? [], rows: rows(80) },
    });
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'context']);
    expect(textOf(message)).toContain(':paperclip: The table (80 rows) is attached as *containers-on-host-a.txt*');
    expect(message.files).toHaveLength(1);
    expect(message.files[0]?.name).toBe('containers-on-host-a.txt');
    expect(message.files[0]?.content.split('\n')[1]).toBe('web-0   running  healthy  registry.local/app:1.2.3  2h ago');
  });

  it('shows the beginning of long content inline instead of uploading it when asked to cut (private replies)', () => {
    const reply: Reply = {
      status: 'ok',
      title: 'Inspect web-1',
      code: { text: 'A=<x>\n'.repeat(1000) },
      attachments: [{ name: 'env.txt', content: 'B=2\n'.repeat(2000) }],
    };
    const message = renderSlack(reply, { longContent: 'cut' });
    expect(message.files).toEqual([]);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    const code = (message.blocks[1] as { text: { text: string } }).text.text;
    expect(code.length).toBeLessThanOrEqual(SLACK_INLINE_LIMIT);
    expect(code).toMatch(/^```\nA=&lt;x&gt;\nA=&lt;x&gt;\n[^]*…\n```$/);
    expect(textOf(message)).toContain(':scissors: The output is cut to its beginning (too long for a private message)');
    expect(textOf(message)).toContain(':scissors: env.txt is cut to its beginning');
  });

  it('keeps every block within Slack limits for very long text', () => {
    const message = renderSlack({ status: 'failed', title: 'x'.repeat(400), text: '&'.repeat(5000) });
    const header = message.blocks[0] as { text: { text: string } };
    const section = message.blocks[1] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    expect(section.text.text).toMatch(/^(&amp;)+…$/);
    expect(message.text.length).toBeLessThanOrEqual(3000);
  });

  it('names buttons through the action id mapping', () => {
    const message = renderSlack(
      {
        status: 'failed',
        title: 'Firing',
        buttons: [{ id: 'run:logs web --tail 50', label: 'Logs', style: 'primary' }],
      },
      { actionId: (id) => `mapped:${id.length}` },
    );
    expect(message.blocks[1]).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Logs', emoji: true },
          action_id: 'mapped:22',
          value: 'mapped:22',
          style: 'primary',
        },
      ],
    });
  });
});

describe('Slack button tokens', () => {
  it('keeps short ids as they are and maps long ones to short tokens that resolve back', () => {
    const tokens = new ButtonTokens();
    expect(tokens.actionId('confirm:abc')).toBe('confirm:abc');
    const long = `run:silence rule=${'x'.repeat(300)} 1h`;
    const token = tokens.actionId(long);
    expect(token.length).toBeLessThanOrEqual(MAX_ACTION_ID);
    expect(tokens.resolve(token)).toEqual({ ok: true, id: long });
    expect(tokens.resolve('confirm:abc')).toEqual({ ok: true, id: 'confirm:abc' });
  });

  it('forgets tokens after their time to live', () => {
    let now = 1_000;
    const tokens = new ButtonTokens(60_000, () => now);
    const token = tokens.actionId(`run:${'y'.repeat(300)}`);
    now += 60_000;
    expect(tokens.resolve(token)).toEqual({ ok: false });
    expect(new ButtonTokens().resolve(token)).toEqual({ ok: false });
  });
});

function textOf(message: SlackMessage): string {
  return JSON.stringify(message.blocks);
}
