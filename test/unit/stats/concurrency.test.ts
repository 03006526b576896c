import { mapWithConcurrency } from '../../../agent/stats/concurrency';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('keeps the input order even when later items finish first', async () => {
    const items = [5, 1, 4, 2, 3];
    const result = await mapWithConcurrency(items, 2, async (n) => {
      for (let i = 0; i < n; i++) await tick();
      return n * 10;
    });
    expect(result).toEqual([50, 10, 40, 20, 30]);
  });

  it('never has more than `limit` calls in flight, and reaches it', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    await mapWithConcurrency(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (i) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        for (let t = 0; t < (i % 4) + 1; t++) await tick();
        inFlight--;
      },
    );
    expect(maxInFlight).toBe(3);
  });

  it('passes the index', async () => {
    expect(await mapWithConcurrency(['a', 'b'], 5, async (s, i) => `${s}${i}`)).toEqual(['a0', 'b1']);
  });

  it('returns an empty array for no items', async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  });

  it('rejects with the first error and starts no new calls after it', async () => {
    const started: number[] = [];
    const run = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      await tick();
      if (i === 1) throw new Error('boom');
      return i;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1, 2]);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects the limit %p', async (limit) => {
    await expect(mapWithConcurrency([1], limit, async (n) => n)).rejects.toThrow(RangeError);
  });
});
