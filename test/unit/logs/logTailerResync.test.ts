import { Inventory } from '../../../agent/inventory/inventory';
import { createLogger } from '../../../shared/logger';
import { LogCheckpointStore } from '../../../agent/logs/logCheckpointStore';
import { checkpointAt } from '../../../agent/logs/logPosition';
import { LogTailer } from '../../../agent/logs/logTailer';
import { openStore } from '../../../agent/store/database';
import { record } from '../bot/fakeAgent';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('stored checkpoints while the inventory fills after a restart', () => {
  it('forgets only those of containers missing once the inventory is synced, not those not inspected yet', async () => {
    const store = openStore(':memory:');
    const checkpoints = new LogCheckpointStore(store);
    const [web, db, gone] = [record('web'), record('db'), record('gone')];
    checkpoints.save(
      [web, db, gone].map((r) => ({ id: r.id, name: r.name, checkpoint: checkpointAt(5n) })),
      0,
    );
    const inventory = new Inventory();
    const tailer = new LogTailer({
      inventory,
      checkpoints,
      selected: () => true,
      opener: () => () => new Promise(() => undefined),
      maxLineBytes: 16_384,
      onEntry: () => undefined,
      logger: createLogger({ level: 'error', format: 'text', silent: true }),
    });
    tailer.start();
    // The resync inspects containers one by one; every change opens tails meanwhile.
    inventory.upsert(web);
    await nextTurn();
    expect(tailer.takeCheckpoints().remove).toEqual([]);
    inventory.upsert(db);
    await nextTurn();
    // The resync is done: now a stored checkpoint without a container is one of a container removed meanwhile.
    tailer.reconcile();
    expect(tailer.takeCheckpoints().remove).toEqual([gone.id]);
    tailer.stop();
    store.close();
  });
});
