import http from 'node:http';
import { createLogger } from '../../../shared/logger';
import { foregroundInFlight, yieldToForeground } from '../../../shared/foregroundWork';
import { SelfStats } from '../../../agent/selfStats';
import { Exposition } from '../../../exporters/exposition';
import type { MetricFamily } from '../../../exporters/metricFamily';
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

describe('a scraper that stops reading mid-body', () => {
  it('slows the render ahead down but does not stop it: the next version is rendered while it stays stuck', async () => {
    let version = 1;
    // ~24 MB of sample text: far more than the socket buffers hold, and a render of many 8 ms slices.
    const family: MetricFamily = {
      name: 'stuck_scraper_family',
      help: 'Many series.',
      type: 'gauge',
      collect: () =>
        Array.from({ length: 200_000 }, (_, n) => ({
          value: version,
          labels: { series: `series-${n}-${'p'.repeat(80)}` },
        })),
    };
    const exposition = new Exposition([family], [], () => String(version), new SelfStats());
    await exposition.render(undefined);
    const server = new MetricsServer({ exposition, logger, isReady: () => true });
    const port = (await server.listen('127.0.0.1', 0)).port;
    const req = http.get({ host: '127.0.0.1', port, path: '/metrics' });
    try {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
        req.on('response', resolve).on('error', reject),
      );
      res.pause();
      expect(foregroundInFlight()).toBe(1);

      version = 2;
      exposition.prerender();
      const newest = async () => Buffer.concat((await exposition.render(undefined)).parts).toString('utf8');
      let body = await newest();
      for (let tries = 0; tries < 600 && !body.includes(`series-0-${'p'.repeat(80)}"} 2`); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        body = await newest();
      }
      expect(body).toContain('stuck_scraper_family{series="series-0-' + 'p'.repeat(80) + '"} 2');
      expect(foregroundInFlight()).toBe(1); // the stuck scraper still holds its response
    } finally {
      req.destroy();
      await server.close();
    }
  }, 60_000);
});
