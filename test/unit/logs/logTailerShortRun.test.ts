import { record } from '../bot/fakeAgent';
import { frame, settle, startedRig } from './logTailerRig';

describe('a container that runs between two looks at it', () => {
  it('is read once it is seen stopped after a run, though its stream ended empty while it was only created', async () => {
    const createdAt = Date.now() / 1000 + 1;
    const { tailer, inventory, store, opened, seen } = await startedRig('blink', {
      createdAt,
      state: 'created',
      startedAt: undefined,
    });
    // Created, not started: the engine ends the log stream at once, empty.
    expect(opened).toHaveLength(1);
    opened[0]?.end();
    await settle();
    // It started, wrote two lines and exited before the agent looked again: the next look sees it exited.
    const ran = new Date(createdAt * 1000 + 5);
    inventory.upsert(record('blink', { createdAt, state: 'exited', startedAt: ran.getTime() / 1000 }));
    await settle();
    expect(opened).toHaveLength(2);
    opened[1]?.write(frame('out 1', ran));
    opened[1]?.end(frame('out 2', ran));
    await settle();
    expect(seen).toEqual(['out 1', 'out 2']);
    // Seen again as it is (no new run): nothing is opened again.
    inventory.upsert(record('blink', { createdAt, state: 'exited', startedAt: ran.getTime() / 1000, exitCode: 0 }));
    await settle();
    expect(opened).toHaveLength(2);
    tailer.stop();
    store.close();
  });
});
