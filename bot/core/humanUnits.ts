import { formatDuration } from '../../config/duration';

/** Bytes in binary units for people (`512 B`, `1.5 MiB`). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A percentage with one decimal (`12.5%`). */
export function formatPercent(value: number): string {
  return `${value.toFixed(1)}%`;
}

/** How long ago `thenMs` was, coarsely (`3m ago`, `2h ago`, `5d ago`), from `nowMs`. */
export function formatAgo(thenMs: number, nowMs: number): string {
  const ms = Math.max(0, nowMs - thenMs);
  if (ms < 60_000) return `${Math.floor(ms / 1000)}s ago`;
  const units = [86_400_000, 3_600_000, 60_000];
  const unit = units.find((u) => ms >= u) ?? 60_000;
  return `${formatDuration(Math.floor(ms / unit) * unit)} ago`;
}

/** ms since the epoch as `2026-01-01 12:00:00Z`. */
export function formatTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * A time left as a person reads it, not to the millisecond: whole seconds under 10 minutes (`59s999ms` → `1m`,
 * `29.6s` → `30s`, `1m30s`), whole minutes under a day (`1h30m`), whole hours beyond (`2d3h`).
 */
export function formatRemaining(ms: number): string {
  const step = ms < 600_000 ? 1000 : ms < 86_400_000 ? 60_000 : 3_600_000;
  return formatDuration(Math.round(Math.max(0, ms) / step) * step);
}
