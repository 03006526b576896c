import { openStore, type Store } from '../../../agent/store/database';
import { StoreCommitter, type CommitParticipant } from '../../../agent/store/storeCommitter';
import { createLogger } from '../../../shared/logger';
import { refuseWrites } from './refusingStore';

const logger = createLogger({ level: 'error', format: 'text', silent: true });

/** A participant that writes one value when it changed and tells the committer so (watch + idle). */
class ValueParticipant implements CommitParticipant {
  commits = 0;
  private value = 'a';
  private written = 'a';
  private writing = 'a';
  private changed: (() => void) | undefined;

  constructor(private readonly db: Store) {
    db.exec('CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT)');
  }

  set(value: string): void {
    this.value = value;
    this.changed?.();
  }

  watch(changed: () => void): void {
    this.changed = changed;
  }

  idle(): boolean {
    return this.value === this.written;
  }

  commit(): void {
    this.commits++;
    this.db.prepare('INSERT OR REPLACE INTO kv VALUES (?, ?)').run('k', this.value);
    this.writing = this.value;
  }

  committed(): void {
    this.written = this.writing;
  }
}

const stored = (db: Store) => db.prepare('SELECT v FROM kv WHERE k = ?').pluck().get('k');

describe('StoreCommitter: commits within one interval of a change, and does nothing while nothing changed', () => {
  let db: Store;
  beforeEach(() => {
    jest.useFakeTimers();
    db = openStore(':memory:');
  });
  afterEach(() => {
    db.close();
    jest.useRealTimers();
  });

  it('holds no timer and opens no transaction while every participant is idle', () => {
    const p = new ValueParticipant(db);
    const committer = new StoreCommitter(db, [p], logger, 250);
    committer.start();
    jest.advanceTimersByTime(250);
    expect(p.commits).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10_000);
    expect(p.commits).toBe(0);
    committer.stop();
    expect(p.commits).toBe(0);
  });

  it('stores a change within one interval of it, then rests again', () => {
    const p = new ValueParticipant(db);
    const committer = new StoreCommitter(db, [p], logger, 250);
    committer.start();
    jest.advanceTimersByTime(1000);
    p.set('b');
    jest.advanceTimersByTime(249);
    expect(stored(db)).toBeUndefined();
    jest.advanceTimersByTime(1);
    expect(stored(db)).toBe('b');
    p.set('c');
    p.set('d');
    jest.advanceTimersByTime(250);
    expect(stored(db)).toBe('d');
    expect(p.commits).toBe(2);
    expect(jest.getTimerCount()).toBe(0);
    committer.stop();
  });

  it('commits a change made right before stop', () => {
    const p = new ValueParticipant(db);
    const committer = new StoreCommitter(db, [p], logger, 250);
    committer.start();
    p.set('b');
    committer.stop();
    expect(stored(db)).toBe('b');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('retries a failed commit one interval later without a new change', () => {
    const p = new ValueParticipant(db);
    const committer = new StoreCommitter(db, [p], logger, 250);
    committer.start();
    const allow = refuseWrites(db, ['kv']);
    p.set('b');
    jest.advanceTimersByTime(250);
    expect(p.commits).toBe(1);
    allow();
    jest.advanceTimersByTime(250);
    expect(p.commits).toBe(2);
    expect(stored(db)).toBe('b');
    jest.advanceTimersByTime(1000);
    expect(p.commits).toBe(2);
    committer.stop();
  });

  it('commits every interval when a participant cannot tell whether it is idle', () => {
    const p = new ValueParticipant(db);
    let plain = 0;
    const committer = new StoreCommitter(db, [p, { commit: () => void plain++ }], logger, 250);
    committer.start();
    jest.advanceTimersByTime(1000);
    expect(plain).toBe(4);
    committer.stop();
    expect(plain).toBe(5);
  });

  it('commits soon after request() even while resting, and not again once idle', () => {
    const p = new ValueParticipant(db);
    const committer = new StoreCommitter(db, [p], logger, 250);
    committer.start();
    jest.advanceTimersByTime(250);
    p.set('b');
    committer.request();
    jest.runOnlyPendingTimers();
    expect(stored(db)).toBe('b');
    expect(p.commits).toBe(1);
    jest.advanceTimersByTime(1000);
    expect(p.commits).toBe(1);
    committer.stop();
  });
});
