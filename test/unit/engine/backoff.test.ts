import { Backoff } from '../../../shared/backoff';

describe('backoff', () => {
  it('doubles up to the cap and starts over after reset', () => {
    const b = new Backoff(500, 4000, () => 0.5);
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000, 4000, 4000]);
    b.reset();
    expect(b.next()).toBe(500);
  });

  it('jitters within ±20%', () => {
    expect(new Backoff(1000, 1000, () => 0).next()).toBe(800);
    expect(new Backoff(1000, 1000, () => 1).next()).toBe(1200);
  });
});
