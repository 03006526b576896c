import { createLogger } from '../../../shared/logger';
import { openStore } from '../../../agent/store/database';
import { ExpectedStops } from '../../../agent/store/expectedStops';
import { storeHealthOf } from '../../../agent/store/storeHealth';
import { WriterLease } from '../../../agent/store/writerLease';
import { AlertPostStore } from '../../../bot/alertPostStore';
import { AuditLog } from '../../../bot/core/audit';
import { refuseWrites } from './refusingStore';

const errorsOf = (db: ReturnType<typeof openStore>, operation: string) =>
  storeHealthOf(db)
    .errors()
    .find((e) => e.operation === operation)?.count;

describe('store writers on a store that refuses writes: counted, never thrown', () => {
  it('the writer lease stays with its stored holder (nobody else can write it either)', () => {
    const db = openStore(':memory:');
    let now = 0;
    const agent = new WriterLease(
      db,
      'revisions',
      'host/1/a',
      'agent',
      15_000,
      () => now,
      () => true,
    );
    const ctl = new WriterLease(
      db,
      'revisions',
      'host/2/c',
      'ctl',
      15_000,
      () => now,
      () => true,
    );
    expect(agent.tryHold()).toBe(true);
    const allow = refuseWrites(db, ['writer_leases']);
    now = 60_000;
    expect(agent.tryHold()).toBe(true);
    expect(ctl.tryHold()).toBe(false);
    expect(() => agent.release()).not.toThrow();
    expect(errorsOf(db, 'lease')).toBe(3);
    allow();
    expect(agent.tryHold()).toBe(true);
    expect(storeHealthOf(db).failing).toBe(false);
  });

  it('an audit entry the store refuses is still logged, and the command goes on', () => {
    const db = openStore(':memory:');
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', format: 'json', silent: true });
    logger.on('data', (info: { message: string }) => lines.push(info.message));
    const audit = new AuditLog(db, logger, () => 1_000);
    refuseWrites(db, ['audit']);
    const entry = {
      platform: 'console' as const,
      userId: 'alice',
      command: 'ps',
      event: 'allowed' as const,
      detail: '',
    };
    expect(() => audit.record(entry)).not.toThrow();
    expect(errorsOf(db, 'audit')).toBe(1);
    expect(audit.last(10)).toEqual([]);
    expect(lines).toEqual(['bot audit']);
  });

  it('a chat post the store refuses is remembered in memory (not posted again) and written later', () => {
    const db = openStore(':memory:');
    const posts = new AlertPostStore(db);
    const allow = refuseWrites(db, ['bot_alert_posts']);
    posts.save({ host: 'h', key: 'k', state: 'firing', firedAt: 5 }, 10);
    expect(posts.ofHost('h').get('k')).toEqual({ host: 'h', key: 'k', state: 'firing', firedAt: 5 });
    expect(() => posts.prune(8 * 86_400_000)).not.toThrow();
    expect(errorsOf(db, 'alert_posts')).toBeGreaterThanOrEqual(2);
    allow();
    posts.ofHost('h');
    expect(db.prepare('SELECT key, state FROM bot_alert_posts').all()).toEqual([{ key: 'k', state: 'firing' }]);
    expect(new AlertPostStore(db).ofHost('h').get('k')?.state).toBe('firing');
  });

  it('a stop ctl asks for on a store that refuses it is counted, not thrown (the stop goes ahead)', () => {
    const db = openStore(':memory:');
    const stops = new ExpectedStops(db, () => 1_000);
    const allow = refuseWrites(db, ['expected_stops']);
    expect(() => stops.expect('c1', 5_000)).not.toThrow();
    expect(errorsOf(db, 'expected_stops')).toBe(1);
    expect(stops.until('c1')).toBeUndefined();
    allow();
    stops.expect('c1', 5_000);
    expect(stops.until('c1')).toBe(5_000);
  });
});
