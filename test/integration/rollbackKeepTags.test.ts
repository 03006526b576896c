import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { createLogger } from '../../shared/logger';
import { keepTag } from '../../agent/revisions/keepTags';
import { ReplacementStore } from '../../agent/revisions/replacementStore';
import { RevisionRecorder } from '../../agent/revisions/revisionRecorder';
import { RevisionStore } from '../../agent/revisions/revisionStore';
import { openStore, type Store } from '../../agent/store/database';
import { WriterLease } from '../../agent/store/writerLease';
import {
  removeTestContainers,
  TEST_IMAGE_V1,
  TEST_IMAGE_V2,
  TEST_LABEL,
  TEST_RUN_LABEL,
  testDocker,
  testRunId,
} from '../support/engine';
import { removeKeepTags } from '../support/keepTags';

const run = promisify(execFile);
const docker = (...args: string[]) => run('docker', args).then((r) => r.stdout.trim());
const labels = ['--label', `${TEST_LABEL}=1`, '--label', `${TEST_RUN_LABEL}=${testRunId}`];
const imageOf = (ref: string) =>
  testDocker()
    .getImage(ref)
    .inspect()
    .then((i) => i.Id)
    .catch(() => undefined);

describe('keep tags of the last `keep` revisions', () => {
  const name = `dwtest-keep-${randomBytes(3).toString('hex')}`;
  let db: Store;
  let store: RevisionStore;
  let recorder: RevisionRecorder;
  let lease: WriterLease;
  let committed: string | undefined;
  let clock = Date.now();

  beforeAll(() => {
    db = openStore(':memory:');
    store = new RevisionStore(db);
    const logger = createLogger({ level: 'warn', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG });
    lease = new WriterLease(db, 'revisions', 'test/1/first', 'agent', 60_000);
    expect(lease.tryHold()).toBe(true);
    recorder = new RevisionRecorder({
      store,
      replacements: new ReplacementStore(db),
      lease,
      holder: 'test/1/first',
      docker: testDocker,
      keep: 2,
      forgetAfterMs: 60_000,
      watched: () => true,
      logger,
      now: () => clock,
    });
  });

  afterAll(async () => {
    await recorder.stop();
    db.close();
    await removeTestContainers();
    await removeKeepTags([name]);
    if (committed)
      await testDocker()
        .getImage(committed)
        .remove()
        .catch(() => undefined);
  });

  /** Replaces the container under `name` as a user would, and lets the recorder look at it. */
  async function replace(image: string, env: string): Promise<number | undefined> {
    await docker('rm', '-f', name).catch(() => undefined);
    const id = await docker('run', '-d', '--name', name, ...labels, '-e', env, image, 'sleep', '3600');
    return (await recorder.currentOf(id))?.revision?.revision;
  }

  it('tags revisions that stop being current, untags those that fall out of the window, not an image in use', async () => {
    const base = await docker('create', ...labels, TEST_IMAGE_V1, 'true');
    committed = await docker('commit', '--change', 'LABEL dockwatch.test.committed=1', base);
    await docker('rm', base);
    const holder = await docker('run', '-d', ...labels, committed, 'sleep', '3600');

    expect(await replace(committed, 'N=1')).toBe(1);
    expect(await replace(TEST_IMAGE_V1, 'N=2')).toBe(2);
    expect(await replace(TEST_IMAGE_V2, 'N=3')).toBe(3);

    expect(await imageOf(keepTag(name, 1).ref)).toBe(committed);
    expect(store.list(name).map((r) => r.revision)).toEqual([3, 2, 1]);
    expect(await imageOf(keepTag(name, 2).ref)).toBe(await imageOf(TEST_IMAGE_V1));
    expect(await imageOf(keepTag(name, 3).ref)).toBeUndefined();

    await docker('rm', '-f', holder);
    expect(await replace(TEST_IMAGE_V2, 'N=4')).toBe(4);

    expect(store.list(name).map((r) => r.revision)).toEqual([4, 3]);
    expect(await imageOf(keepTag(name, 1).ref)).toBeUndefined();
    expect(await imageOf(keepTag(name, 2).ref)).toBeUndefined();
    expect(await imageOf(committed)).toBeUndefined();
    expect(await imageOf(TEST_IMAGE_V1)).toBeDefined();
    expect(await imageOf(keepTag(name, 3).ref)).toBe(await imageOf(TEST_IMAGE_V2));
    expect(await imageOf(keepTag(name, 4).ref)).toBeUndefined();
  });

  it('forgets a name (revisions and keep tags) once no container has carried it for forgetAfter, across restarts', async () => {
    await docker('rm', '-f', name);
    expect(await recorder.sweep(new Set())).toEqual([]);
    clock += 59_000;
    expect(await recorder.sweep(new Set())).toEqual([]);
    expect(await imageOf(keepTag(name, 3).ref)).toBeDefined();
    const logger = createLogger({ level: 'warn', format: 'text', silent: true });
    await recorder.stop();
    const nextLease = new WriterLease(db, 'revisions', 'test/2/restarted', 'agent', 60_000);
    expect(nextLease.tryHold()).toBe(true);
    const restarted = new RevisionRecorder({
      store: new RevisionStore(db),
      replacements: new ReplacementStore(db),
      lease: nextLease,
      holder: 'test/2/restarted',
      docker: testDocker,
      keep: 2,
      forgetAfterMs: 60_000,
      watched: () => true,
      logger,
      now: () => clock,
    });
    clock += 1_000;
    expect(await restarted.sweep(new Set())).toEqual([name]);
    expect(store.list(name)).toEqual([]);
    expect(await imageOf(keepTag(name, 3).ref)).toBeUndefined();
    expect(await imageOf(TEST_IMAGE_V2)).toBeDefined();
  });
});
