import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { beginForeground } from '../shared/foregroundWork';
import {
  applyServerLimits,
  closeIfBodyUnread,
  serverLimitOptions,
  TLS_HANDSHAKE_TIMEOUT_MS,
} from '../shared/httpServerLimits';
import type { Logger } from '../shared/logger';
import type { Exposition } from './exposition';

/** What the HTTP server needs from the agent. */
export type MetricsServerDeps = {
  exposition: Pick<Exposition, 'render'>;
  logger: Logger;
  /** Ready once the first sampling pass has stored its results. */
  isReady: () => boolean;
  /** The control API, which answers everything under /api/ (404 there without it). */
  api?: ApiHandler;
  /** `agent.tls`, read: serve HTTPS (metrics and API alike) instead of HTTP. */
  tls?: ListenerTls;
};

/** What answers the listener's /api/ paths (the agent's control API). */
export type ApiHandler = { handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> };

/** Whether a request path belongs to the control API (`/api` and below), which the listener hands to it. */
export function isControlApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** A PEM certificate (chain) and its private key for the listener. */
export type ListenerTls = { cert: Buffer; key: Buffer };

/** The agent's HTTP(S) server: /metrics, /healthz, /readyz, and the control API under /api/. */
export class MetricsServer {
  private readonly server: http.Server | https.Server;

  constructor(private readonly deps: MetricsServerDeps) {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    const limits = serverLimitOptions();
    this.server = deps.tls
      ? https.createServer(
          { ...limits, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS, cert: deps.tls.cert, key: deps.tls.key },
          handler,
        )
      : http.createServer(limits, handler);
    applyServerLimits(this.server, 'agent listener', deps.logger);
  }

  /** Listens on host:port; resolves with the bound address (port 0 picks a free port). */
  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting connections and waits for open requests to finish. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (this.deps.api && isControlApiPath(path ?? '/')) return this.deps.api.handle(req, res);
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return this.send(res, 405, 'method not allowed\n');
      if (path === '/metrics') {
        const { parts, contentType } = await this.deps.exposition.render(req.headers.accept);
        const length = parts.reduce((n, p) => n + p.length, 0);
        res.writeHead(200, { 'content-type': contentType, 'content-length': length });
        if (req.method === 'HEAD') return void res.end();
        // Background slices wait while the body is handed to the socket, so it is not sent one socket buffer per slice.
        const ended = beginForeground();
        res.once('finish', ended).once('close', ended);
        // Corked, the parts leave in one writev instead of a syscall each.
        res.cork();
        for (const part of parts) res.write(part);
        return void res.end();
      }
      if (path === '/healthz') return this.send(res, 200, 'ok\n');
      if (path === '/readyz') {
        return this.deps.isReady() ? this.send(res, 200, 'ready\n') : this.send(res, 503, 'not ready: no sample yet\n');
      }
      if (path === '/') {
        return this.send(res, 200, 'dockwatch agent: /metrics /healthz /readyz\n');
      }
      return this.send(res, 404, 'not found\n');
    } catch (err) {
      this.deps.logger.error('request failed', { path, error: (err as Error).message });
      return this.send(res, 500, 'internal error\n');
    }
  }

  private send(
    res: http.ServerResponse,
    status: number,
    body: string | Buffer,
    type = 'text/plain; charset=utf-8',
  ): void {
    const close = closeIfBodyUnread(res);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...close });
    res.end(body);
  }
}
