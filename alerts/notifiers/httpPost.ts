import http from 'node:http';
import https from 'node:https';
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
  /** The whole exchange: connect, send, status line, headers and body; a trickling answer does not extend it. */
  timeoutMs: number;
  /** Aborts the request (the outbox stopping). */
  signal: AbortSignal;
  now: () => number;
};

/** The most of an answer's body that is read (for the error excerpt and retry hints); the rest is not waited for. */
export const MAX_ANSWER_BYTES = 64 * 1024;

const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  HPE_INVALID_CONSTANT: 'not an HTTP answer',
  HPE_INVALID_STATUS: 'not an HTTP answer',
  HPE_INVALID_HEADER_TOKEN: 'not an HTTP answer',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
};

/** Why an exchange ended before its answer was read: the deadline, the outbox stopping, or the connection. */
type Ending = { kind: 'timeout' } | { kind: 'aborted' } | { kind: 'error'; err: unknown };

/** The status, headers and (at most {@link MAX_ANSWER_BYTES} of the) body of an answer. */
type Answer = { status: number; headers: Headers; body: string };

/**
 * POSTs `body` as JSON and classifies the answer (see classifyResponse). One deadline covers the whole exchange, and
 * when it passes (or `signal` aborts) the connection is destroyed: each request has a connection of its own, never
 * pooled, so a hung endpoint holds at most the one socket of the request in flight. Network errors, timeouts and
 * aborts are retryable results, never exceptions; no error names the URL or a header value.
 */
export async function postJson(post: JsonPost): Promise<DeliveryResult> {
  const secrets = [post.url, urlPath(post.url), ...Object.values(post.headers ?? {})];
  try {
    const answer = await exchange(post);
    return classifyResponse({ name: post.name, ...answer, secrets, now: post.now() });
  } catch (err) {
    const ending: Ending = isEnding(err) ? err : { kind: 'error', err };
    return { ok: false, retry: true, error: `${post.name}: ${failureReason(ending, post)}` };
  }
}

/** One request on a connection of its own; rejects with an {@link Ending} and leaves no socket behind. */
function exchange(post: JsonPost): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    if (post.signal.aborted) return reject({ kind: 'aborted' } satisfies Ending);
    const url = new URL(post.url);
    const payload = Buffer.from(JSON.stringify(post.body));
    const send = url.protocol === 'https:' ? https.request : http.request;
    let settled = false;
    const finish = (outcome: { answer: Answer } | { ending: Ending }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      post.signal.removeEventListener('abort', onAbort);
      req.destroy();
      if ('answer' in outcome) resolve(outcome.answer);
      else reject(outcome.ending);
    };
    const onAbort = () => finish({ ending: { kind: 'aborted' } });
    const req = send(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'dockwatch',
        ...post.headers,
        'content-length': String(payload.length),
        connection: 'close',
      },
    });
    const deadline = setTimeout(() => finish({ ending: { kind: 'timeout' } }), post.timeoutMs);
    post.signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish({ ending: { kind: 'error', err } }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () =>
        finish({
          answer: { status: res.statusCode ?? 0, headers: toHeaders(res.headers), body: decode(chunks, size) },
        });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_ANSWER_BYTES) done();
      });
      res.on('end', done);
      res.on('error', (err) => finish({ ending: { kind: 'error', err } }));
      res.on('close', () => {
        if (!res.complete) finish({ ending: { kind: 'error', err: { code: 'ECONNRESET' } } });
      });
    });
    req.end(payload);
  });
}

function decode(chunks: Buffer[], size: number): string {
  return Buffer.concat(chunks, size).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

function failureReason(ending: Ending, post: JsonPost): string {
  if (ending.kind === 'aborted') return 'aborted';
  if (ending.kind === 'timeout') return `no answer within ${formatDuration(post.timeoutMs)}`;
  const code = errorCode(ending.err);
  if (code) return `${NETWORK_ERRORS[code] ?? 'request failed'} (${code})`;
  const name = isObject(ending.err) && typeof ending.err.name === 'string' ? ending.err.name : 'unknown error';
  return `request failed (${name})`;
}

/** The first Node error code (`ECONNREFUSED`, …) along the cause chain; errors may come from another realm. */
function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; isObject(e) && depth < 4; e = e.cause, depth += 1) {
    if (typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code)) return e.code;
  }
  return undefined;
}

function isEnding(value: unknown): value is Ending {
  return isObject(value) && (value.kind === 'timeout' || value.kind === 'aborted' || value.kind === 'error');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function urlPath(url: string): string {
  const { pathname, search } = new URL(url);
  return pathname.length > 1 ? pathname + search : '';
}
