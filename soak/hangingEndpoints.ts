import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

/**
 * How a hostile endpoint misbehaves: `black-hole` accepts and never reads nor writes; `mute` reads the request and
 * never answers; `trickle` answers one byte a second (status line, headers, then a chunked body that never ends);
 * `stalled-body` sends its headers at once (Content-Length 1000) and never the body; `trickle-body` sends its headers
 * at once and then a body one byte a second, forever.
 */
export type HangMode = 'black-hole' | 'mute' | 'trickle' | 'stalled-body' | 'trickle-body';

/** One connection an endpoint accepted: when, and when the client closed it (undefined while open). */
export type HeldConnection = { openedAt: number; closedAt?: number };

/** A local endpoint that hangs in one of the {@link HangMode} ways and counts the connections it holds. */
export type HangingEndpoint = {
  mode: HangMode;
  url: string;
  connections: HeldConnection[];
  /** Connections open right now. */
  open(): number;
  /** The most connections that were open at once. */
  maxOpen(): number;
  /** Closes the server and every connection it still holds. */
  stop(): Promise<void>;
};

const CHUNKED_HEAD = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n';
const STALLED_HEAD = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n';

/** Starts an endpoint on 127.0.0.1 that misbehaves as `mode` says; `byteEveryMs` paces the trickling modes. */
export async function startHangingEndpoint(mode: HangMode, byteEveryMs = 1000): Promise<HangingEndpoint> {
  const connections: HeldConnection[] = [];
  const sockets = new Set<net.Socket>();
  let open = 0;
  let maxOpen = 0;
  let port = 0;
  const server = net.createServer((socket) => {
    const held: HeldConnection = { openedAt: Date.now() };
    connections.push(held);
    sockets.add(socket);
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    let timer: NodeJS.Timeout | undefined;
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
      open -= 1;
      held.closedAt = Date.now();
    });
    if (mode === 'black-hole') {
      // Never read: a paused socket does not see the client's FIN, so the kernel's view tells when it closed.
      socket.pause();
      const remotePort = socket.remotePort ?? 0;
      timer = setInterval(() => {
        if (!establishedFrom(port, remotePort)) socket.destroy();
      }, 100);
      return;
    }
    socket.resume();
    if (mode === 'mute') return;
    if (mode === 'stalled-body') return void socket.write(STALLED_HEAD);
    const bytes = mode === 'trickle' ? CHUNKED_HEAD : '';
    if (mode === 'trickle-body') socket.write(CHUNKED_HEAD);
    let sent = 0;
    timer = setInterval(() => {
      // After the head, a never-ending chunked body: a chunk of one byte each time ("1\r\nx\r\n" sent byte by byte).
      const next = sent < bytes.length ? bytes[sent] : '1\r\nx\r\n'[(sent - bytes.length) % 6];
      sent += 1;
      if (!socket.destroyed) socket.write(next ?? '');
    }, byteEveryMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  port = (server.address() as net.AddressInfo).port;
  return {
    mode,
    url: `http://127.0.0.1:${port}`,
    connections,
    open: () => open,
    maxOpen: () => maxOpen,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Whether the kernel still has an established connection from 127.0.0.1:`remotePort` to our `port` (Linux). */
function establishedFrom(port: number, remotePort: number): boolean {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  const local = `0100007F:${hex(port)}`;
  const remote = `0100007F:${hex(remotePort)}`;
  const table = readFileSync('/proc/net/tcp', 'utf8');
  return table.split('\n').some((line) => {
    const [, l, r, state] = line.trim().split(/\s+/);
    return l === local && r === remote && state === '01';
  });
}

/** One request a {@link HealthyEndpoint} received: its path, JSON body and arrival time. */
export type ReceivedPost = { path: string; body: unknown; at: number };

/** A well-behaved endpoint that answers every POST at once with 200 and records it. */
export type HealthyEndpoint = { url: string; received: ReceivedPost[]; stop(): Promise<void> };

/** Starts a {@link HealthyEndpoint} on 127.0.0.1. */
export async function startHealthyEndpoint(): Promise<HealthyEndpoint> {
  const received: ReceivedPost[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      received.push({ path: req.url ?? '/', body, at });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
