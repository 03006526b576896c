import type http from 'node:http';
import { ApiError } from './controlApiError';
import { BodyTooLargeError, closeIfBodyUnread, readBodyWithin } from '../shared/httpServerLimits';

/** The largest request body the control API reads (64 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON request's body as UTF-8 text: 415 unless it is sent as application/json (which also keeps browsers
 * from posting to a tokenless agent without a CORS preflight), 413 past `limit` bytes without reading the rest.
 */
export async function readJsonText(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const type = req.headers['content-type'];
  const mediaType = type?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    const got = type === undefined ? 'none' : JSON.stringify(type);
    throw new ApiError(415, `the request body must be sent as content-type application/json, got ${got}`);
  }
  try {
    return (await readBodyWithin(req, limit)).toString('utf8');
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    throw new ApiError(413, err.message);
  }
}

/**
 * Sends a JSON answer (no body for 204); never cached, never sniffed. An answer given before a long or chunked body
 * was read (a refusal, a 404) closes the connection, so the rest of that body is never read.
 */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const close = closeIfBodyUnread(res);
  const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...close, ...headers };
  if (status === 204 || body === undefined) {
    res.writeHead(status, common);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...common,
  });
  res.end(text);
}

/** Starts a streamed NDJSON answer (200, never cached, never sniffed) and sends its headers at once. */
export function startNdjson(res: http.ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.flushHeaders();
}
