import { openStore } from '../../../agent/store/database';
import { StoreCommitter } from '../../../agent/store/storeCommitter';
import { StoreHealth, storeHealthOf } from '../../../agent/store/storeHealth';
import { createLogger } from '../../../shared/logger';
import { refuseWrites } from './refusingStore';

const diskFull = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('StoreHealth: failed store writes, counted and logged once a minute', () => {
  it('logs the first failure, then at most one line a minute with how many failed, and once when writable again', () => {
    let now = 0;
    const lines: string[] = [];
    const health = new StoreHealth(() => now);
    health.logTo({
      info: (m, meta) => lines.push(`info ${m} ${JSON.stringify(meta)}`),
      error: (m, meta) => lines.push(`error ${m} ${JSON.stringify(meta)}`),
    });
    for (let s = 0; s < 150; s++) {
      now = s * 1000;
      health.failed('commit', diskFull);
      health.failed('outbox', diskFull);
    }
    expect(lines).toEqual([
      'error store writes fail: 1 failed since the last report; carrying on from memory {"error":"SQLITE_FULL: database or disk is full","failed":{"commit":1}}',
      'error store writes fail: 120 failed since the last report; carrying on from memory {"error":"SQLITE_FULL: database or disk is full","failed":{"outbox":60,"commit":60}}',
      'error store writes fail: 120 failed since the last report; carrying on from memory {"error":"SQLITE_FULL: database or disk is full","failed":{"outbox":60,"commit":60}}',
    ]);
    expect(health.failing).toBe(true);
    now = 200_000;
    health.succeeded();
    health.succeeded();
    expect(lines.slice(3)).toEqual(['info store writable again {"failedWrites":300,"downForS":200}']);
    expect(health.errors()).toEqual([
      { operation: 'commit', count: 150 },
      { operation: 'outbox', count: 150 },
      { operation: 'revisions', count: 0 },
      { operation: 'lease', count: 0 },
      { operation: 'audit', count: 0 },
      { operation: 'alert_posts', count: 0 },
      { operation: 'expected_stops', count: 0 },
    ]);
  });

  it('a failed commit is counted once, keeps what the participants hold, and tells them (uncommitted)', () => {
    const db = openStore(':memory:');
    db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)');
    const calls: string[] = [];
    let value = 'a';
    const participant = {
      commit: () => void db.prepare('INSERT OR REPLACE INTO kv VALUES (?, ?)').run('k', value),
      committed: () => calls.push(`committed ${value}`),
      uncommitted: () => calls.push(`uncommitted ${value}`),
    };
    const committer = new StoreCommitter(
      db,
      [participant],
      createLogger({ level: 'error', format: 'text', silent: true }),
    );
    const allow = refuseWrites(db, ['kv']);
    committer.commitNow();
    value = 'b';
    committer.commitNow();
    expect(calls).toEqual(['uncommitted a', 'uncommitted b']);
    expect(
      storeHealthOf(db)
        .errors()
        .find((e) => e.operation === 'commit')?.count,
    ).toBe(2);
    expect(storeHealthOf(db).failing).toBe(true);
    allow();
    committer.commitNow();
    expect(calls).toEqual(['uncommitted a', 'uncommitted b', 'committed b']);
    expect(db.prepare('SELECT v FROM kv').pluck().get()).toBe('b');
    expect(storeHealthOf(db).failing).toBe(false);
    db.close();
  });
});
