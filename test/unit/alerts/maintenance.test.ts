import { createTask } from 'node-cron';
import type { MaintenanceWindow } from '../../../alerts/maintenance';
import { activeMaintenance, compileMaintenance, lastOpening, maintenanceCheck } from '../../../alerts/maintenance';
import { compileCron, cronError } from '../../../alerts/maintenanceCron';

const at = (iso: string): number => Date.parse(iso);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function isOpen(window: MaintenanceWindow, iso: string): boolean {
  return activeMaintenance([window], at(iso)).length === 1;
}

describe('activeMaintenance', () => {
  const sundayNight: MaintenanceWindow = { schedule: '0 3 * * 0', duration: HOUR, timezone: 'UTC' };

  it.each([
    ['2026-11-29T02:59:59Z', false],
    ['2026-11-29T03:00:00Z', true],
    ['2026-11-29T03:30:00Z', true],
    ['2026-11-29T03:59:59.999Z', true],
    ['2026-11-29T04:00:00Z', false],
    ['2026-11-30T03:30:00Z', false],
  ])('a Sunday 03:00 UTC hour at %s: open %p', (iso, open) => {
    expect(isOpen(sundayNight, iso)).toBe(open);
  });

  it('returns the open windows among several, in their order', () => {
    const daily: MaintenanceWindow = { schedule: '0 * * * *', duration: 10 * MINUTE, comment: 'hourly' };
    const never: MaintenanceWindow = { schedule: '0 0 1 1 *', duration: MINUTE };
    expect(activeMaintenance([sundayNight, never, daily], at('2026-11-29T03:05:00Z'))).toEqual([sundayNight, daily]);
  });

  it('reads the schedule in its time zone, winter and summer', () => {
    const berlin: MaintenanceWindow = { schedule: '0 3 * * *', duration: HOUR, timezone: 'Europe/Berlin' };
    expect(isOpen(berlin, '2026-01-15T02:30:00Z')).toBe(true);
    expect(isOpen(berlin, '2026-01-15T01:30:00Z')).toBe(false);
    expect(isOpen(berlin, '2026-07-15T01:30:00Z')).toBe(true);
    expect(isOpen(berlin, '2026-07-15T02:30:00Z')).toBe(false);
  });

  it('skips a start time that does not exist on the day clocks go forward', () => {
    const halfPastTwo: MaintenanceWindow = { schedule: '30 2 * * *', duration: 2 * HOUR, timezone: 'Europe/Berlin' };
    expect(isOpen(halfPastTwo, '2026-03-28T01:45:00Z')).toBe(true);
    expect(isOpen(halfPastTwo, '2026-03-29T00:45:00Z')).toBe(false);
    expect(isOpen(halfPastTwo, '2026-03-29T01:45:00Z')).toBe(false);
    expect(isOpen(halfPastTwo, '2026-03-30T00:45:00Z')).toBe(true);
  });

  it('opens at 03:00 local right after the clocks went forward', () => {
    const three: MaintenanceWindow = { schedule: '0 3 * * *', duration: HOUR, timezone: 'Europe/Berlin' };
    expect(isOpen(three, '2026-03-29T00:59:00Z')).toBe(false);
    expect(isOpen(three, '2026-03-29T01:30:00Z')).toBe(true);
    expect(isOpen(three, '2026-03-29T02:00:00Z')).toBe(false);
  });

  it('opens twice for a start time that happens twice when clocks go back', () => {
    const halfPastTwo: MaintenanceWindow = { schedule: '30 2 * * *', duration: 10 * MINUTE, timezone: 'Europe/Berlin' };
    expect(isOpen(halfPastTwo, '2026-10-25T00:35:00Z')).toBe(true);
    expect(isOpen(halfPastTwo, '2026-10-25T01:00:00Z')).toBe(false);
    expect(isOpen(halfPastTwo, '2026-10-25T01:35:00Z')).toBe(true);
    expect(isOpen(halfPastTwo, '2026-10-25T01:45:00Z')).toBe(false);
  });

  it('stays open across a clock change inside a long window', () => {
    const week: MaintenanceWindow = { schedule: '0 0 * * 0', duration: 7 * 24 * HOUR, timezone: 'Europe/Berlin' };
    const start = at('2026-03-20T00:00:00Z');
    for (let t = start; t < start + 20 * 24 * HOUR; t += 37 * MINUTE) {
      expect(activeMaintenance([week], t)).toHaveLength(1);
    }
  });

  it.each([
    ['2026-12-01T10:47:00Z', true],
    ['2026-12-01T10:52:00Z', false],
    ['2026-12-01T17:49:00Z', true],
    ['2026-12-01T18:01:00Z', false],
    ['2026-12-01T08:59:00Z', false],
    ['2026-12-05T10:47:00Z', false],
  ])('steps, ranges and day names (*/15 9-17 * * mon-fri, 5m) at %s: open %p', (iso, open) => {
    expect(isOpen({ schedule: '*/15 9-17 * * mon-fri', duration: 5 * MINUTE }, iso)).toBe(open);
  });

  it('lists and month names', () => {
    const halfYears: MaintenanceWindow = { schedule: '0 0 1 jan,jul *', duration: 24 * HOUR };
    expect(isOpen(halfYears, '2026-07-01T12:00:00Z')).toBe(true);
    expect(isOpen(halfYears, '2026-08-01T12:00:00Z')).toBe(false);
  });

  it('seconds in a six-field schedule', () => {
    const twiceAMinute: MaintenanceWindow = { schedule: '*/30 * * * * *', duration: 10_000 };
    expect(isOpen(twiceAMinute, '2026-12-01T10:00:35Z')).toBe(true);
    expect(isOpen(twiceAMinute, '2026-12-01T10:00:45Z')).toBe(false);
  });

  it('the last day of the month and the second Friday', () => {
    const monthEnd: MaintenanceWindow = { schedule: '0 22 L * *', duration: 4 * HOUR };
    expect(isOpen(monthEnd, '2026-02-28T23:00:00Z')).toBe(true);
    expect(isOpen(monthEnd, '2026-02-27T23:00:00Z')).toBe(false);
    const secondFriday: MaintenanceWindow = { schedule: '0 12 * * 5#2', duration: HOUR };
    expect(isOpen(secondFriday, '2026-12-11T12:30:00Z')).toBe(true);
    expect(isOpen(secondFriday, '2026-12-04T12:30:00Z')).toBe(false);
  });

  it('says when the open window opened', () => {
    const [compiled] = compileMaintenance([sundayNight]);
    expect(lastOpening(compiled!, at('2026-11-29T03:20:00Z'))).toBe(at('2026-11-29T03:00:00Z'));
    expect(lastOpening(compiled!, at('2026-11-29T05:00:00Z'))).toBeUndefined();
  });

  it('opens exactly when node-cron fires, across time zones and schedules', () => {
    const schedules = ['30 2 * * *', '*/20 1-3 * * sun', '0 0 L * *', '15 3 * * 1-5', '0 0 1,15 * *', '45 23 * * 6'];
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];
    const mismatches: string[] = [];
    for (const schedule of schedules) {
      for (const timezone of zones) {
        const task = createTask(schedule, () => undefined, { timezone });
        const window: MaintenanceWindow = { schedule, timezone, duration: 1000 };
        const compiled = compileMaintenance([window]);
        try {
          for (let t = at('2026-03-27T00:00:00Z'); t < at('2026-04-06T00:00:00Z'); t += 5 * MINUTE) {
            const ours = lastOpening(compiled[0]!, t) === t;
            if (ours !== task.match(new Date(t)))
              mismatches.push(`${schedule} ${timezone} ${new Date(t).toISOString()}`);
          }
        } finally {
          void task.destroy();
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('maintenanceCheck', () => {
  it('covers the alerts its matchers fit, and all of them without matchers', () => {
    const web: MaintenanceWindow = { schedule: '0 3 * * *', duration: HOUR, matchers: { container: 'web-*' } };
    const check = maintenanceCheck([web]);
    expect(check(at('2026-12-01T03:10:00Z'), { container: 'web-1' })).toBe(true);
    expect(check(at('2026-12-01T03:10:00Z'), { container: 'db-1' })).toBe(false);
    expect(check(at('2026-12-01T04:10:00Z'), { container: 'web-1' })).toBe(false);
    expect(maintenanceCheck([{ ...web, matchers: undefined }])(at('2026-12-01T03:10:00Z'), {})).toBe(true);
  });
});

describe('cronError', () => {
  it.each(['0 3 * * 0', '*/15 9-17 * * mon-fri', '@daily', '*/30 * * * * *', '0 22 L * *'])('accepts %p', (expr) => {
    expect(cronError(expr)).toBeUndefined();
  });

  it.each([
    ['61 * * * *', '"61 * * * *" is not a cron expression: minute field "61" is out of range or malformed'],
    ['0 25 * * *', '"0 25 * * *" is not a cron expression: hour field "25" is out of range or malformed'],
    ['* * *', '"* * *" is not a cron expression: expected 5 or 6 fields but got 3'],
    [
      '0 3 * * funday',
      '"0 3 * * funday" is not a cron expression: day of week field "funday" is out of range or malformed',
    ],
    ['0 0 31 2 *', '"0 0 31 2 *" is not a cron expression: 31 2 is an impossible day of month for the given month'],
  ])('names what is wrong with %p', (expr, message) => {
    expect(cronError(expr)).toBe(message);
  });

  it('is what compiling a bad schedule throws', () => {
    expect(() => compileCron('61 * * * *')).toThrow(cronError('61 * * * *'));
    expect(() => activeMaintenance([{ schedule: '* * *', duration: 1000 }], 0)).toThrow(/expected 5 or 6 fields/);
  });
});
