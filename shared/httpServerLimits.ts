import type http from 'node:http';
import type { Socket } from 'node:net';
import { clientKey } from './authFailureThrottle';
import type { Logger } from './logger';

/** A connection on which the client sends (or reads) nothing for this long while the server waits on it is closed. */
export const CLIENT_IDLE_TIMEOUT_MS = 30_000;
/** A request's headers must be complete this long after the connection opened (or the request began): else 408. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A request, headers and body, must be complete this long after it began: else 408. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** A TLS client must finish its handshake this long after connecting (Node's default holds it 120 s). */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
/** The largest request head (request line and headers) a server reads: past it, 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Open connections a server holds at most; past it new ones are closed at once. */
export const MAX_CONNECTIONS = 1000;
/** Open connections one client address (an IPv6 /64) holds at most; past it its new ones are closed at once. */
export const MAX_CONNECTIONS_PER_ADDRESS = 100;

/** Node adds this margin to the keep-alive timer it arms on the socket; taken off so the socket closes on time. */
const KEEP_ALIVE_MARGIN_MS = 1_000;
/** How often Node looks for requests past their headers or request timeout. */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
const LOG_EVERY_MS = 60_000;

/** The limits every dockwatch HTTP(S) server is created with (options of http.createServer and https.createServer). */
export function serverLimitOptions(): http.ServerOptions {
  return {
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: CLIENT_IDLE_TIMEOUT_MS - KEEP_ALIVE_MARGIN_MS,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    insecureHTTPParser: false,
  };
}

/**
 * Applies the limits that are not createServer options: the idle timeout, the connection caps (total and per
 * address, refusals logged once a minute per address as `name`), and which idle answers may go on. A socket idle
 * for {@link CLIENT_IDLE_TIMEOUT_MS} is closed while the server waits on the client (for a request, for its body,
 * or for it to read the answer), never while the server itself is preparing an answer (a long exec).
 */
export function applyServerLimits(server: http.Server, name: string, logger: Logger): void {
  server.timeout = CLIENT_IDLE_TIMEOUT_MS;
  server.maxConnections = MAX_CONNECTIONS;
  const open = new Map<string, number>();
  const loggedAt = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const key = clientKey(socket.remoteAddress);
    const count = open.get(key) ?? 0;
    if (count >= MAX_CONNECTIONS_PER_ADDRESS) {
      socket.destroy();
      const now = Date.now();
      if (now - (loggedAt.get(key) ?? -Infinity) >= LOG_EVERY_MS) {
        for (const [k, at] of loggedAt) if (now - at >= LOG_EVERY_MS) loggedAt.delete(k);
        loggedAt.set(key, now);
        logger.warn(`${name}: connection refused, too many open connections from one address`, {
          remote: key,
          limit: MAX_CONNECTIONS_PER_ADDRESS,
        });
      }
      return;
    }
    open.set(key, count + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.on('timeout', (socket: Socket) => {
      if (!req.complete || socket.writableLength > 0) socket.destroy();
    });
  });
}

/** A request body past the reader's limit (answer 413 and close the connection). */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the request body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request's body, at most `limit` bytes: a declared length past it fails at once, a longer body (chunked or
 * not) as soon as it passes the limit, without reading the rest. Rejects when the client goes away mid-body.
 */
export function readBodyWithin(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (finish: () => void) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      finish();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.pause();
      settle(() => reject(new BodyTooLargeError(limit)));
    };
    const onEnd = () => settle(() => resolve(Buffer.concat(chunks)));
    const onError = (err: Error) => settle(() => reject(err));
    const onClose = () => settle(() => reject(new Error('the client closed the connection mid-request')));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** An answer given before the body was read lets Node read and drop a body up to this size (keeping the connection). */
export const MAX_DISCARDED_BODY_BYTES = 64 * 1024;

/** After such an answer, the server still reads and drops what the client sends for this long, at most... */
const LINGER_MS = 5_000;
/**
 * ...and this much, so the client, busy sending, sees the answer instead of a reset. It must exceed what the socket
 * buffers on both sides can hold when the answer goes out (Linux: tcp_wmem up to 4 MiB, tcp_rmem up to 6-32 MiB):
 * closing with bytes still unread sends a reset, and a client whose next write fails on that reset drops the answer
 * it has not read yet.
 */
export const LINGER_BYTES = 64 * 1024 * 1024;

/**
 * The headers that close the connection after an answer given before the request's body was read, when that body is
 * longer than {@link MAX_DISCARDED_BODY_BYTES} or chunked (a shorter one Node reads and drops, keeping the
 * connection); `{}` otherwise. The close lingers: the answer goes out, then the server half-closes and drops what
 * still comes for a bounded time and size before it closes, so a client still sending reads the answer, not a reset.
 */
export function closeIfBodyUnread(res: http.ServerResponse): Record<string, string> {
  const req = res.req as http.IncomingMessage | undefined;
  const socket = res.socket;
  if (!req || !socket || !unreadLongBody(req)) return {};
  socket.destroySoon = () => {
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    socket.once('close', () => clearTimeout(timer));
    let dropped = 0;
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > LINGER_BYTES) socket.destroy();
    });
    req.resume();
    socket.end();
  };
  return { connection: 'close' };
}

function unreadLongBody(req: http.IncomingMessage): boolean {
  if (req.complete || req.readableEnded) return false;
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? 0);
  return !Number.isFinite(length) || length > MAX_DISCARDED_BODY_BYTES;
}
