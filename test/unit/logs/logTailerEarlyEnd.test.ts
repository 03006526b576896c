import { PassThrough } from 'node:stream';
import { record } from '../bot/fakeAgent';
import { frame, settle, startedRig } from './logTailerRig';

/** A frame whose message has no newline: a part of a line the engine split (over 16 KiB) or a line not ended yet. */
function partialFrame(text: string, at: Date): Buffer {
  const whole = frame(text, at);
  const cut = Buffer.from(whole.subarray(0, whole.length - 1));
  cut.writeUInt32BE(cut.length - 8, 4);
  return cut;
}

const createdAt = Date.now() / 1000 + 1;
const at = (ms: number) => new Date(createdAt * 1000 + ms);
const exited = { createdAt, state: 'exited', startedAt: createdAt, exitCode: 0 } as const;

describe('a follow the engine ends early when the container stops', () => {
  it('reads the rest of the log once more from the checkpoint, and only once', async () => {
    const { tailer, inventory, store, opened, seen } = await startedRig('fast', {
      createdAt,
      state: 'running',
      startedAt: createdAt,
    });
    expect(opened).toHaveLength(1);
    // The container wrote three lines and exited; the engine's follow ended after the first two.
    opened[0]?.write(frame('out 1', at(1)));
    opened[0]?.write(frame('out 2', at(2)));
    inventory.upsert(record('fast', exited));
    opened[0]?.end();
    await settle();
    expect(opened).toHaveLength(2);
    // The read of the stopped container's log brings everything from the start; what was taken is skipped.
    opened[1]?.write(frame('out 1', at(1)));
    opened[1]?.write(frame('out 2', at(2)));
    opened[1]?.end(frame('out 3', at(3)));
    await settle();
    expect(seen).toEqual(['out 1', 'out 2', 'out 3']);
    // That read began with the container stopped, so it was the whole log: no third one.
    await settle();
    expect(opened).toHaveLength(2);
    tailer.stop();
    store.close();
  });

  it('reads again when the stream was opened while the agent still saw the container created', async () => {
    const { tailer, inventory, store, opened, seen } = await startedRig('quick', {
      createdAt,
      state: 'created',
      startedAt: undefined,
    });
    expect(opened).toHaveLength(1);
    // The engine had started it already: it followed, and ended after one of the two lines when the container exited.
    opened[0]?.write(frame('out 1', at(5)));
    inventory.upsert(record('quick', exited));
    opened[0]?.end();
    await settle();
    expect(opened).toHaveLength(2);
    opened[1]?.write(frame('out 1', at(5)));
    opened[1]?.end(frame('out 2', at(5)));
    await settle();
    expect(seen).toEqual(['out 1', 'out 2']);
    expect(opened).toHaveLength(2);
    tailer.stop();
    store.close();
  });

  it('holds a line cut by the early end for the read after it, instead of handing over its first part', async () => {
    const { tailer, inventory, store, opened, seen } = await startedRig(
      'long',
      { createdAt, state: 'running', startedAt: createdAt },
      { maxLineBytes: 65_536 },
    );
    // The engine splits a long line into messages without a newline; the follow ended after the first of them.
    const head = 'x'.repeat(16_384);
    opened[0]?.write(frame('out 1', at(1)));
    opened[0]?.write(partialFrame(head, at(1)));
    inventory.upsert(record('long', exited));
    opened[0]?.end();
    await settle();
    expect(opened).toHaveLength(2);
    opened[1]?.write(frame('out 1', at(1)));
    opened[1]?.write(partialFrame(head, at(1)));
    opened[1]?.end(frame('tail', at(1)));
    await settle();
    expect(seen.map((t) => (t.length > 20 ? `${t.slice(0, 3)}…(${t.length})` : t))).toEqual([
      'out 1',
      `xxx…(${head.length + 4})`,
    ]);
    tailer.stop();
    store.close();
  });

  it.each([
    ['seen exited', 'exited'],
    ['still seen running (its die not taken yet)', 'running'],
  ] as const)(
    'hands over a last line without its newline when the container is gone before the read after, %s',
    async (_, state) => {
      const streams: PassThrough[] = [];
      const gone = Object.assign(new Error('No such container'), { statusCode: 404 });
      const opener = () => async () => {
        if (streams.length) throw gone;
        streams.push(new PassThrough());
        return streams[0] as PassThrough;
      };
      const { tailer, inventory, store, seen } = await startedRig(
        'rm',
        { createdAt, state: 'running', startedAt: createdAt },
        { opener },
      );
      // `printf done` as its last words, then the exit and, with --rm, the removal.
      streams[0]?.write(frame('out 1', at(1)));
      streams[0]?.write(partialFrame('done', at(2)));
      if (state === 'exited') inventory.upsert(record('rm', exited));
      streams[0]?.end();
      await new Promise((resolve) => setTimeout(resolve, state === 'running' ? 600 : 20));
      expect(seen).toEqual(['out 1', 'done']);
      expect(tailer.droppedCounts()).toEqual([]);
      tailer.stop();
      store.close();
    },
  );

  it('does not read again when the stream was opened after the container had stopped', async () => {
    const { tailer, store, opened, seen } = await startedRig('done', exited);
    expect(opened).toHaveLength(1);
    opened[0]?.end(frame('out 1', at(5)));
    await settle();
    await settle();
    expect(seen).toEqual(['out 1']);
    expect(opened).toHaveLength(1);
    tailer.stop();
    store.close();
  });
});
