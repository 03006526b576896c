import { validateDetailed } from 'node-cron';

/** A wall-clock minute in some time zone; `month` 1–12, `weekday` 0 (Sunday)–6. */
export type LocalMinute = { year: number; month: number; day: number; hour: number; minute: number; weekday: number };

/** A cron expression ready to match wall-clock minutes: node-cron's own field expansion, so both agree. */
export type CronPattern = {
  /** The seconds of a matching minute at which it fires, ascending (`[0]` for 5-field expressions). */
  seconds: number[];
  minutes: Set<number>;
  hours: Set<number>;
  months: Set<number>;
  /** Day numbers, or node-cron's tokens `L`, `L-n`, `nW`, `LW`. */
  daysOfMonth: (number | string)[];
  /** Weekday numbers (0 = Sunday), or node-cron's tokens `n#k` (k-th weekday n) and `nL` (last weekday n). */
  daysOfWeek: (number | string)[];
};

const FIELD_NAMES: Record<string, string> = {
  second: 'second',
  minute: 'minute',
  hour: 'hour',
  dayOfMonth: 'day of month',
  month: 'month',
  dayOfWeek: 'day of week',
};

/**
 * Why `expr` is not a cron expression node-cron accepts (5 fields, or 6 with seconds first; names, ranges, steps,
 * lists, `@daily`-style nicknames), or undefined when it is one. For the config schema.
 */
export function cronError(expr: string): string | undefined {
  const result = validateDetailed(expr);
  if (result.valid) return undefined;
  const why = result.errors.map((e) =>
    e.field in FIELD_NAMES && !e.message.includes('impossible')
      ? `${FIELD_NAMES[e.field]} field ${JSON.stringify(e.value)} is out of range or malformed`
      : e.message,
  );
  return `${JSON.stringify(expr)} is not a cron expression: ${why.join('; ')}`;
}

/** Compiles `expr`; throws an Error with cronError's message when it is not a cron expression. */
export function compileCron(expr: string): CronPattern {
  const result = validateDetailed(expr);
  if (!result.valid || !result.fields) throw new Error(cronError(expr));
  const f = result.fields;
  return {
    seconds: [...f.second].sort((a, b) => a - b),
    minutes: new Set(f.minute),
    hours: new Set(f.hour),
    months: new Set(f.month),
    daysOfMonth: f.dayOfMonth,
    daysOfWeek: f.dayOfWeek,
  };
}

/** Whether the day part of `cron` matches (day of month and day of week must both match, as node-cron has it). */
export function matchesDay(cron: CronPattern, t: LocalMinute): boolean {
  return (
    cron.months.has(t.month) &&
    cron.daysOfMonth.some((v) => dayOfMonthMatches(v, t)) &&
    cron.daysOfWeek.some((v) => dayOfWeekMatches(v, t))
  );
}

function dayOfMonthMatches(value: number | string, t: LocalMinute): boolean {
  if (value === t.day) return true;
  if (typeof value === 'number') return false;
  const last = lastDayOfMonth(t.year, t.month);
  if (value === 'L') return t.day === last;
  const offset = /^L-(\d{1,2})$/.exec(value);
  if (offset) return t.day === last - Number(offset[1]);
  const weekday = /^(\d{1,2}|L)W$/.exec(value);
  if (weekday) return nearestWeekday(t.year, t.month, weekday[1] === 'L' ? last : Number(weekday[1])) === t.day;
  return false;
}

function dayOfWeekMatches(value: number | string, t: LocalMinute): boolean {
  if (value === t.weekday) return true;
  if (typeof value === 'number') return false;
  const nth = /^([0-7])#([1-5])$/.exec(value);
  if (nth) return Number(nth[1]) % 7 === t.weekday && Math.floor((t.day - 1) / 7) + 1 === Number(nth[2]);
  const lastOf = /^([0-7])L$/i.exec(value);
  if (lastOf) return Number(lastOf[1]) % 7 === t.weekday && t.day + 7 > lastDayOfMonth(t.year, t.month);
  return false;
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The weekday nearest to day `target` within its month (node-cron's `W`), or -1 when the month has no such day. */
function nearestWeekday(year: number, month: number, target: number): number {
  const last = lastDayOfMonth(year, month);
  if (target < 1 || target > last) return -1;
  const weekday = new Date(Date.UTC(year, month - 1, target)).getUTCDay();
  if (weekday === 6) return target === 1 ? target + 2 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
}
