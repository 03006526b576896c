import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './waitFor';

/** One request the server received. */
export type RecordedRequest = {
  method: string;
  /** Path with the query string, e.g. `/api/webhooks/1/tok?wait=true`. */
  url: string;
  /** Path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (Date.now()). */
  at: number;
};

/** What the server answers; a body object is sent as JSON. */
export type CannedResponse = { status: number; headers?: Record<string, string>; body?: string | object };

/** A local HTTP server that records every request and answers from a per-path script. */
export type RecordingServer = {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Every request so far, oldest first. */
  requests: RecordedRequest[];
  /** The requests to one path (query string ignored). */
  requestsTo(path: string): RecordedRequest[];
  /** Answers the next requests to `path` with these responses in turn; the last one repeats. */
  respond(path: string, ...responses: CannedResponse[]): void;
  /** Waits until `path` (or any path) has received at least `count` requests, and returns them. */
  waitForRequests(count: number, path?: string, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Closes the server and every open connection; safe to call twice. */
  stop(): Promise<void>;
};

/**
 * Starts a recording server on 127.0.0.1 (`port` 0 or unset: a free one). Paths without a script answer
 * `defaultResponse` (204 unless given).
 */
export async function startRecordingServer(
  opts: { port?: number; defaultResponse?: CannedResponse } = {},
): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, CannedResponse[]>();
  const fallback = opts.defaultResponse ?? { status: 204 };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      const path = url.split('?')[0] ?? '/';
      requests.push({
        method: req.method ?? '',
        url,
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const script = scripts.get(path);
      const response = (script && script.length > 1 ? script.shift() : script?.[0]) ?? fallback;
      const body = typeof response.body === 'object' ? JSON.stringify(response.body) : (response.body ?? '');
      const type = typeof response.body === 'object' ? { 'content-type': 'application/json' } : {};
      res.writeHead(response.status, { ...type, ...response.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: opts.port ?? 0 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;

  const requestsTo = (path: string): RecordedRequest[] => requests.filter((r) => r.path === path);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    requestsTo,
    respond(path, ...responses) {
      scripts.set(path, responses);
    },
    waitForRequests(count, path, timeoutMs = 10_000) {
      const seen = (): RecordedRequest[] => (path === undefined ? requests : requestsTo(path));
      return waitFor(async () => (seen().length >= count ? [...seen()] : undefined), {
        timeoutMs,
        intervalMs: 20,
        what: `${count} request(s) to ${path ?? 'the recording server'}`,
      });
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
