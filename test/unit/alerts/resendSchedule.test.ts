import { RESEND_JITTER, ResendSchedule } from '../../../alerts/resendSchedule';

describe('ResendSchedule', () => {
  it('makes each target due once per interval, on its own clock', () => {
    const schedule = new ResendSchedule(
      [
        { name: 'am', intervalMs: 2000 },
        { name: 'am-slow', intervalMs: 5000 },
      ],
      () => 0.5,
    );
    expect(schedule.nextDue()).toBeUndefined();
    schedule.start(0);
    const seen: [number, string[]][] = [];
    for (let t = 0; t <= 10_000; t += 500) {
      const due = schedule.due(t);
      if (due.length) seen.push([t, due]);
    }
    expect(seen).toEqual([
      [2000, ['am']],
      [4000, ['am']],
      [5000, ['am-slow']],
      [6000, ['am']],
      [8000, ['am']],
      [10_000, ['am', 'am-slow']],
    ]);
    expect(schedule.nextDue()).toBe(12_000);
  });

  it('moves each re-send by at most the jitter, both ways', () => {
    const low = new ResendSchedule([{ name: 'am', intervalMs: 60_000 }], () => 0);
    const high = new ResendSchedule([{ name: 'am', intervalMs: 60_000 }], () => 0.999999);
    low.start(0);
    high.start(0);
    expect(low.nextDue()).toBe(60_000 * (1 - RESEND_JITTER));
    expect(high.nextDue()).toBeLessThanOrEqual(60_000 * (1 + RESEND_JITTER));
    expect(high.nextDue()).toBeGreaterThan(60_000);
  });

  it('is due late rather than never when the clock jumped past several intervals', () => {
    const schedule = new ResendSchedule([{ name: 'am', intervalMs: 1000 }], () => 0.5);
    schedule.start(0);
    expect(schedule.due(9500)).toEqual(['am']);
    expect(schedule.due(9600)).toEqual([]);
    expect(schedule.nextDue()).toBe(10_500);
  });
});
