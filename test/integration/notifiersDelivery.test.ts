import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../agent/store/database';
import { openStore } from '../../agent/store/database';
import type { Notification } from '../../alerts/alert';
import { buildNotifiers } from '../../alerts/notifiers/buildNotifiers';
import { renderDiscord } from '../../alerts/notifiers/discordPayload';
import type { Notifier } from '../../alerts/notifiers/notifier';
import { renderSlack } from '../../alerts/notifiers/slackPayload';
import { renderWebhook } from '../../alerts/notifiers/webhook';
import type { DeliveryOutcome } from '../../alerts/deliveryCounters';
import { Outbox } from '../../alerts/outbox';
import { notifiersSchema } from '../../config/notifiersSchema';
import { freePort } from '../support/freePort';
import type { RecordingServer } from '../support/recordingServer';
import { startRecordingServer } from '../support/recordingServer';
import { waitFor } from '../support/waitFor';
import { alertNotification, crashedNotification, digest, logAlert } from '../unit/notifiers/sampleNotifications';

type LogLine = { level: 'info' | 'warn' | 'error'; message: string; meta?: Record<string, unknown> };

const TOKEN = 'tok-5ecret-9f8e7d';

/** Notifiers built from config entries the way the agent builds them. */
function notifiers(entries: unknown[]): Notifier[] {
  const built = buildNotifiers(notifiersSchema.parse(entries), Date.now);
  expect(built.errors).toEqual([]);
  return built.notifiers;
}

function webhookTo(name: string, url: string): Record<string, unknown> {
  return { name, type: 'webhook', url, timeout: '2s' };
}

function notification(id: string): Notification {
  return alertNotification([logAlert()], { id });
}

describe('notifier delivery through the outbox (local recording servers)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  let server: RecordingServer;
  let logs: LogLine[];

  beforeEach(async () => {
    server = await startRecordingServer();
    cleanups.push(() => server.stop());
    logs = [];
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function logger() {
    const log = (level: LogLine['level']) => (message: string, meta?: Record<string, unknown>) =>
      logs.push({ level, message, ...(meta ? { meta } : {}) });
    return { info: log('info'), warn: log('warn'), error: log('error') };
  }

  function outbox(list: Notifier[], store: Store = openStore(':memory:')): Outbox {
    const box = new Outbox({ store, notifiers: list, logger: logger(), initialBackoffMs: 50, maxBackoffMs: 200 });
    cleanups.push(async () => {
      await box.stop();
      if (store.open) store.close();
    });
    box.start();
    return box;
  }

  function count(box: Outbox, notifier: string, outcome: DeliveryOutcome): number {
    return box.metrics().results.find((r) => r.notifier === notifier && r.outcome === outcome)?.count ?? 0;
  }

  function settled(box: Outbox, what: string, done: () => boolean): Promise<true> {
    return waitFor(async () => done() && box.metrics().pendingTotal === 0, { timeoutMs: 15_000, intervalMs: 20, what });
  }

  it('sends each platform the request it expects', async () => {
    server.respond('/services/T1/B2/xyz', { status: 200, body: 'ok' });
    server.respond('/api/webhooks/123/abc', { status: 200, body: { id: '1', type: 0 } });
    server.respond('/am/api/v2/alerts', { status: 200 });
    const config = [
      {
        name: 'discord',
        type: 'discord-webhook',
        url: `${server.url}/api/webhooks/123/abc?thread_id=9`,
        mention: '<@&42>',
      },
      { name: 'slack', type: 'slack-webhook', url: `${server.url}/services/T1/B2/xyz`, channel: '#ops' },
      { name: 'am', type: 'alertmanager', url: `${server.url}/am/`, resendInterval: '1m' },
      { name: 'hook', type: 'webhook', url: `${server.url}/hook`, headers: { 'X-Key': TOKEN } },
    ];
    const box = outbox(notifiers(config));
    const sent = crashedNotification(2);
    box.enqueue(sent, ['discord', 'slack', 'am', 'hook']);
    await server.waitForRequests(4);

    const [discord] = server.requestsTo('/api/webhooks/123/abc');
    expect(discord?.method).toBe('POST');
    expect(new URLSearchParams(discord?.url.split('?')[1])).toEqual(new URLSearchParams('thread_id=9&wait=true'));
    expect(discord?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(discord?.body ?? '')).toEqual(renderDiscord(sent, { mention: '<@&42>' }));

    const [slack] = server.requestsTo('/services/T1/B2/xyz');
    expect(slack?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(slack?.body ?? '')).toEqual(renderSlack(sent, { channel: '#ops' }));

    const [am] = server.requestsTo('/am/api/v2/alerts');
    const alerts = JSON.parse(am?.body ?? '') as { labels: Record<string, string>; endsAt: string }[];
    expect(alerts.map((a) => a.labels)).toEqual([
      { alertname: 'crashed', severity: 'critical', host: 'host-a', container: 'web-1' },
      { alertname: 'crashed', severity: 'critical', host: 'host-a', container: 'web-2' },
    ]);
    expect(Date.parse(alerts[0]?.endsAt ?? '')).toBeGreaterThan(Date.now() + 3 * 60_000);

    const [hook] = server.requestsTo('/hook');
    expect(hook?.headers['x-key']).toBe(TOKEN);
    expect(JSON.parse(hook?.body ?? '')).toEqual(renderWebhook(sent));
    expect(JSON.parse(hook?.body ?? '')).toMatchObject({ version: 1, kind: 'alerts', id: sent.id, count: 2 });

    await settled(box, 'all four delivered', () =>
      ['discord', 'slack', 'am', 'hook'].every((n) => count(box, n, 'sent') === 1),
    );
  });

  it('does not send a digest to Alertmanager, and calls it delivered', async () => {
    const box = outbox(
      notifiers([{ name: 'am', type: 'alertmanager', url: server.url }, webhookTo('hook', `${server.url}/hook`)]),
    );
    box.enqueue(digest(), ['am', 'hook']);
    await settled(box, 'the digest handled', () => count(box, 'am', 'sent') === 1 && count(box, 'hook', 'sent') === 1);
    expect(server.requests.map((r) => r.path)).toEqual(['/hook']);
  });

  it('honours a Discord 429 retry_after of 0.5 s and delivers once', async () => {
    const rateLimited = {
      status: 429,
      headers: { 'retry-after': '1', 'x-ratelimit-reset-after': '0.5' },
      body: { message: 'You are being rate limited.', retry_after: 0.5, global: false },
    };
    server.respond('/api/webhooks/1/t', rateLimited, { status: 200, body: { id: '1' } });
    const box = outbox(
      notifiers([{ name: 'discord', type: 'discord-webhook', url: `${server.url}/api/webhooks/1/t` }]),
    );
    box.enqueue(notification('n-429'), ['discord']);
    await settled(box, 'the rate-limited message delivered', () => count(box, 'discord', 'sent') === 1);
    const [first, second, ...more] = server.requestsTo('/api/webhooks/1/t');
    expect(more).toEqual([]);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(450);
    expect(second?.body).toBe(first?.body);
    expect(count(box, 'discord', 'retried')).toBe(1);
  });

  it('retries through a run of 500s and delivers exactly once', async () => {
    server.respond('/hook', { status: 500 }, { status: 502 }, { status: 503, body: 'busy' }, { status: 204 });
    const box = outbox(notifiers([webhookTo('hook', `${server.url}/hook`)]));
    box.enqueue(notification('n-500'), ['hook']);
    await settled(box, 'the notification delivered', () => count(box, 'hook', 'sent') === 1);
    expect(server.requestsTo('/hook').map((r) => JSON.parse(r.body).id)).toEqual(['n-500', 'n-500', 'n-500', 'n-500']);
    expect(count(box, 'hook', 'retried')).toBe(3);
    expect(logs.map((l) => `${l.level} ${l.message}`)).toEqual([
      'warn notifier hook is failing; retrying with backoff',
      'info notifier hook delivers again',
    ]);
  });

  it('reports a 404 endpoint as gone once, and does not retry', async () => {
    server.respond('/api/webhooks/9/gone', { status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
    const url = `${server.url}/api/webhooks/9/gone`;
    const box = outbox(notifiers([{ name: 'discord', type: 'discord-webhook', url }]));
    box.enqueue(notification('n-1'), ['discord']);
    box.enqueue(notification('n-2'), ['discord']);
    await settled(box, 'both reported gone', () => count(box, 'discord', 'gone') === 2);
    expect(server.requestsTo('/api/webhooks/9/gone')).toHaveLength(2);
    expect(count(box, 'discord', 'retried')).toBe(0);
    const gone = logs.filter((l) => l.message.includes('gone'));
    expect(gone).toHaveLength(1);
    expect(gone[0]?.meta?.error).toBe(
      'discord: endpoint is gone (HTTP 404: {"message":"Unknown Webhook","code":10015})',
    );
    expect(JSON.stringify(logs)).not.toContain('/api/webhooks/9');
  });

  it('keeps trying while the endpoint is down and delivers once when it is back', async () => {
    const port = await freePort();
    const box = outbox(notifiers([webhookTo('late', `http://127.0.0.1:${port}/hook/${TOKEN}`)]));
    box.enqueue(notification('n-down'), ['late']);
    await waitFor(async () => count(box, 'late', 'retried') >= 2, { what: 'two failed attempts' });
    const late = await startRecordingServer({ port });
    cleanups.push(() => late.stop());
    await settled(box, 'delivery once the endpoint is up', () => count(box, 'late', 'sent') === 1);
    expect(late.requests.map((r) => JSON.parse(r.body).id)).toEqual(['n-down']);
    expect(logs.map((l) => `${l.level} ${l.message}`)).toEqual([
      'warn notifier late is failing; retrying with backoff',
      'info notifier late delivers again',
    ]);
    expect(logs[0]?.meta?.error).toBe('late: connection refused (ECONNREFUSED)');
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
  });

  it('lets a notifier that is down hold up only its own queue, and keeps each queue in order', async () => {
    const port = await freePort();
    server.respond('/hook', { status: 500 }, { status: 204 });
    const box = outbox(
      notifiers([webhookTo('down', `http://127.0.0.1:${port}/x`), webhookTo('up', `${server.url}/hook`)]),
    );
    for (const id of ['n-1', 'n-2', 'n-3']) box.enqueue(notification(id), ['down', 'up']);
    await waitFor(async () => count(box, 'up', 'sent') === 3, { what: 'the healthy notifier to deliver all three' });
    expect(server.requestsTo('/hook').map((r) => JSON.parse(r.body).id)).toEqual(['n-1', 'n-1', 'n-2', 'n-3']);
    expect(count(box, 'down', 'sent')).toBe(0);
    expect(box.metrics().pending).toEqual([{ notifier: 'down', count: 3, oldestAgeMs: expect.any(Number) }]);
  });

  it('delivers what was enqueued before a restart once the endpoint is back, and nothing twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockwatch-outbox-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const config = [webhookTo('hook', `http://127.0.0.1:${port}/hook`)];

    const firstStore = openStore(dir);
    const first = outbox(notifiers(config), firstStore);
    for (const id of ['n-1', 'n-2', 'n-3']) first.enqueue(notification(id), ['hook']);
    await waitFor(async () => count(first, 'hook', 'retried') >= 1, { what: 'a failed attempt before the restart' });
    await first.stop();
    firstStore.close();

    const back = await startRecordingServer({ port });
    cleanups.push(() => back.stop());
    const secondStore = openStore(dir);
    const second = outbox(notifiers(config), secondStore);
    await settled(second, 'the three delivered after the restart', () => count(second, 'hook', 'sent') === 3);
    expect(back.requests.map((r) => JSON.parse(r.body).id)).toEqual(['n-1', 'n-2', 'n-3']);
    await second.stop();
    secondStore.close();

    const thirdStore = openStore(dir);
    const third = outbox(notifiers(config), thirdStore);
    expect(third.metrics().pendingTotal).toBe(0);
    await third.stop();
    expect(back.requests).toHaveLength(3);
  });

  it('gives up on an endpoint that does not answer within the timeout, without naming its URL', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          silent.close(() => resolve());
          silent.closeAllConnections();
        }),
    );
    const { port } = silent.address() as AddressInfo;
    const [hook] = notifiers([{ ...webhookTo('slow', `http://127.0.0.1:${port}/${TOKEN}`), timeout: '200ms' }]);
    const result = await hook?.deliver(notification('n-slow'), new AbortController().signal);
    expect(result).toEqual({ ok: false, retry: true, error: 'slow: no answer within 200ms' });
  });
});
