import { randomBytes } from 'node:crypto';
import type { EngineEvent } from '../../agent/engine/engineEvent';
import { openEventStream, type EventStreamHandle } from '../../agent/engine/eventStream';
import { ReplacementStore } from '../../agent/revisions/replacementStore';
import { RevisionRecorder } from '../../agent/revisions/revisionRecorder';
import { RevisionStore } from '../../agent/revisions/revisionStore';
import { openStore, type Store } from '../../agent/store/database';
import { WriterLease } from '../../agent/store/writerLease';
import { createLogger } from '../../shared/logger';
import { removeKeepTags } from '../support/keepTags';
import { docker, dockerRun } from '../support/dockerRun';
import { removeTestContainers, TEST_IMAGE_V1, testDocker, waitFor } from '../support/engine';

/*
 * The current revision follows its running container's networks, whichever comes first: the engine's network event,
 * or another look at the container (the agent's settle check, a rollback or deploy asking for the current revision).
 * The recorder runs in-process on the real engine and gets the engine's real events, held back so a test can choose
 * the order.
 */

const suffix = randomBytes(3).toString('hex');
const name = `dwtest-netfollow-${suffix}`;
const netA = `dwtest-netfollow-a-${suffix}`;
const netB = `dwtest-netfollow-b-${suffix}`;

describe('the current revision follows network changes, whatever sees them first', () => {
  let db: Store;
  let store: RevisionStore;
  let recorder: RevisionRecorder;
  let events: EventStreamHandle;
  const held: EngineEvent[] = [];

  /** Hands the recorder the network events of the container seen so far, and waits until it has followed them. */
  async function deliverNetworkEvents(containerId: string, count: number): Promise<void> {
    const mine = () => held.filter((e) => e.Type === 'network' && e.Actor.Attributes?.container === containerId);
    await waitFor(async () => mine().length >= count, { what: `${count} network events of the container` });
    for (const e of mine()) recorder.onEngineEvent(e);
    held.length = 0;
    await recorder.idle();
  }

  const networksOf = (revision: number) => Object.keys(store.get(name, revision)?.spec.networks ?? {}).sort();

  beforeAll(async () => {
    db = openStore(':memory:');
    store = new RevisionStore(db);
    const lease = new WriterLease(db, 'revisions', 'test/1/netfollow', 'agent', 60_000);
    expect(lease.tryHold()).toBe(true);
    recorder = new RevisionRecorder({
      store,
      replacements: new ReplacementStore(db),
      lease,
      holder: 'test/1/netfollow',
      docker: testDocker,
      keep: 4,
      forgetAfterMs: 600_000,
      watched: () => true,
      logger: createLogger({ level: 'info', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG }),
    });
    await docker('network', 'create', netA);
    await docker('network', 'create', netB);
    events = await openEventStream(
      testDocker(),
      undefined,
      (e) => held.push(e),
      () => undefined,
    );
  });

  afterAll(async () => {
    events.close();
    await recorder.stop();
    db.close();
    await removeTestContainers();
    await removeKeepTags([name]);
    for (const n of [netA, netB]) await docker('network', 'rm', n).catch(() => undefined);
  });

  it('a look at the container after a disconnect, before its event, updates the revision instead of adding one', async () => {
    const id = await dockerRun(name, TEST_IMAGE_V1, ['--network', netA], ['sleep', '3600']);
    await docker('network', 'connect', netB, name);
    expect((await recorder.currentOf(id))?.revision?.revision).toBe(1);
    expect(networksOf(1)).toEqual([netA, netB]);
    await deliverNetworkEvents(id, 2);

    await docker('network', 'disconnect', netB, name);
    // A rollback or the settle check looks at the container before the disconnect event has been followed.
    const seen = await recorder.currentOf(id);
    expect(seen?.revision?.revision).toBe(1);
    expect(store.list(name).map((r) => r.revision)).toEqual([1]);
    expect(networksOf(1)).toEqual([netA]);

    // The event, when it comes, changes nothing more.
    await deliverNetworkEvents(id, 1);
    expect(store.list(name).map((r) => r.revision)).toEqual([1]);
    expect(networksOf(1)).toEqual([netA]);

    // The event first, then a look: the same one revision, with b back.
    await docker('network', 'connect', netB, name);
    await deliverNetworkEvents(id, 1);
    expect(networksOf(1)).toEqual([netA, netB]);
    expect((await recorder.currentOf(id))?.revision?.revision).toBe(1);
    expect(store.list(name).map((r) => r.revision)).toEqual([1]);
  });

  it('a look that makes the revision equal to the one before merges the two, as the event does', async () => {
    await docker('rm', '-f', name);
    const id = await dockerRun(name, TEST_IMAGE_V1, ['--network', netA], ['sleep', '3600']);
    // Recorded before b was connected: the same image and config as revision 1, without b.
    expect((await recorder.currentOf(id))?.revision?.revision).toBe(2);
    expect(store.get(name, 2)?.containerId).toBe(id);
    await docker('network', 'connect', netB, name);
    const seen = await recorder.currentOf(id);
    expect(seen?.revision?.revision).toBe(1);
    expect(store.list(name).map((r) => r.revision)).toEqual([1]);
    expect(store.byContainer(id)?.revision).toBe(1);
    await deliverNetworkEvents(id, 2);
    expect(store.list(name).map((r) => r.revision)).toEqual([1]);
  });
});
