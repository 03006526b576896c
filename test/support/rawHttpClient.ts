import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';

/** An answer read through node:http. */
export type Exchange = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** What {@link exchange} sends: headers, a body, and the local address to send from (any 127.x.y.z on Linux). */
export type ExchangeOptions = { headers?: Record<string, string>; body?: string | Buffer; localAddress?: string };

/** One request on a fresh connection (no agent, no keep-alive pool), through node:http, which sends the path as is. */
export function exchange(port: number, method: string, path: string, opts: ExchangeOptions = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers: opts.headers, localAddress: opts.localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * A bare TCP client for what node:http will not do: send garbage, a head one byte at a time, half a request, a body
 * that never ends. It records what came back and when the server closed the connection.
 */
export class RawClient {
  /** Everything the server sent, as latin1 text. */
  received = '';
  /** When the connection opened and closed (ms since the epoch). */
  readonly openedAt = Date.now();
  closedAt: number | undefined;
  /** Resolves when the connection is closed (by either side, or reset). */
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => (this.received += d.toString('latin1')));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedAt = Date.now();
        resolve();
      }),
    );
  }

  /** Connects to 127.0.0.1:`port` from `localAddress`. */
  static async connect(port: number, localAddress = '127.0.0.1'): Promise<RawClient> {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    const client = new RawClient(socket);
    await Promise.race([once(socket, 'connect').catch(() => undefined), client.closed]);
    return client;
  }

  /** The status of the first answer, once its status line has come. */
  get status(): number | undefined {
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(this.received);
    return match ? Number(match[1]) : undefined;
  }

  /** Whether the connection is closed. */
  get isClosed(): boolean {
    return this.closedAt !== undefined;
  }

  /** Writes, waiting for the socket to drain; false once the connection is closed. */
  async write(data: string | Buffer): Promise<boolean> {
    if (this.isClosed || this.socket.destroyed) return false;
    if (!this.socket.write(data)) await Promise.race([once(this.socket, 'drain').catch(() => undefined), this.closed]);
    return !this.isClosed;
  }

  /** Resolves true when the connection closes within `ms`, false otherwise. */
  async closesWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const closed = await Promise.race([this.closed.then(() => true as const), timeout]);
    clearTimeout(timer);
    return closed;
  }

  /** Closes the connection from this side. */
  destroy(): void {
    this.socket.destroy();
  }
}

/** Sends a request head with `headers` (`Name: value` lines) and waits up to 10 s for the answer's status. */
export async function rawStatus(
  port: number,
  requestLine: string,
  headers: readonly string[],
): Promise<number | undefined> {
  const client = await RawClient.connect(port);
  await client.write([requestLine, 'Host: 127.0.0.1', ...headers, '', ''].join('\r\n'));
  await client.closesWithin(10_000);
  client.destroy();
  return client.status;
}

/** How a huge upload ended: the status answered (if any), the bytes the client got to send, whether it was closed. */
export type Upload = { status: number | undefined; sent: number; closed: boolean };

/**
 * POSTs a `size`-byte body (declared with Content-Length, or chunked without one) until the server answers or
 * closes, then waits up to 10 s for it to close: what a client that never stops sending gets.
 */
export async function hugeUpload(
  port: number,
  path: string,
  headers: readonly string[],
  opts: { size: number; chunked: boolean; localAddress?: string },
): Promise<Upload> {
  const client = await RawClient.connect(port, opts.localAddress);
  const framing = opts.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${opts.size}`;
  await client.write([`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headers, framing, '', ''].join('\r\n'));
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const piece = opts.chunked
    ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
    : chunk;
  let sent = 0;
  while (sent < opts.size && client.status === undefined && (await client.write(piece))) sent += chunk.length;
  const closed = await client.closesWithin(10_000);
  client.destroy();
  return { status: client.status, sent, closed };
}
