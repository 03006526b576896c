import { openStore } from '../../../agent/store/database';
import { ReplacementInProgress, ReplacementStore } from '../../../agent/revisions/replacementStore';

const marker = (holder: string, startedAt = 0) => ({
  name: 'web',
  holder,
  targetRevision: 3,
  oldContainerId: 'old',
  asideName: 'web-dockwatch-old-1',
  startedAt,
  expiresAt: startedAt + 60_000,
});

describe('ReplacementStore: rollback markers every process honours', () => {
  it('holds a name while a rollback runs, and refuses a second one', () => {
    const db = openStore(':memory:');
    const store = new ReplacementStore(
      db,
      () => 10,
      () => true,
    );
    expect(store.busy('web')).toBe(false);
    store.begin(marker('host/1/ctl'));
    expect(store.busy('web')).toBe(true);
    expect(() => store.begin(marker('host/2/bot'))).toThrow(ReplacementInProgress);
    expect(store.settleable()).toEqual([]);
    store.setNewContainer('web', 'host/1/ctl', 'new');
    store.finish('web', 'host/1/ctl', 'restored', 'wait: the health check failed (unhealthy)');
    expect(store.busy('web')).toBe(false);
    expect(store.has('web')).toBe(true);
    expect(store.settleable()).toEqual([
      expect.objectContaining({ name: 'web', newContainerId: 'new', outcome: 'restored', targetRevision: 3 }),
    ]);
    store.remove('web', 'host/1/ctl');
    expect(store.get('web')).toBeUndefined();
    expect(store.has('web')).toBe(false);
  });

  it('lets a marker go when its time ran out or its process is gone, without an outcome', () => {
    const db = openStore(':memory:');
    let now = 0;
    const dead = new Set<string>();
    const store = new ReplacementStore(
      db,
      () => now,
      (h) => !dead.has(h),
    );
    store.begin(marker('host/1/ctl'));
    now = 60_001;
    expect(store.busy('web')).toBe(false);
    expect(store.settleable()).toEqual([]);
    expect(store.abandoned().map((m) => m.holder)).toEqual(['host/1/ctl']);
    store.begin(marker('host/2/ctl', now));
    expect(store.busy('web')).toBe(true);
    dead.add('host/2/ctl');
    expect(store.busy('web')).toBe(false);
  });

  it('lets one process take over an abandoned marker, give it back, and finish it', () => {
    const db = openStore(':memory:');
    const dead = new Set<string>();
    const store = new ReplacementStore(
      db,
      () => 10,
      (h) => !dead.has(h),
    );
    store.begin({ ...marker('host/1/ctl'), oldRunning: true });
    expect(store.abandoned()).toEqual([]);
    dead.add('host/1/ctl');
    const [abandoned] = store.abandoned();
    expect(abandoned).toEqual(expect.objectContaining({ holder: 'host/1/ctl', oldRunning: true }));
    if (!abandoned) return;
    expect(store.claim(abandoned, 'host/3/agent', 90_000)).toBe(true);
    expect(store.claim(abandoned, 'host/4/ctl', 90_000)).toBe(false);
    expect(store.busy('web')).toBe(true);
    expect(store.abandoned()).toEqual([]);
    store.release('web', 'host/3/agent');
    expect(store.abandoned().map((m) => [m.holder, m.expiresAt])).toEqual([['host/3/agent', 0]]);
    store.finish('web', 'host/3/agent', 'undone', 'interrupted');
    expect(store.abandoned()).toEqual([]);
    expect(store.settleable().map((m) => m.outcome)).toEqual(['undone']);
  });

  it('is the same table for every process on the data dir', () => {
    const db = openStore(':memory:');
    new ReplacementStore(
      db,
      () => 0,
      () => true,
    ).begin(marker('host/1/ctl'));
    expect(
      new ReplacementStore(
        db,
        () => 0,
        () => true,
      ).busy('web'),
    ).toBe(true);
  });
});
