import type { Store } from '../../../agent/store/database';
import { openStore } from '../../../agent/store/database';
import { storeHealthOf } from '../../../agent/store/storeHealth';
import type { Notification } from '../../../alerts/alert';
import type { DeliveryResult, Notifier } from '../../../alerts/notifiers/notifier';
import { Outbox } from '../../../alerts/outbox';
import { refuseWrites } from '../store/refusingStore';
import { ManualTime, scripted } from './outboxTestKit';
import { alertNotification, logAlert } from './sampleNotifications';

const down: DeliveryResult = { ok: false, retry: true, status: 503, error: 'hook: HTTP 503' };
const notification = (id: string): Notification => alertNotification([logAlert()], { id });
const OUTBOX_TABLES = ['outbox_notifications', 'outbox_deliveries'];

describe('Outbox on a store that refuses writes (disk full)', () => {
  let store: Store;
  let time: ManualTime;
  let logs: string[];
  let box: Outbox | undefined;

  beforeEach(() => {
    store = openStore(':memory:');
    time = new ManualTime();
    logs = [];
  });

  afterEach(async () => {
    await box?.stop();
    box = undefined;
    store.close();
  });

  function start(notifiers: Notifier[]): Outbox {
    const logger = {
      info: (m: string) => logs.push(`info ${m}`),
      warn: (m: string) => logs.push(`warn ${m}`),
      error: (m: string) => logs.push(`error ${m}`),
    };
    box = new Outbox({ store, notifiers, logger, now: () => time.now, timers: time, random: () => 0.5 });
    box.start();
    return box;
  }

  const rows = () => store.prepare('SELECT count(*) FROM outbox_deliveries').pluck().get();
  const outboxErrors = () =>
    storeHealthOf(store)
      .errors()
      .find((e) => e.operation === 'outbox')?.count ?? 0;

  it('counts and logs a delivery neither the store nor memory (10,000 held) can take, never drops it silently', () => {
    const outbox = start([scripted('hook', ...Array.from({ length: 10_001 }, () => down))]);
    refuseWrites(store, OUTBOX_TABLES);
    for (let i = 0; i < 10_001; i++) outbox.enqueue(notification(`n-${i}`), ['hook']);
    const failed = outbox.metrics().results.find((r) => r.notifier === 'hook' && r.outcome === 'failed');
    expect(failed?.count).toBe(1);
    expect(logs.filter((l) => l.startsWith('error outbox: the store refuses writes and memory is full'))).toHaveLength(
      1,
    );
  });

  it('sends a delivery answered 2xx once while its record fails, and writes only the record when it can', async () => {
    const hook = scripted('hook');
    start([hook]).enqueue(notification('n-1'), ['hook']);
    const allow = refuseWrites(store, OUTBOX_TABLES);
    await time.advance(60_000);
    expect(hook.sent).toEqual(['n-1']);
    expect(rows()).toBe(1);
    expect(outboxErrors()).toBeGreaterThan(0);
    expect(outboxErrors()).toBeLessThanOrEqual(13);
    expect(box?.metrics()).toMatchObject({ pendingTotal: 0 });
    allow();
    await time.advance(5_000);
    expect(rows()).toBe(0);
    await time.advance(60_000);
    expect(hook.sent).toEqual(['n-1']);
  });

  it('delivers from memory what the commit could not store, once, and records it when the commit succeeds', async () => {
    const hook = scripted('hook');
    const outbox = start([hook]);
    const allow = refuseWrites(store, OUTBOX_TABLES);
    const commit = () => store.transaction(() => outbox.enqueue(notification('n-1'), ['hook']))();
    for (let i = 0; i < 20; i++) {
      expect(commit).toThrow('database or disk is full');
      outbox.hold(notification('n-1'), ['hook']);
      await time.advance(250);
    }
    expect(hook.sent).toEqual(['n-1']);
    allow();
    commit();
    await time.advance(10_000);
    expect(rows()).toBe(0);
    expect(hook.sent).toEqual(['n-1']);
  });

  it('keeps the order of stored and held deliveries, and sends nothing a failed commit rolled back', async () => {
    const hook = scripted('hook', down);
    const outbox = start([hook]);
    outbox.enqueue(notification('stored'), ['hook']);
    const allow = refuseWrites(store, OUTBOX_TABLES);
    expect(() => store.transaction(() => outbox.enqueue(notification('held'), ['hook']))()).toThrow();
    await time.advance(0);
    expect(hook.sent).toEqual(['stored']);
    outbox.hold(notification('held'), ['hook']);
    await time.advance(1_000);
    expect(hook.sent).toEqual(['stored', 'stored', 'held']);
    allow();
  });

  it('waits the backoff in memory when a retry cannot be recorded, instead of sending again at once', async () => {
    const hook = scripted('hook', down, down, down);
    start([hook]).enqueue(notification('n-1'), ['hook']);
    const allow = refuseWrites(store, OUTBOX_TABLES);
    await time.advance(0);
    await time.advance(999);
    expect(hook.sent).toHaveLength(1);
    await time.advance(1);
    expect(hook.sent).toHaveLength(2);
    await time.advance(2_000);
    expect(hook.sent).toHaveLength(3);
    allow();
    await time.advance(4_000);
    expect(hook.sent).toHaveLength(4);
    await time.advance(10_000);
    expect(rows()).toBe(0);
    expect(hook.sent).toHaveLength(4);
  });

  it('delivers an enqueue the store refuses from memory, counts the failure, and says at stop what was lost', async () => {
    const hook = scripted('hook', ...Array.from({ length: 50 }, () => down));
    const outbox = start([hook]);
    refuseWrites(store, OUTBOX_TABLES);
    outbox.enqueue(notification('n-1'), ['hook']);
    await time.advance(0);
    expect(hook.sent).toEqual(['n-1']);
    expect(outboxErrors()).toBe(1);
    expect(outbox.metrics()).toMatchObject({ pendingTotal: 1, pending: [{ notifier: 'hook', count: 1 }] });
    await outbox.stop();
    expect(logs).toContain(
      'error outbox: 1 deliveries the store could not take were not delivered before stop; they are kept only if the last commit stores them',
    );
  });
});
