import http from 'node:http';
import type { HTTPReceiver } from '@slack/bolt';
import { AUTH_FAILURE_WINDOW_MS, AuthFailureThrottle, clientKey } from '../../../shared/authFailureThrottle';
import {
  applyServerLimits,
  BodyTooLargeError,
  closeIfBodyUnread,
  readBodyWithin,
  serverLimitOptions,
} from '../../../shared/httpServerLimits';
import type { Logger } from '../../../shared/logger';

/** The largest request body the Slack endpoint reads (1 MiB: a button press carries its whole message). */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;

const DEFERRED = 'slack_bolt_http_receiver_deferred_request_error';

/** What the Slack endpoint's server is built from. */
export type SlackHttpServerDeps = {
  receiver: Pick<HTTPReceiver, 'requestListener'>;
  logger: Logger;
};

/**
 * The HTTP server in front of bolt's receiver, with the limits of every dockwatch server (timeouts, header size,
 * connection caps), a body read to at most {@link SLACK_MAX_BODY_BYTES} before bolt sees it (bolt would buffer any
 * size), and the auth-failure throttle: an address whose requests keep failing bolt's signature check is answered
 * 429 for the rest of the window (logged once; bolt logs each failure before that).
 */
export function createSlackHttpServer(deps: SlackHttpServerDeps): http.Server {
  const { receiver, logger } = deps;
  const throttle = new AuthFailureThrottle();
  const server = http.createServer(serverLimitOptions(), (req, res) => void handle(req, res));
  applyServerLimits(server, 'slack endpoint', logger);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const remote = clientKey(req.socket.remoteAddress);
    const gate = throttle.check(remote, Date.now());
    if (!gate.allowed) {
      const retry = String(gate.retryAfterSeconds);
      return answer(res, 429, `too many requests with a bad signature: retry in ${retry} s\n`, {
        'retry-after': retry,
      });
    }
    if (req.method === 'POST') {
      try {
        (req as http.IncomingMessage & { rawBody?: Buffer }).rawBody = await readBodyWithin(req, SLACK_MAX_BODY_BYTES);
      } catch (err) {
        if (err instanceof BodyTooLargeError) return answer(res, 413, `${err.message}\n`);
        return void req.socket.destroy();
      }
      // No reset on success: bolt answers an unsigned ssl_check 200, which would let a guesser clear its count.
      res.once('finish', () => {
        if (res.statusCode !== 401) return;
        const note = throttle.failed(remote, Date.now());
        if (note.log === 'blocked') {
          logger.warn('slack endpoint: too many requests with a bad signature from one address, answering it 429', {
            remote,
            refused: note.failures,
            windowSeconds: AUTH_FAILURE_WINDOW_MS / 1000,
          });
        }
      });
    }
    try {
      receiver.requestListener(req, res);
    } catch (err) {
      if ((err as { code?: unknown }).code === DEFERRED) return answer(res, 404, 'not found\n');
      if ((err as { code?: unknown }).code === 'ERR_INVALID_URL') return answer(res, 400, 'bad request path\n');
      logger.error('slack endpoint request failed', { method: req.method, error: (err as Error).message });
      answer(res, 500, 'internal error\n');
    }
  }
  return server;
}

function answer(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  const close = closeIfBodyUnread(res);
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...close,
    ...headers,
  });
  res.end(text);
}
