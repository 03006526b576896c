/** The longest wait an endpoint may ask for; longer hints are capped (the outbox keeps trying, just not sooner). */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * How long the endpoint asked us to wait, in ms, or undefined when it did not say. Read in order of precision:
 * Discord's JSON `retry_after` (seconds, float), `X-RateLimit-Reset-After` (seconds, float), `Retry-After` (seconds or
 * an HTTP date; Slack and most others), `X-RateLimit-Reset` (epoch seconds).
 */
export function retryAfterMs(headers: Headers, body: string, now: number): number | undefined {
  const hints = [
    bodyRetryAfter(body),
    seconds(headers.get('x-ratelimit-reset-after')),
    parseRetryAfter(headers.get('retry-after'), now),
    resetAt(headers.get('x-ratelimit-reset'), now),
  ];
  const hint = hints.find((ms) => ms !== undefined);
  return hint === undefined ? undefined : Math.min(hint, MAX_RETRY_AFTER_MS);
}

/** A `Retry-After` value (delay-seconds or HTTP-date) as ms from `now`; a date in the past means 0. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const delay = seconds(value);
  if (delay !== undefined) return delay;
  const at = Date.parse(value);
  return Number.isNaN(at) || !/[a-z]/i.test(value) ? undefined : Math.max(0, at - now);
}

function bodyRetryAfter(body: string): number | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    const value =
      typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).retry_after : undefined;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.ceil(value * 1000) : undefined;
  } catch {
    return undefined;
  }
}

function seconds(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.ceil(Number(value) * 1000);
}

function resetAt(value: string | null, now: number): number | undefined {
  const epochMs = seconds(value);
  return epochMs === undefined ? undefined : Math.max(0, epochMs - now);
}
