import { createServer, request, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** A running relay: `url` replaces the target's base URL for clients that cannot reach loopback. */
export type HttpRelay = { url: string; close: () => Promise<void> };

function rawHead(req: IncomingMessage): string {
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Exposes an HTTP server that listens on loopback only (e.g. the fake Discord) on `host` (e.g. the Docker bridge's
 * gateway address, which containers reach), forwarding requests and WebSocket upgrades to `targetPort` on
 * 127.0.0.1. Response bodies naming the target (`127.0.0.1:<targetPort>`, such as the gateway URL in
 * `/gateway/bot`) are rewritten to name the relay, so clients stay on it.
 */
export async function startHttpRelay(targetPort: number, host: string): Promise<HttpRelay> {
  const sockets = new Set<Socket>();
  const server = createServer();
  let advertised = '';
  const target = `127.0.0.1:${targetPort}`;

  server.on('request', (req, res) => {
    const upstream = request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.from(Buffer.concat(chunks).toString('utf8').split(target).join(advertised), 'utf8');
          const headers = { ...answer.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers).end(body);
        });
      },
    );
    upstream.on('error', (err) => res.writeHead(502).end(`relay: ${err.message}`));
    req.pipe(upstream);
  });

  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const upstream = connect(targetPort, '127.0.0.1', () => {
      upstream.write(rawHead(req));
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream).pipe(client);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  advertised = `${host}:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${advertised}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
