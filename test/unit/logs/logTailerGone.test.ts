import { Inventory } from '../../../agent/inventory/inventory';
import { createLogger } from '../../../shared/logger';
import { LogCheckpointStore } from '../../../agent/logs/logCheckpointStore';
import { LogTailer } from '../../../agent/logs/logTailer';
import { openStore, type Store } from '../../../agent/store/database';
import { record } from '../bot/fakeAgent';

/** An engine error as dockerode makes it: the message and the HTTP status. */
function engineError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode });
}

describe('log streams of containers that are gone', () => {
  let store: Store;
  let tailer: LogTailer;
  let inventory: Inventory;
  let opened: number;
  let failure: Error;
  const logger = createLogger({ level: 'debug', format: 'text', silent: true });
  const warn = jest.spyOn(logger, 'warn');
  const debug = jest.spyOn(logger, 'debug');

  beforeEach(() => {
    jest.useFakeTimers();
    warn.mockClear();
    debug.mockClear();
    store = openStore(':memory:');
    inventory = new Inventory();
    inventory.upsert(record('web', { createdAt: 1 }));
    opened = 0;
    tailer = new LogTailer({
      inventory,
      checkpoints: new LogCheckpointStore(store),
      selected: () => true,
      opener: () => async () => {
        opened++;
        throw failure;
      },
      maxLineBytes: 16_384,
      onEntry: () => undefined,
      logger,
    });
    tailer.start();
  });

  afterEach(() => {
    tailer.stop();
    store.close();
    jest.useRealTimers();
  });

  it('stops at "dead or marked for removal" (409), saying so once at debug level', async () => {
    failure = engineError(409, 'can not get logs from container which is dead or marked for removal');
    tailer.reconcile();
    await jest.advanceTimersByTimeAsync(120_000);
    inventory.upsert(record('web', { createdAt: 1, state: 'removing' }));
    await jest.advanceTimersByTimeAsync(120_000);
    expect(opened).toBe(1);
    expect(warn).not.toHaveBeenCalled();
    expect(debug.mock.calls.map((c) => c[0])).toEqual(['log stream closed: the container is gone or being removed']);
  });

  it('stops when the container is already gone (404)', async () => {
    failure = engineError(404, 'No such container: web');
    tailer.reconcile();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(opened).toBe(1);
    expect(warn).not.toHaveBeenCalled();
  });

  it('keeps retrying, with a warning, a stream that failed for another reason', async () => {
    failure = engineError(500, 'something broke');
    tailer.reconcile();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(opened).toBeGreaterThan(2);
    expect(warn).toHaveBeenCalledWith('log stream failed, retrying', expect.objectContaining({ container: 'web' }));
  });
});
