import { LogLineAssembler, type AssembledLine } from '../../../agent/logs/logLineAssembler';

const T = '2026-11-29T03:13:28.000000001Z';
const T_NS = 1795922008000000001n;
const msg = (text: string, ts = T) => Buffer.from(`${ts} ${text}`);

function feed(a: LogLineAssembler, ...messages: Buffer[]): AssembledLine[] {
  const out: AssembledLine[] = [];
  for (const m of messages) a.pushMessage(m, out);
  return out;
}

describe('LogLineAssembler', () => {
  it('strips the time and the newline, and numbers messages sharing a nanosecond', () => {
    const a = new LogLineAssembler({ ts: 0n, n: 0 }, 1024);
    const lines = feed(a, msg('first\n'), msg('second\n'));
    expect(lines.map((l) => [l.text, l.ts, l.end])).toEqual([
      ['first', T_NS, { ts: T_NS, n: 1 }],
      ['second', T_NS, { ts: T_NS, n: 2 }],
    ]);
  });

  it('joins the partial messages of a long line, stamped with its first part', () => {
    const a = new LogLineAssembler({ ts: 0n, n: 0 }, 1024);
    const later = '2026-11-29T03:13:28.000000002Z';
    const lines = feed(a, msg('part one, '), msg('part two\n', later));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ text: 'part one, part two', ts: T_NS, end: { ts: T_NS + 1n, n: 1 } });
  });

  it('cuts a line at maxLineBytes and says so', () => {
    const a = new LogLineAssembler({ ts: 0n, n: 0 }, 256);
    const [line] = feed(a, msg(`${'x'.repeat(200)}`), msg(`${'y'.repeat(200)}\n`));
    expect(line?.text).toBe('x'.repeat(200) + 'y'.repeat(56));
    expect(line?.truncated).toBe(true);
  });

  it('skips exactly the messages a checkpoint covers, also within one nanosecond', () => {
    const a = new LogLineAssembler({ ts: T_NS, n: 1 }, 1024);
    const before = '2026-11-29T03:13:28.000000000Z';
    const lines = feed(a, msg('old\n', before), msg('taken\n'), msg('new at same ns\n'));
    expect(lines.map((l) => l.text)).toEqual(['new at same ns']);
  });

  it('reads a TTY stream: raw bytes, CRLF line ends, lines split anywhere', () => {
    const a = new LogLineAssembler({ ts: 0n, n: 0 }, 1024);
    const raw = Buffer.from(`${T} tty one\r\n${T} tty two\r\n`);
    const out: AssembledLine[] = [];
    a.pushRaw(raw.subarray(0, 17), out);
    a.pushRaw(raw.subarray(17, 50), out);
    a.pushRaw(raw.subarray(50), out);
    expect(out.map((l) => l.text)).toEqual(['tty one', 'tty two']);
  });

  it('ends a last line without a newline when asked (the container stopped)', () => {
    const a = new LogLineAssembler({ ts: 0n, n: 0 }, 1024);
    expect(feed(a, msg('no newline at exit'))).toEqual([]);
    const out: AssembledLine[] = [];
    a.flushPartial(out);
    expect(out.map((l) => l.text)).toEqual(['no newline at exit']);
  });
});
