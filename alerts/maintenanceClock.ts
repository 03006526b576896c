import type { LocalMinute } from './maintenanceCron';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A run of minutes (UTC ms of each minute's start, `from` ≤ `to`) over which a time zone keeps one UTC offset. */
export type OffsetSpan = { from: number; to: number; offsetMs: number };

/** Reads a time zone's UTC offsets through Intl; throws a RangeError for an unknown zone. */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local time minus UTC, in ms, at instant `t`. */
  offsetAt(t: number): number {
    const cached = this.cache.get(t);
    if (cached !== undefined) return cached;
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(t)) p[part.type] = Number(part.value);
    const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    const offset = local - Math.floor(t / 1000) * 1000;
    if (this.cache.size > 4096) this.cache.clear();
    this.cache.set(t, offset);
    return offset;
  }

  /**
   * The minutes from `from` to `to` (minute starts, UTC ms) cut into spans of one offset, latest first. Assumes no
   * zone changes its offset twice within a day, so equal offsets a day apart mean none changed in between.
   */
  spans(from: number, to: number): OffsetSpan[] {
    const low = this.offsetAt(from);
    const high = this.offsetAt(to);
    if (low === high && to - from <= DAY) return [{ from, to, offsetMs: low }];
    if (to - from <= MINUTE) {
      return to === from
        ? [{ from, to, offsetMs: low }]
        : [
            { from: to, to, offsetMs: high },
            { from, to: from, offsetMs: low },
          ];
    }
    const mid = from + Math.floor((to - from) / 2 / MINUTE) * MINUTE;
    return [...this.spans(mid + MINUTE, to), ...this.spans(from, mid)];
  }
}

/** The wall-clock minute of UTC instant `t` at offset `offsetMs`. */
export function localMinute(t: number, offsetMs: number): LocalMinute {
  const d = new Date(t + offsetMs);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay(),
  };
}
