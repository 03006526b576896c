import { formatDuration } from '../../config/duration';
import { classifyResponse } from './classifyResponse';
import type { DeliveryResult } from './notifier';

/** One JSON POST of a notifier. */
export type JsonPost = {
  /** The notifier's name, used in every error instead of the URL. */
  name: string;
  url: string;
  body: unknown;
  headers?: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Aborts the request (the outbox stopping). */
  signal: AbortSignal;
  now: () => number;
};

const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/**
 * POSTs `body` as JSON and classifies the answer (see classifyResponse). Network errors, timeouts and aborts are
 * retryable results, never exceptions; no error names the URL or a header value.
 */
export async function postJson(post: JsonPost): Promise<DeliveryResult> {
  const timeout = AbortSignal.timeout(post.timeoutMs);
  const secrets = [post.url, urlPath(post.url), ...Object.values(post.headers ?? {})];
  try {
    const res = await fetch(post.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'dockwatch', ...post.headers },
      body: JSON.stringify(post.body),
      signal: AbortSignal.any([post.signal, timeout]),
    });
    const body = await res.text();
    return classifyResponse({
      name: post.name,
      status: res.status,
      headers: res.headers,
      body,
      secrets,
      now: post.now(),
    });
  } catch (err) {
    return { ok: false, retry: true, error: `${post.name}: ${failureReason(err, post, timeout)}` };
  }
}

function failureReason(err: unknown, post: JsonPost, timeout: AbortSignal): string {
  if (post.signal.aborted) return 'aborted';
  if (timeout.aborted) return `no answer within ${formatDuration(post.timeoutMs)}`;
  const code = errorCode(err);
  if (code) return `${NETWORK_ERRORS[code] ?? 'request failed'} (${code})`;
  const name = isObject(err) && typeof err.name === 'string' ? err.name : 'unknown error';
  return `request failed (${name})`;
}

/** The first Node error code (`ECONNREFUSED`, …) along the cause chain; errors may come from another realm. */
function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; isObject(e) && depth < 4; e = e.cause, depth += 1) {
    if (typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code)) return e.code;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function urlPath(url: string): string {
  const { pathname, search } = new URL(url);
  return pathname.length > 1 ? pathname + search : '';
}
