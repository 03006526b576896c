import http from 'node:http';
import { createLogger } from '../../../shared/logger';
import { foregroundInFlight, yieldToForeground } from '../../../shared/foregroundWork';
import { MetricsServer } from '../../../exporters/metricsServer';

// A 14 MB body (2,000 containers) does not fit the socket buffers: it leaves as the client reads. Background slices
// (a sampling pass, the render ahead) must hold back until it has been handed to the socket, or every refill of the
// socket waits behind one slice.

const logger = createLogger({ level: 'error', format: 'text', silent: true });
const BODY = Buffer.alloc(32 * 1024 * 1024, 'x');

describe('a /metrics body being sent', () => {
  let server: MetricsServer;
  let port: number;
  beforeAll(async () => {
    const exposition = {
      render: () =>
        Promise.resolve({
          parts: [BODY.subarray(0, BODY.length / 2), BODY.subarray(BODY.length / 2)],
          contentType: 'text/plain',
        }),
    };
    server = new MetricsServer({ exposition, logger, isReady: () => true });
    port = (await server.listen('127.0.0.1', 0)).port;
  });
  afterAll(() => server.close());

  it('holds background slices back until it is handed to the socket, then lets them go on', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port, path: '/metrics' }, resolve).on('error', reject),
    );
    res.pause();
    expect(res.statusCode).toBe(200);
    expect(foregroundInFlight()).toBe(1);

    let sliceWent = false;
    const slice = yieldToForeground(60_000).then(() => (sliceWent = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sliceWent).toBe(false);

    let received = 0;
    res.on('data', (chunk: Buffer) => (received += chunk.length));
    res.resume();
    await new Promise((resolve) => res.on('end', resolve));
    await slice;
    expect(received).toBe(BODY.length);
    expect(foregroundInFlight()).toBe(0);
  });

  it('stops holding them back when the client goes away mid-body', async () => {
    const whileSending = await new Promise<number>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
        res.pause();
        resolve(foregroundInFlight());
        req.destroy();
      });
      req.on('error', () => undefined);
    });
    expect(whileSending).toBe(1);
    for (let i = 0; i < 100 && foregroundInFlight() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(foregroundInFlight()).toBe(0);
  });
});
