import type { Store } from '../../../agent/store/database';
import { openStore } from '../../../agent/store/database';
import type { Notification } from '../../../alerts/alert';
import type { DeliveryResult, Notifier } from '../../../alerts/notifiers/notifier';
import type { DeliveryOutcome } from '../../../alerts/deliveryCounters';
import type { OutboxOptions } from '../../../alerts/outbox';
import { Outbox } from '../../../alerts/outbox';
import { ManualTime, scripted } from './outboxTestKit';
import { alertNotification, logAlert } from './sampleNotifications';

const down = (error = 'hook: HTTP 503'): Extract<DeliveryResult, { ok: false }> => ({
  ok: false,
  retry: true,
  status: 503,
  error,
});

function notification(id: string): Notification {
  return alertNotification([logAlert()], { id });
}

describe('Outbox (in-memory store, manual time)', () => {
  let store: Store;
  let time: ManualTime;
  let logs: string[];
  let outbox: Outbox | undefined;

  beforeEach(() => {
    store = openStore(':memory:');
    time = new ManualTime();
    logs = [];
  });

  afterEach(async () => {
    await outbox?.stop();
    outbox = undefined;
    store.close();
  });

  function start(notifiers: Notifier[], options: Partial<OutboxOptions> = {}): Outbox {
    const logger = {
      info: (m: string) => logs.push(`info ${m}`),
      warn: (m: string) => logs.push(`warn ${m}`),
      error: (m: string) => logs.push(`error ${m}`),
    };
    outbox = new Outbox({ store, notifiers, logger, now: () => time.now, timers: time, random: () => 0.5, ...options });
    outbox.start();
    return outbox;
  }

  function count(box: Outbox, notifier: string, outcome: DeliveryOutcome): number {
    return box.metrics().results.find((r) => r.notifier === notifier && r.outcome === outcome)?.count ?? 0;
  }

  it('backs off 1 s, 2 s, 4 s … up to 5 min between retries', async () => {
    const hook = scripted('hook', ...Array.from({ length: 12 }, () => down()));
    const box = start([hook], { sweepIntervalMs: 365 * 86_400_000 });
    box.enqueue(notification('n-1'), ['hook']);
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      await time.advance(0);
      const next = time.pendingDelays()[0] ?? 0;
      delays.push(next);
      await time.advance(next);
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300].map((s) => s * 1000));
    expect(hook.sent).toHaveLength(13);
    expect(count(box, 'hook', 'retried')).toBe(12);
    expect(count(box, 'hook', 'sent')).toBe(1);
  });

  it('waits as long as the endpoint asked instead of the backoff', async () => {
    const hook = scripted('hook', { ...down(), status: 429, retryAfterMs: 7_500 });
    start([hook], { sweepIntervalMs: 365 * 86_400_000 }).enqueue(notification('n-1'), ['hook']);
    await time.advance(0);
    expect(time.pendingDelays()[0]).toBe(7_500);
    await time.advance(7_499);
    expect(hook.sent).toEqual(['n-1']);
    await time.advance(1);
    expect(hook.sent).toEqual(['n-1', 'n-1']);
  });

  it('logs one line when a notifier starts failing and one when it recovers, not one per retry', async () => {
    const hook = scripted('hook', down(), down(), down(), down());
    start([hook]).enqueue(notification('n-1'), ['hook']);
    await time.advance(60_000);
    expect(logs).toEqual(['warn notifier hook is failing; retrying with backoff', 'info notifier hook delivers again']);
  });

  it('keeps a rejected notification out of the queue and sends the next', async () => {
    const rejected: DeliveryResult = { ok: false, retry: false, status: 400, error: 'hook: rejected (HTTP 400)' };
    const hook = scripted('hook', rejected);
    const box = start([hook]);
    box.enqueue(notification('n-1'), ['hook']);
    box.enqueue(notification('n-2'), ['hook']);
    await time.advance(0);
    expect(hook.sent).toEqual(['n-1', 'n-2']);
    expect(count(box, 'hook', 'failed')).toBe(1);
    expect(box.metrics().pendingTotal).toBe(0);
    expect(logs).toEqual(['error notifier hook rejected a notification; dropped, not retried']);
  });

  it('drops and counts what stayed undelivered longer than the max age', async () => {
    const hook = scripted('hook', ...Array.from({ length: 100 }, () => down()));
    const box = start([hook], { maxAgeMs: 3_600_000 });
    box.enqueue(notification('n-1'), ['hook']);
    await time.advance(1_800_000);
    box.enqueue(notification('n-2'), ['hook']);
    expect(box.metrics()).toMatchObject({ pendingTotal: 2, oldestPendingAgeMs: 1_800_000 });
    await time.advance(1_800_000);
    expect(count(box, 'hook', 'expired')).toBe(1);
    expect(box.metrics()).toMatchObject({ pendingTotal: 1, oldestPendingAgeMs: 1_800_000 });
    expect(logs).toContain('warn notifier hook: dropped undelivered notifications older than 1h');
    await time.advance(1_800_000);
    expect(count(box, 'hook', 'expired')).toBe(2);
    expect(box.metrics()).toMatchObject({ pendingTotal: 0, oldestPendingAgeMs: 0 });
    expect(store.prepare('SELECT count(*) AS n FROM outbox_notifications').get()).toEqual({ n: 0 });
  });

  it('persists the deliveries before enqueue returns, and refuses an unknown notifier without writing', () => {
    const box = start([scripted('a'), scripted('b')]);
    expect(() => box.enqueue(notification('n-x'), ['a', 'nope'])).toThrow('no notifier named "nope"');
    expect(box.metrics().pendingTotal).toBe(0);
    void box.stop();
    box.enqueue(notification('n-1'), ['a', 'b', 'a']);
    expect(box.metrics().pending.map((p) => [p.notifier, p.count])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('reports zero counters for every configured notifier from the start', () => {
    const box = start([scripted('a')]);
    expect(box.metrics()).toEqual({
      results: ['sent', 'retried', 'failed', 'gone', 'expired'].map((outcome) => ({
        notifier: 'a',
        outcome,
        count: 0,
      })),
      pending: [],
      pendingTotal: 0,
      oldestPendingAgeMs: 0,
    });
  });

  it('on stop, waits for the request in flight, then aborts it after the grace period and keeps it pending', async () => {
    let signalSeen: AbortSignal | undefined;
    const hanging: Notifier = {
      name: 'slow',
      type: 'webhook',
      deliver: (_n, signal) =>
        new Promise((resolve) => {
          signalSeen = signal;
          signal.addEventListener('abort', () => resolve({ ok: false, retry: true, error: 'slow: aborted' }));
        }),
    };
    const box = start([hanging], { stopGraceMs: 5_000 });
    box.enqueue(notification('n-1'), ['slow']);
    const stopped = box.stop();
    await time.advance(4_999);
    expect(signalSeen?.aborted).toBe(false);
    await time.advance(1);
    await stopped;
    expect(signalSeen?.aborted).toBe(true);
    expect(box.metrics()).toMatchObject({ pendingTotal: 1 });
    expect(count(box, 'slow', 'retried')).toBe(0);
  });

  it('names pending deliveries of a notifier that is no longer configured', () => {
    const first = new Outbox({
      store,
      notifiers: [scripted('old')],
      logger: console,
      now: () => time.now,
      timers: time,
    });
    first.enqueue(notification('n-1'), ['old']);
    start([scripted('new')]);
    expect(logs).toEqual(['warn notifier old is no longer configured; its pending notifications will expire']);
  });
});
