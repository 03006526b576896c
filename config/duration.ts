/** Milliseconds per duration unit, largest first: the order units must appear in (`1h30m`, not `30m1h`). */
const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
] as const;

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Parses `500ms`, `5s`, `1m`, `4h`, `1d`, `1h30m` (whole numbers, largest unit first) to ms; undefined if bad. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const match = DURATION.exec(text);
  if (!match || text === '') return undefined;
  let ms = 0;
  UNITS.forEach(([, unitMs], i) => {
    const count = match[i + 1];
    if (count !== undefined) ms += Number(count) * unitMs;
  });
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** Renders ms as the shortest duration string `parseDuration` reads back (`90000` → `1m30s`, `0` → `0s`). */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`${ms} is not a whole, non-negative number of ms`);
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const [unit, unitMs] of UNITS) {
    const count = Math.floor(rest / unitMs);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * unitMs;
  }
  return text;
}
