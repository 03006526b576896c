import http from 'node:http';
import https from 'node:https';
import { AgentError, EngineUnavailableError } from '../agentClient';

/** How to reach one agent's control API. */
export type AgentHttpOptions = {
  /** `http(s)://host:port`, optionally with a path prefix (a reverse proxy's). */
  url: string;
  /** Sent as `Authorization: Bearer`; never shown. */
  token?: string;
  /** PEM CA certificate(s) that signed the agent's certificate, for https with a private CA. */
  ca?: Buffer;
  /** Longest wait for a read's answer (no bytes for this long: unreachable). */
  timeoutMs: number;
  /** Longest silence while an action runs (its progress lines count as answers). */
  actionTimeoutMs: number;
  /** The host's name as the user knows it, for error messages (it may be learnt after construction). */
  hostName: () => string;
};

/**
 * One call: method, path under the base URL (with its query), a JSON body, cancellation, and for a read the engine
 * is slow to answer (`images`: the engine's disk usage) a longer wait than `timeoutMs`.
 */
export type AgentRequest = {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
};

/** A decoded answer: the status and the JSON body (undefined for 204). */
export type AgentAnswer = { status: number; body: unknown };

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const UNTRUSTED_CERT = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/**
 * HTTP(S) to one agent's control API with node:http/https (a private CA needs an https.Agent of its own): bearer
 * token, timeouts, cancellation, and every failure turned into an AgentError that names the host and the problem,
 * never the token.
 */
export class AgentHttp {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(private readonly options: AgentHttpOptions) {
    this.base = new URL(options.url);
    const secure = this.base.protocol === 'https:';
    this.transport = secure ? https : http;
    this.agent = secure
      ? new https.Agent({ keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) })
      : new http.Agent({ keepAlive: true });
  }

  /**
   * A JSON call; rejects with AgentError for transport failures, 401/403 and 5xx (EngineUnavailableError for the
   * agent's own 503: its engine is unreachable), resolves 2xx and other 4xx.
   */
  async json(request: AgentRequest): Promise<AgentAnswer> {
    const res = await this.send(request, request.timeoutMs ?? this.options.timeoutMs);
    const text = await this.readAll(res, request.signal);
    const status = res.statusCode ?? 0;
    const body = text === '' ? undefined : this.parse(text, status);
    this.refuseFailure(status, body);
    return { status, body };
  }

  /**
   * A call answered with NDJSON lines (an action): each parsed line goes to `onLine` as it arrives. A non-200 answer
   * is decoded as a JSON error instead and rejected (4xx as the agent's own message).
   */
  async lines(request: AgentRequest, onLine: (line: unknown) => void): Promise<void> {
    const res = await this.open(request, this.options.actionTimeoutMs);
    let partial = '';
    await this.consume(res, request.signal, (chunk) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) if (part.trim() !== '') onLine(this.parse(part, 200));
    });
    if (partial.trim() !== '') onLine(this.parse(partial, 200));
  }

  /**
   * A call whose 200 answer the caller reads itself, incrementally (a followed log): resolves with the response once
   * its headers arrive; a non-200 answer is decoded as a JSON error and rejected (4xx as the agent's own message).
   * `idleTimeoutMs` bounds the silence on the socket (the agent sends heartbeats); the caller destroys the response to
   * stop early.
   */
  async open(request: AgentRequest, idleTimeoutMs: number): Promise<http.IncomingMessage> {
    const res = await this.send(request, idleTimeoutMs);
    const status = res.statusCode ?? 0;
    if (status === 200) return res;
    const text = await this.readAll(res, request.signal);
    const body = text === '' ? undefined : this.parse(text, status);
    this.refuseFailure(status, body);
    throw new AgentError(errorOf(body) ?? `${this.host()} answered ${status}`);
  }

  /** The AgentError for a failure while reading an answer (names the host, never the token). */
  failure(err: Error): AgentError {
    return err instanceof AgentError ? err : this.unreachable(err);
  }

  /** A human-readable base address (no credentials). */
  address(): string {
    return this.base.origin;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private host(): string {
    return `host ${this.options.hostName()}`;
  }

  private send(request: AgentRequest, timeoutMs: number): Promise<http.IncomingMessage> {
    const { signal } = request;
    if (signal?.aborted) return Promise.reject(this.cancelled(signal));
    const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    const headers: Record<string, string | number> = { accept: 'application/json, application/x-ndjson' };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
    const url = new URL(this.base.pathname.replace(/\/$/, '') + request.path, this.base);
    return new Promise((resolve, reject) => {
      const req = this.transport.request(url, { method: request.method, headers, agent: this.agent }, (res) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(res);
      });
      const onAbort = () => req.destroy(this.cancelled(signal as AbortSignal));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.setTimeout(timeoutMs, () => req.destroy(new TimeoutError(timeoutMs)));
      req.on('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(err instanceof AgentError ? err : this.unreachable(err));
      });
      req.end(payload);
    });
  }

  private async readAll(res: http.IncomingMessage, signal: AbortSignal | undefined): Promise<string> {
    const chunks: string[] = [];
    let size = 0;
    await this.consume(res, signal, (chunk) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) throw new AgentError(`${this.host()} sent more than ${MAX_ANSWER_BYTES} bytes`);
      chunks.push(chunk);
    });
    return chunks.join('');
  }

  private consume(
    res: http.IncomingMessage,
    signal: AbortSignal | undefined,
    onChunk: (chunk: string) => void,
  ): Promise<void> {
    res.setEncoding('utf8');
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        signal?.removeEventListener('abort', onAbort);
        res.destroy();
        reject(err instanceof AgentError ? err : this.unreachable(err));
      };
      const onAbort = () => fail(this.cancelled(signal as AbortSignal));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      res.on('data', (chunk: string) => {
        try {
          onChunk(chunk);
        } catch (err) {
          fail(err as Error);
        }
      });
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      res.on('error', fail);
      res.on('aborted', () => fail(new Error('the agent closed the connection mid-answer')));
    });
  }

  private parse(text: string, status: number): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new AgentError(`${this.host()} answered ${status} with something that is not JSON`);
    }
  }

  private refuseFailure(status: number, body: unknown): void {
    const { token } = this.options;
    if (status === 401) {
      throw new AgentError(
        token === undefined
          ? `${this.host()} requires a token: set token for it in the bot's config (its agent.token)`
          : `${this.host()} rejected the bot's token: it does not match that agent's agent.token`,
      );
    }
    if (status === 403) {
      throw new AgentError(
        `${this.host()} refused the bot (${errorOf(body) ?? 'forbidden'}); set agent.token there and token here`,
      );
    }
    const error = errorOf(body);
    if (status === 503 && error !== undefined && (body as { kind?: unknown }).kind === 'agent') {
      throw new EngineUnavailableError(error);
    }
    if (status >= 500) throw new AgentError(`${this.host()} failed: ${error ?? `status ${status}`}`);
    if (status === 404 && errorOf(body)?.startsWith('no such endpoint')) {
      throw new AgentError(
        `${this.host()} does not offer ${errorOf(body)?.slice(18)} (is its agent older than the bot?)`,
      );
    }
  }

  private cancelled(signal: AbortSignal): AgentError {
    const reason: unknown = signal.reason;
    const why = reason instanceof Error ? reason.message : 'cancelled';
    return new AgentError(`${this.host()}: the request was abandoned (${why})`);
  }

  private unreachable(err: Error): AgentError {
    return new AgentError(`${this.host()} is unreachable: ${describeFailure(err)}`);
  }
}

/** The `error` field of an agent's JSON error answer. */
export function errorOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'string' ? error : undefined;
}

class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms / 1000} s`);
    this.name = 'TimeoutError';
  }
}

function describeFailure(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && UNTRUSTED_CERT.has(code)) {
    return `its TLS certificate is not trusted (${err.message}); give the CA that signed it as ca`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `its TLS certificate does not name this address (${err.message})`;
  if (code === 'CERT_HAS_EXPIRED') return `its TLS certificate has expired`;
  return err.message || code || 'connection failed';
}
