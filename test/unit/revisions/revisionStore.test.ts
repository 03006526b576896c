import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../agent/store/database';
import { RevisionStore, type NewRevision } from '../../../agent/revisions/revisionStore';

const revision = (name: string, imageId: string, at: number): NewRevision => ({
  name,
  imageId,
  imageRef: `${name}:latest`,
  containerId: `${name}-${at}`,
  spec: { config: { Env: ['A=1'] }, hostConfig: { Memory: 1 }, networks: { bridge: {} } },
  recordedAt: at,
});

describe('RevisionStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dockwatch-revisions-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('numbers revisions per name from 1 and keeps them across a reopen', () => {
    const db = openStore(dir);
    const store = new RevisionStore(db);
    expect(store.add(revision('app', 'sha256:a', 1)).revision).toBe(1);
    expect(store.add(revision('app', 'sha256:b', 2)).revision).toBe(2);
    expect(store.add(revision('db', 'sha256:c', 3)).revision).toBe(1);
    db.close();

    const reopened = new RevisionStore(openStore(dir));
    expect(reopened.latest('app')).toMatchObject({
      revision: 2,
      imageId: 'sha256:b',
      spec: { hostConfig: { Memory: 1 } },
    });
    expect(reopened.list('app').map((r) => r.revision)).toEqual([2, 1]);
    expect(reopened.byContainer('db-3')?.name).toBe('db');
  });

  it('lists what falls outside the window, and never reuses a number after deleting old ones', () => {
    const store = new RevisionStore(openStore(':memory:'));
    for (let i = 1; i <= 4; i++) store.add(revision('app', `sha256:${i}`, i));
    store.setKeepTag('app', 1, 'dockwatch-keep/app:rev-1');
    expect(store.outsideWindow('app', 2).map((r) => [r.revision, r.keepTag])).toEqual([
      [1, 'dockwatch-keep/app:rev-1'],
      [2, undefined],
    ]);
    store.delete('app', 1);
    store.delete('app', 2);
    expect(store.add(revision('app', 'sha256:5', 5)).revision).toBe(5);
    expect(store.list('app', 2).map((r) => r.revision)).toEqual([5, 4]);
  });

  it('never gives a number out twice, not even after the newest revision was dropped (merged)', () => {
    const store = new RevisionStore(openStore(':memory:'));
    store.add(revision('app', 'sha256:1', 1));
    store.add(revision('app', 'sha256:2', 2));
    store.delete('app', 2);
    expect(store.add(revision('app', 'sha256:3', 3)).revision).toBe(3);
    for (const r of store.list('app')) store.delete('app', r.revision);
    store.forgetNumbering('app');
    expect(store.add(revision('app', 'sha256:4', 4)).revision).toBe(1);
  });

  it('keeps how a revision last ran, its spec and its container as they change', () => {
    const store = new RevisionStore(openStore(':memory:'));
    store.add(revision('app', 'sha256:1', 1));
    expect(store.get('app', 1)?.lastRun).toBeUndefined();
    store.setLastRun('app', 1, { verdict: 'failed', at: 5, detail: 'reported unhealthy' });
    store.setSpec('app', 1, { config: {}, hostConfig: {}, networks: { a: {}, b: { aliases: ['web'] } } });
    store.setContainer('app', 1, 'other');
    expect(store.get('app', 1)).toMatchObject({
      lastRun: { verdict: 'failed', at: 5, detail: 'reported unhealthy' },
      spec: { networks: { a: {}, b: { aliases: ['web'] } } },
      containerId: 'other',
    });
    expect(store.byContainer('other')?.revision).toBe(1);
  });
});
