import type { CronPattern } from './maintenanceCron';
import { compileCron, matchesDay } from './maintenanceCron';
import { localMinute, ZoneClock } from './maintenanceClock';
import type { Matchers } from './silences';
import { matchesLabels } from './silences';

/**
 * A recurring maintenance window as the config gives it: it opens each time `schedule` (cron, in `timezone`, UTC by
 * default) fires and stays open `duration` ms; alerts whose labels fit `matchers` (all alerts without) are not notified.
 */
export type MaintenanceWindow = {
  schedule: string;
  duration: number;
  timezone?: string;
  matchers?: Matchers;
  comment?: string;
};

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A window with its cron expression and time zone compiled. */
export type CompiledWindow<T extends MaintenanceWindow> = { window: T; cron: CronPattern; clock: ZoneClock };

/** Compiles windows once (cron and time zone); throws on a bad schedule or an unknown time zone. */
export function compileMaintenance<T extends MaintenanceWindow>(windows: readonly T[]): CompiledWindow<T>[] {
  return windows.map((window) => ({
    window,
    cron: compileCron(window.schedule),
    clock: new ZoneClock(window.timezone ?? 'UTC'),
  }));
}

/** The windows open at `now` (ms since the epoch): those whose schedule fired in (now - duration, now]. */
export function activeMaintenance<T extends MaintenanceWindow>(windows: readonly T[], now: number): T[] {
  return openWindows(compileMaintenance(windows), now);
}

/** activeMaintenance for compiled windows (what a long-lived caller keeps). */
export function openWindows<T extends MaintenanceWindow>(compiled: readonly CompiledWindow<T>[], now: number): T[] {
  return compiled.filter((c) => lastOpening(c, now) !== undefined).map((c) => c.window);
}

/**
 * The engine's maintenance hook: whether a window open at `now` covers an alert with these labels (a window without
 * matchers covers every alert).
 */
export function maintenanceCheck(
  windows: readonly MaintenanceWindow[],
): (now: number, labels: Readonly<Record<string, string>>) => boolean {
  const compiled = compileMaintenance(windows);
  return (now, labels) => openWindows(compiled, now).some((w) => matchesLabels(w.matchers ?? {}, labels));
}

/** When the window open at `now` opened (the latest firing in (now - duration, now]), or undefined when none is. */
export function lastOpening<T extends MaintenanceWindow>(c: CompiledWindow<T>, now: number): number | undefined {
  const earliest = now - c.window.duration;
  const top = Math.floor(now / MINUTE) * MINUTE;
  const bottom = Math.floor(earliest / MINUTE) * MINUTE;
  if (bottom > top) return undefined;
  for (const span of c.clock.spans(bottom, top)) {
    let minute = span.to;
    while (minute >= span.from) {
      const local = localMinute(minute, span.offsetMs);
      const localMs = minute + span.offsetMs;
      if (!matchesDay(c.cron, local)) {
        minute -= (((localMs % DAY) + DAY) % DAY) + MINUTE;
      } else if (!c.cron.hours.has(local.hour)) {
        minute -= (((localMs % HOUR) + HOUR) % HOUR) + MINUTE;
      } else if (!c.cron.minutes.has(local.minute)) {
        minute -= MINUTE;
      } else {
        const fired = latestSecond(c.cron.seconds, minute, now);
        if (fired !== undefined) return fired > earliest ? fired : undefined;
        minute -= MINUTE;
      }
    }
  }
  return undefined;
}

/** The latest firing at or before `now` within the minute starting at `minute`. */
function latestSecond(seconds: readonly number[], minute: number, now: number): number | undefined {
  for (let i = seconds.length - 1; i >= 0; i--) {
    const t = minute + seconds[i]! * 1000;
    if (t <= now) return t;
  }
  return undefined;
}
