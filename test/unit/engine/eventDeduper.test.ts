import type { EngineEvent } from '../../../agent/engine/engineEvent';
import { EventDeduper, REPLAY_WINDOW_NS } from '../../../agent/engine/eventDeduper';

const S = 1_000_000_000n;
const ev = (t: bigint, action: string, id = 'c1'): EngineEvent => ({
  Type: 'container',
  Action: action,
  Actor: { ID: id },
  time: Number(t / S),
  timeNano: t,
});

describe('EventDeduper', () => {
  it('lets through an event stamped before one already delivered (the engine fans out out of order)', () => {
    const d = new EventDeduper();
    expect(d.accept(ev(100n * S + 5n, 'start', 'b'))).toBe(true);
    expect(d.accept(ev(100n * S + 2n, 'die', 'a'))).toBe(true);
  });

  it('drops the repeats a resume replays, and resumes a window before the newest event', () => {
    const d = new EventDeduper();
    const first = [ev(100n * S, 'create'), ev(101n * S, 'start'), ev(102n * S, 'die')];
    for (const e of first) d.accept(e);
    expect(d.resumeFrom).toBe(102n * S - REPLAY_WINDOW_NS);
    expect(first.map((e) => d.accept(e))).toEqual([false, false, false]);
    expect(d.accept(ev(102n * S, 'die', 'other'))).toBe(true);
  });

  it('continues from a stored position without repeating what it had delivered', () => {
    const before = new EventDeduper();
    for (const e of [ev(100n * S, 'start'), ev(101n * S, 'die')]) before.accept(e);
    const after = new EventDeduper();
    const stored = before.position!;
    after.restore({ timeNano: stored.timeNano, keys: JSON.parse(JSON.stringify(stored.keys)) as string[] });
    expect(after.accept(ev(101n * S, 'die'))).toBe(false);
    expect(after.accept(ev(101n * S + 1n, 'destroy'))).toBe(true);
  });

  it('forgets keys older than the window, and drops events older than it', () => {
    const d = new EventDeduper();
    d.accept(ev(100n * S, 'start'));
    d.accept(ev(200n * S, 'start'));
    expect(d.position?.keys).toHaveLength(1);
    expect(d.accept(ev(100n * S, 'start'))).toBe(false);
  });
});

describe('EventDeduper floor', () => {
  it('never replays events from before its first stream, even within the window of a resume', () => {
    const d = new EventDeduper();
    expect(d.startAt(100n * S)).toBe(100n * S);
    expect(d.accept(ev(99n * S, 'die', 'older'))).toBe(false);
    d.accept(ev(101n * S, 'die'));
    expect(d.resumeFrom).toBe(100n * S);
    const after = new EventDeduper();
    after.restore(d.position!);
    expect(after.accept(ev(98n * S, 'die', 'before-the-agent'))).toBe(false);
    expect(after.resumeFrom).toBe(100n * S);
  });
});
