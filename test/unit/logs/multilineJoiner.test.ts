import type { AssembledLine } from '../../../agent/logs/logLineAssembler';
import { MultilineJoiner, type JoinedEvent } from '../../../agent/logs/multilineJoiner';

let n = 0;
const line = (text: string): AssembledLine => {
  n++;
  return { text, ts: BigInt(n), end: { ts: BigInt(n), n: 1 }, truncated: false };
};

describe('MultilineJoiner', () => {
  const opts = { start: /^\S/, maxLines: 4, timeoutMs: 1000 };

  it('passes every line through at once without options', () => {
    const out: JoinedEvent[] = [];
    const j = new MultilineJoiner(undefined);
    j.push(line('a'), 0, out);
    j.push(line('  b'), 0, out);
    expect(out.map((e) => e.text)).toEqual(['a', '  b']);
  });

  it('joins a stack trace into one event, ended by the next start line', () => {
    const out: JoinedEvent[] = [];
    const j = new MultilineJoiner(opts);
    const first = line('Exception in thread "main" java.lang.IllegalStateException: boom');
    j.push(first, 0, out);
    j.push(line('\tat com.example.Main.run(Main.java:10)'), 1, out);
    const last = line('\tat com.example.Main.main(Main.java:5)');
    j.push(last, 2, out);
    expect(out).toEqual([]);
    j.push(line('next event'), 3, out);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ lines: 3, ts: first.ts, end: last.end });
    expect(out[0]?.text.split('\n')).toHaveLength(3);
  });

  it('emits a held event after the timeout, and at maxLines', () => {
    const out: JoinedEvent[] = [];
    const j = new MultilineJoiner(opts);
    j.push(line('start'), 0, out);
    j.flushDue(999, out);
    expect(out).toHaveLength(0);
    j.flushDue(1000, out);
    expect(out.map((e) => e.lines)).toEqual([1]);
    for (const t of ['s', ' 1', ' 2', ' 3']) j.push(line(t), 2000, out);
    expect(out.map((e) => e.lines)).toEqual([1, 4]);
  });
});
