import { openStore } from '../../../agent/store/database';
import { WriterLease } from '../../../agent/store/writerLease';

describe('WriterLease: one writer per data dir', () => {
  it('goes to the first process that asks and stays with it while it renews', () => {
    const db = openStore(':memory:');
    let now = 1000;
    const alive = () => true;
    const agent = new WriterLease(db, 'revisions', 'host/1/a', 'agent', 15_000, () => now, alive);
    const ctl = new WriterLease(db, 'revisions', 'host/2/c', 'ctl', 15_000, () => now, alive);
    expect(agent.tryHold()).toBe(true);
    expect(ctl.tryHold()).toBe(false);
    expect(ctl.holds()).toBe(false);
    expect(ctl.current()).toEqual({ holder: 'host/1/a', role: 'agent', renewedAt: 1000 });
    now += 10_000;
    expect(agent.tryHold()).toBe(true);
    now += 10_000;
    expect(ctl.tryHold()).toBe(false);
    expect(agent.holds()).toBe(true);
  });

  it('passes to another process once the holder stops renewing, or at once when it released it', () => {
    const db = openStore(':memory:');
    let now = 0;
    const a = new WriterLease(
      db,
      'revisions',
      'host/1/a',
      'agent',
      15_000,
      () => now,
      () => true,
    );
    const b = new WriterLease(
      db,
      'revisions',
      'host/2/b',
      'agent',
      15_000,
      () => now,
      () => true,
    );
    expect(a.tryHold()).toBe(true);
    now = 14_999;
    expect(b.tryHold()).toBe(false);
    now = 15_001;
    expect(a.holds()).toBe(false);
    expect(b.tryHold()).toBe(true);
    expect(a.tryHold()).toBe(false);
    b.release();
    expect(a.tryHold()).toBe(true);
  });

  it('does not wait for a holder whose process is known to be gone', () => {
    const db = openStore(':memory:');
    const dead = new Set(['host/1/a']);
    const alive = (h: string) => !dead.has(h);
    const a = new WriterLease(db, 'revisions', 'host/1/a', 'agent', 15_000, () => 0, alive);
    const b = new WriterLease(db, 'revisions', 'host/2/b', 'ctl', 15_000, () => 1, alive);
    expect(a.tryHold()).toBe(true);
    expect(b.tryHold()).toBe(true);
  });

  it('keeps kinds apart', () => {
    const db = openStore(':memory:');
    const a = new WriterLease(
      db,
      'revisions',
      'host/1/a',
      'agent',
      15_000,
      () => 0,
      () => true,
    );
    const b = new WriterLease(
      db,
      'checkpoints',
      'host/2/b',
      'agent',
      15_000,
      () => 0,
      () => true,
    );
    expect(a.tryHold()).toBe(true);
    expect(b.tryHold()).toBe(true);
  });
});
