const SECOND_NS = 1_000_000_000n;

let cachedPrefix = '';
let cachedSeconds = 0n;

/**
 * Parses the RFC 3339 time Docker puts before each log line with `timestamps=true` (`2026-11-29T03:13:28.123456789Z`,
 * trailing zeros of the fraction dropped, possibly an offset instead of Z) into nanoseconds since the epoch, exactly.
 * Returns undefined when `text` is not such a time.
 */
export function parseLogTimestamp(text: string): bigint | undefined {
  if (text.length < 20 || text[10] !== 'T') return undefined;
  const prefix = text.slice(0, 19);
  let seconds: bigint;
  let rest = text.slice(19);
  let fraction = 0n;
  if (rest.startsWith('.')) {
    let i = 1;
    while (i < rest.length && rest.charCodeAt(i) >= 48 && rest.charCodeAt(i) <= 57) i++;
    const digits = rest.slice(1, i);
    if (digits.length === 0 || digits.length > 9) return undefined;
    fraction = BigInt(digits.padEnd(9, '0'));
    rest = rest.slice(i);
  }
  if (rest !== 'Z' && !/^[+-]\d\d:\d\d$/.test(rest)) return undefined;
  const key = prefix + rest;
  if (key === cachedPrefix) {
    seconds = cachedSeconds;
  } else {
    const ms = Date.parse(`${prefix}${rest}`);
    if (Number.isNaN(ms)) return undefined;
    seconds = BigInt(Math.floor(ms / 1000));
    cachedPrefix = key;
    cachedSeconds = seconds;
  }
  return seconds * SECOND_NS + fraction;
}

/** Docker's `since`/`until` form of a nanosecond time: `seconds.nanoseconds`. */
export function formatSince(ns: bigint): string {
  const s = ns / SECOND_NS;
  const rest = ns % SECOND_NS;
  return `${s}.${rest.toString().padStart(9, '0')}`;
}

/** Nanoseconds since the epoch → milliseconds (for clocks and alert times). */
export function nsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n);
}

/** Milliseconds since the epoch → nanoseconds. */
export function msToNs(ms: number): bigint {
  return BigInt(Math.floor(ms)) * 1_000_000n;
}
