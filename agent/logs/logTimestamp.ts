const SECOND_NS = 1_000_000_000n;

/**
 * How far apart the engine's stdout and stderr copiers may stamp lines that reach the log file in the other order:
 * a line of one stream can follow, in the file, a line of the other stream stamped up to this much later (ns).
 */
export const STREAM_RACE_NS = SECOND_NS;

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

const PREFIX_BYTES = 19;
const cachedPrefixBytes = Buffer.alloc(PREFIX_BYTES);
let cachedPrefixValid = false;
let cachedPrefixSec = 0;
/** `YYYY-MM-DDTHH:MM:SS` byte by byte: 0 where a digit goes, else the separator (`-`, `T`, `:`). */
const PREFIX_PATTERN = Uint8Array.from(Buffer.from('0000-00-00T00:00:00', 'latin1'), (c) => (c === 0x30 ? 0 : c));

/** The time {@link parseLogTimestampAt} read: whole seconds and nanoseconds since the epoch. */
export type LogTimeParts = { sec: number; ns: number };

/**
 * Reads the timestamp at `buf[start]` in the form the engine writes it (`2026-11-29T03:13:28.123456789Z`, UTC, trailing
 * zeros of the fraction dropped) followed by a space, into `out`, without making a string: the seconds of the last
 * prefix seen are cached. Returns the index of the space, or -1 for anything else (an offset instead of `Z`, no
 * space): {@link parseLogTimestamp} handles those. Where both accept a time they agree.
 */
export function parseLogTimestampAt(buf: Buffer, start: number, end: number, out: LogTimeParts): number {
  if (end - start < PREFIX_BYTES + 2) return -1;
  let same = cachedPrefixValid;
  for (let i = 0; i < PREFIX_BYTES; i++) {
    const c = buf[start + i] as number;
    const sep = PREFIX_PATTERN[i] as number;
    if (sep !== 0 ? c !== sep : c < 0x30 || c > 0x39) return -1;
    if (same && c !== cachedPrefixBytes[i]) same = false;
  }
  let at = start + PREFIX_BYTES;
  let ns = 0;
  if (buf[at] === 0x2e) {
    at++;
    let digits = 0;
    while (at < end && digits < 10) {
      const c = buf[at] as number;
      if (c < 0x30 || c > 0x39) break;
      ns = ns * 10 + (c - 0x30);
      digits++;
      at++;
    }
    if (digits === 0 || digits > 9) return -1;
    for (let d = digits; d < 9; d++) ns *= 10;
  }
  if (at + 1 >= end || buf[at] !== 0x5a || buf[at + 1] !== 0x20) return -1;
  if (!same) {
    const ms = Date.parse(`${buf.toString('latin1', start, start + PREFIX_BYTES)}Z`);
    if (Number.isNaN(ms)) return -1;
    buf.copy(cachedPrefixBytes, 0, start, start + PREFIX_BYTES);
    cachedPrefixSec = Math.floor(ms / 1000);
    cachedPrefixValid = true;
  }
  out.sec = cachedPrefixSec;
  out.ns = ns;
  return at + 1;
}
