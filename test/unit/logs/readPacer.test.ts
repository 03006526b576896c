import { PACE_MAX_BYTES, READ_PACE_MS, ReadPacer } from '../../../agent/logs/readPacer';

// When a followed stream's socket is held for READ_PACE_MS: reads that come close together and carry little (a busy
// container logging line by line) are held; a quiet stream's read and a flood's are not.

/** Feeds reads of `bytes` every `everyMs` from `start`, each held read delaying the next by READ_PACE_MS. */
function feed(pacer: ReadPacer, reads: number, bytes: number, everyMs: number, start = 1_000): boolean[] {
  const held: boolean[] = [];
  let now = start;
  for (let i = 0; i < reads; i++) {
    const hold = pacer.onRead(now, bytes);
    held.push(hold);
    now += hold ? READ_PACE_MS : everyMs;
  }
  return held;
}

describe('ReadPacer', () => {
  it('never holds the first read, nor one that comes after a quiet spell', () => {
    const pacer = new ReadPacer();
    expect(pacer.onRead(1_000, 100)).toBe(false);
    expect(pacer.onRead(5_000, 100)).toBe(false);
  });

  it('holds a stream whose small reads come close together, read after read', () => {
    const held = feed(new ReadPacer(), 50, 300, 1);
    expect(held[0]).toBe(false);
    expect(held.slice(1).every(Boolean)).toBe(true);
  });

  it('does not hold a flood: full reads back to back, or what piled up while it was held', () => {
    expect(feed(new ReadPacer(), 50, 64 * 1024, 0).some(Boolean)).toBe(false);
    const pacer = new ReadPacer();
    pacer.onRead(1_000, 100);
    expect(pacer.onRead(1_001, 100)).toBe(true);
    // After the hold, a read that brings PACE_MAX_BYTES or more: the engine has more waiting.
    expect(pacer.onRead(1_001 + READ_PACE_MS, PACE_MAX_BYTES)).toBe(false);
    expect(pacer.onRead(1_001 + READ_PACE_MS + 1, 1_000)).toBe(false);
  });

  it('holds a steady stream below PACE_MAX_BYTES per pace, also when the timer fires late; lets one above it through', () => {
    // 16 KiB arrive per hold (1.6 MB/s), each read a little after the hold ends: held every time.
    const pacer = new ReadPacer();
    pacer.onRead(1_000, 100);
    expect(pacer.onRead(1_001, 100)).toBe(true);
    let now = 1_001;
    const held: boolean[] = [];
    for (let i = 0; i < 20; i++) {
      now += READ_PACE_MS + 3;
      held.push(pacer.onRead(now, 16 * 1024));
    }
    expect(held.every(Boolean)).toBe(true);
    // Two 20 KiB reads within one window pass PACE_MAX_BYTES: the second is not held.
    const busy = new ReadPacer();
    busy.onRead(1_000, 20 * 1024);
    expect(busy.onRead(1_001, 20 * 1024)).toBe(false);
  });

  it('no longer holds a stream that went quiet for more than twice the pace', () => {
    const pacer = new ReadPacer();
    pacer.onRead(1_000, 100);
    expect(pacer.onRead(1_001, 100)).toBe(true);
    expect(pacer.onRead(1_001 + 2 * READ_PACE_MS + 1, 100)).toBe(false);
  });
});
