import { PassThrough } from 'node:stream';
import { Inventory } from '../../../agent/inventory/inventory';
import { createLogger } from '../../../shared/logger';
import { LogCheckpointStore } from '../../../agent/logs/logCheckpointStore';
import { LogTailer } from '../../../agent/logs/logTailer';
import { openStore } from '../../../agent/store/database';
import { record } from '../bot/fakeAgent';

/** One multiplexed stdout frame, stamped a minute from now (after where a new tail starts). */
function frame(text: string): Buffer {
  const body = Buffer.from(`${new Date(Date.now() + 60_000).toISOString()} ${text}`);
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe('log lines dropped with the container', () => {
  it('counts the line held for its end when the container is removed, by name and reason', async () => {
    const store = openStore(':memory:');
    const inventory = new Inventory();
    inventory.upsert(record('web', { createdAt: 1 }));
    const stream = new PassThrough();
    const seen: string[] = [];
    const tailer = new LogTailer({
      inventory,
      checkpoints: new LogCheckpointStore(store),
      selected: () => true,
      opener: () => async () => stream,
      maxLineBytes: 16_384,
      onEntry: (e) => seen.push(e.text),
      logger: createLogger({ level: 'error', format: 'text', silent: true }),
    });
    tailer.start();
    tailer.reconcile();
    await new Promise((r) => setImmediate(r));
    stream.write(frame('whole\n'));
    stream.write(frame('half a line'));
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['whole']);
    expect(tailer.openStreams).toBe(1);
    const [id] = inventory.all().map((r) => r.id);
    inventory.remove(id as string);
    stream.destroy(Object.assign(new Error('No such container'), { statusCode: 404 }));
    await new Promise((r) => setTimeout(r, 20));
    expect(tailer.droppedCounts()).toEqual([{ container: 'web', reason: 'removed', lines: 1 }]);
    expect(tailer.openStreams).toBe(0);
    tailer.stop();
    store.close();
  });
});
