import { renderDiscordLive, scrollDiscordWindow, DISCORD_LIVE_BUDGET } from '../../../bot/adapters/discord/discordLive';
import { DISCORD_MESSAGE_LIMITS } from '../../../bot/adapters/discord/discordRender';
import { renderSlackLiveBatch, slackLiveCost, SLACK_LIVE_BUDGET } from '../../../bot/adapters/slack/slackLive';
import type { LogLine } from '../../../bot/agentClient';
import { parseCommand } from '../../../bot/core/commandParser';
import { COMMANDS } from '../../../bot/commands/commandTable';
import { LiveFeed } from '../../../bot/live/liveFeed';
import { cutLine, fitNewest, plainCost, scrollWindow, skippedNote } from '../../../bot/live/liveLines';
import { pumpLive } from '../../../bot/live/livePump';
import { LogLineSplitter } from '../../../bot/logLineSplitter';

/** A source the test pushes lines into; it ends when `end()` is called or the signal aborts. */
class Source {
  private queue: LogLine[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  error: Error | undefined;
  opened = 0;
  aborted = false;

  push(...texts: string[]): void {
    this.queue.push(...texts.map((text) => ({ stream: 'stdout' as const, text })));
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *open(signal: AbortSignal): AsyncGenerator<LogLine> {
    this.opened += 1;
    signal.addEventListener('abort', () => {
      this.aborted = true;
      this.wake?.();
    });
    for (;;) {
      while (this.queue.length) yield this.queue.shift() as LogLine;
      if (this.error) throw this.error;
      if (this.ended || signal.aborted) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function feed(source: Source, extra: Partial<ConstructorParameters<typeof LiveFeed>[0]> = {}): LiveFeed {
  return new LiveFeed({ title: 'Logs of web', what: 'web', durationMs: 60_000, open: (s) => source.open(s), ...extra });
}

describe('live lines (pure)', () => {
  it('keeps the newest lines that fit and counts the older ones', () => {
    expect(fitNewest(['aaaa', 'bb', 'cc'], 6, plainCost)).toEqual({ lines: ['bb', 'cc'], dropped: 1 });
    expect(fitNewest(['aaaa'], 3, plainCost)).toEqual({ lines: [], dropped: 1 });
    expect(fitNewest([], 3, plainCost)).toEqual({ lines: [], dropped: 0 });
  });

  it('scrolls a window: old lines leave at the top as new ones come', () => {
    expect(scrollWindow(['1', '2'], ['3', '4'], 6, plainCost)).toEqual(['2', '3', '4']);
  });

  it('cuts long lines, keeping code points whole, and says how many were skipped', () => {
    expect(cutLine('x'.repeat(600))).toHaveLength(500);
    expect(cutLine('x'.repeat(600)).endsWith('…')).toBe(true);
    expect(cutLine(`${'a'.repeat(8)}😀😀`, 10)).toBe(`${'a'.repeat(8)}…`);
    expect(skippedNote(1)).toBe('… 1 line skipped');
    expect(skippedNote(12)).toBe('… 12 lines skipped');
  });
});

describe('the live feed', () => {
  it('buffers at most `capacity` lines, dropping the oldest and counting them as skipped', async () => {
    const source = new Source();
    const live = feed(source, { capacity: 3 });
    live.start();
    source.push('1', '2', '3', '4', '5');
    await tick();
    expect(live.take(Infinity, plainCost)).toEqual({ lines: ['3', '4', '5'], skipped: 2 });
    source.push('6');
    await tick();
    expect(live.take(2, plainCost)).toEqual({ lines: ['6'], skipped: 0 });
    live.stop({ kind: 'stopped', by: 'discord:alice' });
    await live.done;
    expect(live.finished).toBe(true);
    expect(source.aborted).toBe(true);
    expect(live.summary().text).toMatch(/stopped by discord:alice\. 4 lines shown, 2 skipped\.$/);
  });

  it('ends when the stream ends (the container stopped), with every line still taken before finished', async () => {
    const source = new Source();
    const live = feed(source);
    live.start();
    source.push('a', 'b');
    source.end();
    await expect(live.done).resolves.toEqual({ kind: 'ended' });
    expect(live.finished).toBe(false);
    expect(live.take(Infinity, plainCost).lines).toEqual(['a', 'b']);
    expect(live.finished).toBe(true);
    expect(live.summary()).toMatchObject({ status: 'ok', text: expect.stringContaining('the container stopped') });
  });

  it('ends when its duration runs out, and says so', async () => {
    jest.useFakeTimers();
    try {
      const source = new Source();
      const live = feed(source, { durationMs: 5000 });
      live.start();
      jest.advanceTimersByTime(5000);
      await live.done;
      expect(live.summary().text).toContain('its duration of 5s ran out');
    } finally {
      jest.useRealTimers();
    }
  });

  it('says the stream failed with its error', async () => {
    const source = new Source();
    source.error = new Error('host a is unreachable: connect ECONNREFUSED');
    const live = feed(source);
    live.start();
    await live.done;
    expect(live.summary()).toMatchObject({ status: 'failed', text: expect.stringContaining('ECONNREFUSED') });
  });

  it('never opens the stream when stopped before it started', async () => {
    const source = new Source();
    const live = feed(source);
    live.abandon('cannot post here');
    await live.done;
    expect(source.opened).toBe(0);
    expect(live.summary().text).toContain('cannot post here');
  });
});

describe('pumpLive', () => {
  it('sends at most once per interval, batching what came in between, then returns the final state', async () => {
    const source = new Source();
    const live = feed(source);
    live.start();
    const sent: { at: number; lines: string[] }[] = [];
    const started = Date.now();
    const pumped = pumpLive(live, {
      intervalMs: 200,
      budget: Infinity,
      cost: plainCost,
      send: async ({ lines }) => void sent.push({ at: Date.now() - started, lines }),
    });
    source.push('1');
    await new Promise((resolve) => setTimeout(resolve, 20));
    source.push('2', '3');
    await new Promise((resolve) => setTimeout(resolve, 20));
    source.push('4');
    source.end();
    const final = await pumped;
    expect(sent.map((s) => s.lines)).toEqual([['1'], ['2', '3', '4']]);
    expect((sent[1]?.at ?? 0) - (sent[0]?.at ?? 0)).toBeGreaterThanOrEqual(190);
    expect(final.text).toContain('4 lines shown');
  });

  it('goes on after a failed send', async () => {
    const source = new Source();
    const live = feed(source);
    live.start();
    const errors: unknown[] = [];
    let calls = 0;
    const pumped = pumpLive(live, {
      intervalMs: 0,
      budget: Infinity,
      cost: plainCost,
      send: async () => {
        calls += 1;
        if (calls === 1) throw new Error('429');
      },
      onSendError: (err) => errors.push(err),
    });
    source.push('1');
    await tick();
    await tick();
    source.push('2');
    source.end();
    await pumped;
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });
});

describe('pumpLive against a chat that refuses', () => {
  it('ends the live tail after three refused sends in a row, saying why', async () => {
    const source = new Source();
    const live = feed(source);
    live.start();
    const pumped = pumpLive(live, {
      intervalMs: 0,
      budget: Infinity,
      cost: plainCost,
      send: async () => {
        throw new Error('Unknown Message');
      },
    });
    for (let i = 0; i < 3; i++) {
      source.push(`${i}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const final = await pumped;
    expect(final).toMatchObject({ status: 'failed' });
    expect(final.text).toContain('the chat refused 3 updates in a row (Unknown Message)');
    expect(source.aborted).toBe(true);
  });
});

describe('live renderers', () => {
  it('Discord: the newest lines scroll within the message, with a skipped note and the Stop button', () => {
    let window: string[] = [];
    for (let i = 0; i < 200; i++)
      window = scrollDiscordWindow(window, { lines: [`line ${i} ${'x'.repeat(40)}`], skipped: 0 });
    window = scrollDiscordWindow(window, { lines: ['last'], skipped: 7 });
    expect(window[window.length - 1]).toBe('last');
    expect(window[window.length - 2]).toBe('… 7 lines skipped');
    expect(window.join('\n').length).toBeLessThanOrEqual(DISCORD_LIVE_BUDGET);
    const stop = { id: 'stop:abc', label: 'Stop', style: 'danger' as const };
    const message = renderDiscordLive(
      { status: 'ok', title: 'Logs of web', text: 'Following for up to 5m.' },
      window,
      stop,
    );
    const description = message.embeds[0]?.description ?? '';
    expect(description.length).toBeLessThanOrEqual(DISCORD_MESSAGE_LIMITS.description);
    expect(description).toContain('last');
    expect(message.files).toEqual([]);
    expect(message.components[0]?.components[0]).toMatchObject({ label: 'Stop', custom_id: 'stop:abc' });
    const final = renderDiscordLive({ status: 'ok', title: 'Logs of web', text: 'Stopped.' }, window, undefined);
    expect(final.components).toEqual([]);
  });

  it('Discord: lines full of backticks and mentions stay inside the code block and within the budget', () => {
    const nasty = '```@everyone <@123>'.repeat(20);
    let window: string[] = [];
    for (let i = 0; i < 50; i++) window = scrollDiscordWindow(window, { lines: [cutLine(nasty)], skipped: 0 });
    const message = renderDiscordLive({ status: 'ok', title: 'Logs of web' }, window, undefined);
    expect(message.files).toEqual([]);
    expect((message.embeds[0]?.description ?? '').length).toBeLessThanOrEqual(4096);
  });

  it('Slack: a thread message holds the newest lines that fit, escaped, under a skipped note', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `<!channel> & line ${i}`);
    const fit = fitNewest(lines, SLACK_LIVE_BUDGET, slackLiveCost);
    const message = renderSlackLiveBatch({ lines: fit.lines, skipped: fit.dropped });
    const section = message.blocks.find((b) => b.type === 'section') as { text: { text: string } };
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    expect(section.text.text).toContain('&lt;!channel&gt; &amp; line 399');
    expect(section.text.text).not.toContain('<!channel>');
    expect(JSON.stringify(message.blocks[0])).toContain(`${fit.dropped} lines skipped`);
  });
});

describe('logs --follow on the command line', () => {
  it('takes an optional duration: alone it means 5m, a following word that starts with a digit is its value', () => {
    const parse = (text: string) => parseCommand(text, COMMANDS);
    expect(parse('logs web --follow')).toMatchObject({
      ok: true,
      command: { args: { container: 'web' }, flags: { follow: 300_000 } },
    });
    expect(parse('logs web --follow 1m')).toMatchObject({ ok: true, command: { flags: { follow: 60_000 } } });
    expect(parse('logs --follow web')).toMatchObject({
      ok: true,
      command: { args: { container: 'web' }, flags: { follow: 300_000 } },
    });
    expect(parse('logs web --follow=90s --tail 5')).toMatchObject({
      ok: true,
      command: { flags: { follow: 90_000, tail: 5 } },
    });
    expect(parse('logs web --follow 5x')).toEqual({
      ok: false,
      error: expect.stringContaining('"5x" is not a duration'),
    });
  });
});

describe('LogLineSplitter', () => {
  it('splits a multiplexed stream fed in pieces, and bounds a line without its newline', () => {
    const frame = (stream: number, text: string) => {
      const data = Buffer.from(text);
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(data.length, 4);
      return Buffer.concat([header, data]);
    };
    const bytes = Buffer.concat([
      frame(1, '2026-01-01T00:00:00.000000001Z one\n2026-01-01T00:00:01Z tw'),
      frame(1, 'o\n'),
      frame(2, 'err\n'),
    ]);
    const splitter = new LogLineSplitter(false);
    const lines = [...splitter.push(bytes.subarray(0, 13)), ...splitter.push(bytes.subarray(13)), ...splitter.end()];
    expect(lines).toEqual([
      { stream: 'stdout', time: '2026-01-01T00:00:00.000000001Z', text: 'one' },
      { stream: 'stdout', time: '2026-01-01T00:00:01Z', text: 'two' },
      { stream: 'stderr', text: 'err' },
    ]);
    const tty = new LogLineSplitter(true);
    const long = tty.push(Buffer.from('y'.repeat(70 * 1024)));
    expect(long).toHaveLength(1);
    expect(tty.end()[0]?.text).toHaveLength(6 * 1024);
  });

  it('decodes a character split between two chunks of a TTY stream whole', () => {
    const splitter = new LogLineSplitter(true);
    const bytes = Buffer.from('héllo\nwörld');
    const chunks = [bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)];
    const lines = [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.end()];
    expect(lines).toEqual([
      { stream: 'stdout', text: 'héllo' },
      { stream: 'stdout', text: 'wörld' },
    ]);
  });
});
