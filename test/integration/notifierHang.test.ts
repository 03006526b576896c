import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { postJson } from '../../alerts/notifiers/httpPost';
import { HUNG_LANES, percentile, runNotifierHangRig, type HangRigReport } from '../../soak/notifierHangRig';

const CLI = join(__dirname, '../../dist/cli.js');
/** The hanging notifiers' timeout; the healthy lane's latency must stay below it (else it waited for them). */
const HANG_TIMEOUT_MS = 4_000;

/** `v` when outside lo..hi, else the range: compared with toEqual, a failure shows the lane and the value. */
const range = (v: number, lo: number, hi: number): number | string => (v >= lo && v <= hi ? `${lo}..${hi}` : v);

/**
 * An agent process (the built CLI) whose notifiers are five endpoints that hang in every way (accept and never read,
 * read and never answer, trickle one byte a second, headers and then no body, headers and then a body trickled
 * forever: webhook, Slack, Discord and Alertmanager twice) and one healthy webhook, while a container writes a
 * marker line every 2 s that fires an alert routed to all six. Run `npm run build` first.
 */
describe('notifier endpoints that hang or trickle', () => {
  let report: HangRigReport;

  beforeAll(async () => {
    report = await runNotifierHangRig({
      cliPath: CLI,
      durationMs: 30_000,
      markerEveryMs: 2_000,
      hangTimeout: `${HANG_TIMEOUT_MS / 1000}s`,
    });
  }, 85_000);

  const lanes = () => report.hung.map((l) => l.name);

  it('gives up on every hanging endpoint at its timeout, however slowly it trickles, and never delivers there', () => {
    expect(lanes()).toEqual(HUNG_LANES.map((l) => l.name));
    for (const lane of report.hung) {
      expect({ lane: lane.name, sent: lane.sent, failed: lane.failed }).toEqual({
        lane: lane.name,
        sent: 0,
        failed: 0,
      });
      const [lo, hi] = [HANG_TIMEOUT_MS - 200, HANG_TIMEOUT_MS + 3_000];
      expect({ lane: lane.name, longestHoldMs: range(lane.longestHoldMs, lo, hi) }).toEqual({
        lane: lane.name,
        longestHoldMs: `${lo}..${hi}`,
      });
    }
    for (const lane of report.hung) {
      const warned = report.agentOutput.split('\n').filter((l) => l.includes(`notifier ${lane.name} is failing`));
      expect(warned).toHaveLength(1);
      expect(warned[0]).toContain(`error="${lane.name}: no answer within ${HANG_TIMEOUT_MS / 1000}s"`);
    }
  });

  it('counts each failure and retries with a growing backoff, one attempt at a time', () => {
    for (const lane of report.hung) {
      // Every attempt is one connection; the last ones may still be in flight when the counters were read.
      const what = {
        lane: lane.name,
        retried: range(lane.retried, 3, 20),
        attempts: range(lane.attempts, lane.retried, lane.retried + 2),
        maxOpen: lane.maxOpen,
      };
      expect(what).toEqual({
        lane: lane.name,
        retried: '3..20',
        attempts: `${lane.retried}..${lane.retried + 2}`,
        maxOpen: 1,
      });
      // No attempt before the previous one timed out, and the waits grow.
      expect(Math.min(...lane.gapsMs)).toBeGreaterThanOrEqual(HANG_TIMEOUT_MS - 100);
      expect(lane.gapsMs[lane.gapsMs.length - 1]).toBeGreaterThan((lane.gapsMs[0] ?? 0) + 1_500);
    }
  });

  it('delivers every alert to the healthy notifier once, without waiting for the hanging ones', () => {
    const { healthy } = report;
    expect({ delivered: healthy.delivered, duplicates: healthy.duplicates, retried: healthy.retried }).toEqual({
      delivered: healthy.markers,
      duplicates: 0,
      retried: 0,
    });
    expect(healthy.markers).toBeGreaterThanOrEqual(10);
    expect(percentile(healthy.latenciesMs, 100)).toBeLessThan(HANG_TIMEOUT_MS);
  });

  it('holds no socket beyond the one in flight per lane, and stops promptly leaving none open', () => {
    expect(report.socketFds.max).toBeLessThanOrEqual(report.socketFds.start + HUNG_LANES.length + 2);
    expect(report.socketFds.end).toBeLessThanOrEqual(report.socketFds.start + HUNG_LANES.length);
    expect(report.rssKb.end).toBeLessThan(report.rssKb.start + 50 * 1024);
    expect(report.stop.exit).toBe('0');
    expect(report.stop.ms).toBeLessThan(15_000);
    expect(report.hung.map((l) => l.openAfterStop)).toEqual(HUNG_LANES.map(() => 0));
  });
});

describe('one notifier POST against answers that never end', () => {
  const servers: http.Server[] = [];
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /** A server answering `status` with a body that streams as fast as the client reads, forever. */
  async function endless(status: number): Promise<string> {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(status, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/tok-5ecret`;
  }

  const post = (url: string) =>
    postJson({
      name: 'hook',
      url,
      body: { id: 'n-1' },
      timeoutMs: 5_000,
      signal: new AbortController().signal,
      now: Date.now,
    });

  it('takes a 2xx at once without reading an endless body to its end', async () => {
    expect(await post(await endless(200))).toEqual({ ok: true, status: 200 });
  });

  it('retries a 5xx with an excerpt of at most the first 64 KiB of an endless body', async () => {
    const result = await post(await endless(503));
    expect(result).toEqual({
      ok: false,
      retry: true,
      status: 503,
      error: expect.stringMatching(/^hook: HTTP 503: x+…$/),
    });
  });
});
