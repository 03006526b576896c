import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ButtonIds } from '../../../bot/adapters/discord/buttonIds';
import {
  DISCORD_MESSAGE_LIMITS,
  renderDiscordProgress,
  renderDiscordReply,
  type DiscordMessage,
} from '../../../bot/adapters/discord/discordRender';
import { ProgressEdits } from '../../../bot/adapters/discord/progressEdits';
import { createLogger } from '../../../shared/logger';
import type { Reply } from '../../../bot/core/reply';

const DIR = join(__dirname, 'expected', 'discord');

/** The rendered message compared with `expected/discord/<name>.json` (UPDATE_EXPECTED=1 writes a missing file). */
function expectRendered(name: string, actual: DiscordMessage): void {
  const file = join(DIR, `${name}.json`);
  const json = `${JSON.stringify(actual, null, 2)}\n`;
  if (!existsSync(file) && process.env.UPDATE_EXPECTED === '1') writeFileSync(file, json);
  expect(json).toBe(readFileSync(file, 'utf8'));
}

const sequentialTokens = () => {
  let n = 0;
  return new ButtonIds(
    3_600_000,
    () => 0,
    () => `token${++n}`,
  );
};

describe('Discord renderer', () => {
  it('renders a table as an aligned code block in a green embed', () => {
    const reply: Reply = {
      status: 'ok',
      title: 'Containers on host-a',
      table: {
        columns: ['NAME', 'STATE', 'HEALTH', 'IMAGE'],
        rows: [
          ['db', 'running', '', 'postgres:16'],
          ['web_1', 'exited', 'unhealthy', 'app:1'],
        ],
      },
    };
    expectRendered('ps', renderDiscordReply(reply));
  });

  it('renders fields, a code block and attachments as files', () => {
    const reply: Reply = {
      status: 'ok',
      title: 'Inspect web-1',
      fields: [
        { name: 'ID', value: '0123456789ab' },
        { name: 'Restart policy', value: 'always' },
        { name: 'Command', value: 'sh -c "echo *hi*"\nsleep 1' },
      ],
      code: { text: 'PATH=/bin\nDB_PASSWORD=<redacted>' },
      attachments: [{ name: '../web-1.log', content: 'line 1\nline 2\n' }],
    };
    expectRendered('inspect', renderDiscordReply(reply));
  });

  it('says a field longer than Discord allows was cut and attaches the whole of it', () => {
    const labels = Array.from({ length: 60 }, (_, i) => `com.example.label-${i}=value-${i}`).join(', ');
    expect(labels.length).toBeGreaterThan(DISCORD_MESSAGE_LIMITS.fieldValue);
    const reply: Reply = {
      status: 'ok',
      title: 'Inspect web-1',
      fields: [
        { name: 'ID', value: '0123456789ab' },
        { name: 'Labels', value: labels },
      ],
    };
    const message = renderDiscordReply(reply);
    const field = message.embeds[0]?.fields?.find((f) => f.name === 'Labels');
    expect(field?.value.length).toBeLessThanOrEqual(DISCORD_MESSAGE_LIMITS.fieldValue);
    expect(field?.value).toMatch(
      new RegExp(`…\\n\\(cut here; all ${labels.length} characters are in Inspect-web-1-Labels\\.txt\\)$`),
    );
    expect(message.files).toEqual([{ name: 'Inspect-web-1-Labels.txt', content: `${labels}\n` }]);
  });

  it('renders a confirmation with buttons; ids past 100 characters become tokens the adapter resolves', () => {
    const ids = sequentialTokens();
    const long = `run:silence rule=crashed,container=${'a'.repeat(80)} 1h --host h`;
    const reply: Reply = {
      status: 'confirm',
      title: 'Confirmation needed',
      text: 'Really stop web? Only discord:42 can confirm; this expires in 60s.',
      buttons: [
        { id: 'confirm:abc', label: 'Yes, stop', style: 'danger' },
        { id: 'cancel:abc', label: 'Cancel', style: 'secondary' },
        { id: long, label: 'Silence', style: 'primary' },
      ],
    };
    const message = renderDiscordReply(reply, (id) => ids.customId(id));
    expectRendered('confirm', message);
    expect(ids.resolve('dw:token1')).toEqual({ ok: true, id: long });
    expect(ids.resolve('confirm:abc')).toEqual({ ok: true, id: 'confirm:abc' });
  });

  it('renders a denial in red with the reason', () => {
    expectRendered(
      'denied',
      renderDiscordReply({ status: 'denied', title: 'Denied', text: 'no role of discord:42 (viewer) allows stop' }),
    );
  });

  it('sends a table too long for an embed as <title>.txt', () => {
    const rows = Array.from({ length: 300 }, (_, i) => [`container-${i}`, 'running', `image-${i}:latest`]);
    const message = renderDiscordReply({
      status: 'ok',
      title: 'Containers on host-a',
      table: { columns: ['NAME', 'STATE', 'IMAGE'], rows },
    });
    expect(message.files.map((f) => f.name)).toEqual(['Containers-on-host-a.txt']);
    const lines = message.files[0]?.content.trimEnd().split('\n') ?? [];
    expect(lines).toHaveLength(301);
    expect(lines[1]).toBe('container-0    running  image-0:latest');
    expect(message.embeds[0]?.description).toBe('(Containers-on-host-a.txt attached)');
    expect(JSON.stringify(message.embeds).length).toBeLessThan(6000);
  });

  it('keeps container text literal: no markdown, no mentions, no escape from the code block', () => {
    const message = renderDiscordReply({
      status: 'failed',
      title: 'Logs of **web** <@123>',
      text: 'ping @everyone and @here [x](http://evil)',
      code: { text: 'ok\n```\n@everyone **bold**\n\u001b[31mred' },
    });
    const embed = message.embeds[0];
    expect(embed?.title).toBe('Logs of \\*\\*web\\*\\* \\<@123\\>');
    expect(embed?.description).toBe(
      'ping @\u200beveryone and @\u200bhere \\[x\\]\\(http://evil\\)\n```\nok\n`\u200b``\n@everyone **bold**\n\\x1b[31mred\n```',
    );
    expect(embed?.description?.match(/```/g)).toHaveLength(2);
    expect(message.allowedMentions).toEqual({ parse: [] });
  });

  it('puts at most five buttons in a row', () => {
    const buttons = Array.from({ length: 7 }, (_, i) => ({
      id: `run:ps ${i}`,
      label: `B${i}`,
      style: 'secondary' as const,
    }));
    const message = renderDiscordReply({ status: 'ok', text: 'pick', buttons });
    expect(message.components.map((row) => row.components.length)).toEqual([5, 2]);
  });

  it('gives an empty reply some text (Discord refuses an empty embed)', () => {
    expect(renderDiscordReply({ status: 'ok' }).embeds[0]?.description).toBe('Done.');
  });
});

describe('button ids', () => {
  it('forgets a stand-in id after an hour and reports it as expired', () => {
    let now = 0;
    const ids = new ButtonIds(
      3_600_000,
      () => now,
      () => 'x',
    );
    const custom = ids.customId(`run:${'y'.repeat(120)}`);
    expect(custom).toBe('dw:x');
    now = 3_599_999;
    expect(ids.resolve(custom).ok).toBe(true);
    now = 3_600_000;
    expect(ids.resolve(custom)).toEqual({ ok: false, reason: 'expired' });
    expect(ids.size).toBe(0);
  });

  it('reports an unknown token as expired and passes short ids through', () => {
    const ids = new ButtonIds();
    expect(ids.resolve('dw:never-issued')).toEqual({ ok: false, reason: 'expired' });
    expect(ids.customId('confirm:1')).toBe('confirm:1');
  });
});

describe('progress edits', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('shows the steps so far, at most one edit per second, and never after the final reply', async () => {
    const edits: string[][] = [];
    const logger = createLogger({ level: 'error', format: 'text', silent: true });
    const progress = new ProgressEdits(
      async (steps) => edits.push([...steps]),
      logger,
      1000,
      () => Date.now(),
    );
    progress.step('pulling image');
    await jest.advanceTimersByTimeAsync(0);
    expect(edits).toEqual([['pulling image']]);
    progress.step('creating container');
    progress.step('starting');
    await jest.advanceTimersByTimeAsync(999);
    expect(edits).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(edits).toEqual([['pulling image'], ['pulling image', 'creating container', 'starting']]);
    progress.step('health check');
    await progress.finish();
    await jest.advanceTimersByTimeAsync(5000);
    expect(edits).toHaveLength(2);
  });

  it('renders the steps under what runs', () => {
    const message = renderDiscordProgress('rollback web', ['stopping *web*', 'starting']);
    expect(message.embeds[0]?.description).toBe('Running rollback web…\n• stopping \\*web\\*\n• starting');
    expect(message.components).toEqual([]);
  });
});
