import { LogFrameDecoder, MAX_FRAME_BYTES } from '../../../agent/logs/logFrameDecoder';
import { LogDropCounts } from '../../../agent/logs/logDropCounts';
import { LogLineAssembler, type AssembledLine } from '../../../agent/logs/logLineAssembler';
import { MultilineJoiner } from '../../../agent/logs/multilineJoiner';

const T = '2026-11-29T03:13:28.000000001Z';

function raw(a: LogLineAssembler, ...chunks: string[]): AssembledLine[] {
  const out: AssembledLine[] = [];
  for (const c of chunks) a.pushRaw(Buffer.from(c), out);
  return out;
}

describe('log tailing under a flood: nothing buffered without bound, nothing dropped unsaid', () => {
  it('cuts a TTY line that never ends instead of holding all of it, and reads on after its newline', () => {
    const a = new LogLineAssembler({ ts: 0n, n: 0 }, 256);
    const out = raw(a, `${T} `, 'x'.repeat(1000), 'y'.repeat(100_000));
    expect(out).toEqual([]);
    const more = raw(a, 'z\n', `${T} next\n`);
    expect(more.map((l) => [l.text.length, l.truncated])).toEqual([
      [256, true],
      [4, false],
    ]);
    expect(more[0]?.text).toBe('x'.repeat(256));
    expect(more[1]?.end.n).toBe(2);
  });

  it('hands over a TTY line left without its newline when the stream ends', () => {
    const a = new LogLineAssembler({ ts: 0n, n: 0 }, 256);
    expect(raw(a, `${T} first\n${T} last words`)).toHaveLength(1);
    const out: AssembledLine[] = [];
    a.flushPartial(out);
    expect(out.map((l) => l.text)).toEqual(['last words']);
  });

  it('says how many held lines it forgets when the log is gone', () => {
    const a = new LogLineAssembler({ ts: 0n, n: 0 }, 256);
    const out: AssembledLine[] = [];
    a.pushMessage(Buffer.from(`${T} no newline yet`), out);
    expect(a.discardPartial()).toBe(1);
    expect(a.discardPartial()).toBe(0);
    const j = new MultilineJoiner({ start: /^Exception/, maxLines: 50, timeoutMs: 1000 });
    const line = { text: 'Exception', ts: 1n, end: { ts: 1n, n: 1 }, truncated: false };
    j.push(line, 0, []);
    j.push({ ...line, text: '  at x' }, 0, []);
    expect(j.discard()).toBe(2);
    expect(j.hasPending).toBe(false);
  });

  it('skips, and reports, a line stamped before one the stream already took (never takes it twice)', () => {
    let outOfOrder = 0;
    const a = new LogLineAssembler({ ts: 0n, n: 0 }, 256, () => outOfOrder++);
    const later = '2026-11-29T03:13:29.000000001Z';
    const out: AssembledLine[] = [];
    for (const m of [`${T} one\n`, `${later} two\n`, `${T} one\n`, `${later} three\n`]) {
      a.pushMessage(Buffer.from(m), out);
    }
    expect(out.map((l) => [l.text, l.end.n])).toEqual([
      ['one', 1],
      ['two', 1],
      ['three', 2],
    ]);
    expect(outOfOrder).toBe(1);
  });

  it('refuses a frame over the limit instead of waiting for gigabytes', () => {
    const d = new LogFrameDecoder();
    const header = Buffer.alloc(8);
    header[0] = 1;
    header.writeUInt32BE(MAX_FRAME_BYTES + 1, 4);
    expect(() => d.push(header)).toThrow(`log stream frame of ${MAX_FRAME_BYTES + 1} bytes`);
  });

  it('keeps drop counts past a container, for a bounded number of names', () => {
    const c = new LogDropCounts();
    c.add('web', 'removed', 2);
    c.add('web', 'removed', 1);
    c.add('db', 'removed', 0);
    expect(c.list()).toEqual([{ container: 'web', reason: 'removed', lines: 3 }]);
    for (let i = 0; i < 600; i++) c.add(`c${i}`, 'removed', 1);
    expect(c.list()).toHaveLength(500);
    expect(c.list()[0]?.container).toBe('c100');
  });
});
