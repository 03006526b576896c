import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type http from 'node:http';
import { LINGER_BYTES } from '../../../shared/httpServerLimits';
import { createLogger } from '../../../shared/logger';
import { createSlackHttpServer, SLACK_MAX_BODY_BYTES } from '../../../bot/adapters/slack/slackHttpServer';
import { MetricsServer } from '../../../exporters/metricsServer';

// A client that writes its whole body before it reads (many do) must still get the early answer (a 405, a 413), not
// a reset: the server drops what keeps coming, and closes with nothing unread. A reset would make the client's next
// write fail, and the client would drop the answer still unread in its socket.

const logger = createLogger({ level: 'error', format: 'text', silent: true });
/** More than the socket buffers take before the server reads (so it reads and drops most of it), under the cap. */
const BODY_BYTES = 24 * 1024 * 1024;

type Sent = { status: number | undefined; written: number; closedByServer: boolean };

/** POSTs `BODY_BYTES` (chunked or declared), reading nothing until the whole body is written. */
async function sendAllThenRead(port: number, path: string, headers: string[], chunked: boolean): Promise<Sent> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.pause();
  socket.on('error', () => undefined);
  let closed = false;
  socket.once('close', () => (closed = true));
  await once(socket, 'connect');
  const framing = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${BODY_BYTES}`;
  socket.write([`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headers, framing, '', ''].join('\r\n'));
  const data = Buffer.alloc(256 * 1024, 'a');
  const piece = chunked
    ? Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')])
    : data;
  let written = 0;
  while (written < BODY_BYTES && !closed) {
    if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve));
    if (!closed) written += data.length;
  }
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  socket.resume();
  const closedByServer =
    !closed &&
    (await new Promise<boolean>((resolve) => {
      socket.once('end', () => resolve(true)).once('close', () => resolve(false));
      setTimeout(() => resolve(false), 10_000).unref();
    }));
  socket.destroy();
  const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
  return { status: status === undefined ? undefined : Number(status), written, closedByServer };
}

describe('an answer given before the body was read', () => {
  describe('on the agent listener (POST /metrics: 405)', () => {
    let server: MetricsServer;
    let port: number;
    beforeAll(async () => {
      const exposition = { render: () => Promise.reject(new Error('not scraped here')) };
      server = new MetricsServer({ exposition, logger, isReady: () => true });
      port = (await server.listen('127.0.0.1', 0)).port;
    });
    afterAll(() => server.close());

    it.each([false, true])(
      'reaches a client that sends its whole body first (chunked: %s)',
      async (chunked) => {
        expect(BODY_BYTES).toBeLessThan(LINGER_BYTES);
        const got = await sendAllThenRead(port, '/metrics', [], chunked);
        expect(got).toEqual({ status: 405, written: BODY_BYTES, closedByServer: true });
      },
      30_000,
    );
  });

  describe('on the Slack endpoint (past its 1 MiB body limit: 413)', () => {
    let server: http.Server;
    let port: number;
    beforeAll(async () => {
      const receiver = { requestListener: () => undefined };
      server = createSlackHttpServer({ receiver, logger });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it.each([false, true])(
      'reaches a client that sends its whole body first (chunked: %s)',
      async (chunked) => {
        expect(BODY_BYTES).toBeGreaterThan(SLACK_MAX_BODY_BYTES);
        const headers = ['Content-Type: application/x-www-form-urlencoded'];
        const got = await sendAllThenRead(port, '/slack/events', headers, chunked);
        expect(got).toEqual({ status: 413, written: BODY_BYTES, closedByServer: true });
      },
      30_000,
    );
  });
});
