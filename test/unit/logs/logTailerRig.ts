import { PassThrough } from 'node:stream';
import type { ContainerRecord } from '../../../agent/inventory/containerRecord';
import { Inventory } from '../../../agent/inventory/inventory';
import { LogCheckpointStore } from '../../../agent/logs/logCheckpointStore';
import { LogTailer, type LogTailerOptions } from '../../../agent/logs/logTailer';
import { openStore, type Store } from '../../../agent/store/database';
import { createLogger } from '../../../shared/logger';
import { record } from '../bot/fakeAgent';

/** One multiplexed frame (1 stdout, 2 stderr) of `text` stamped `at`, as the engine sends it with timestamps. */
export function frame(text: string, at: Date, type = 1): Buffer {
  const body = Buffer.from(`${at.toISOString()} ${text}\n`);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** A LogTailer over an in-memory store and inventory whose streams are PassThroughs the test writes to. */
export type TailerRig = { tailer: LogTailer; inventory: Inventory; store: Store; opened: PassThrough[] };

/** Builds a {@link TailerRig}: every container selected, 16 KiB lines, a silent logger, and `extra` on top. */
export function tailerRig(extra: Pick<LogTailerOptions, 'onEntry'> & Partial<LogTailerOptions>): TailerRig {
  const store = openStore(':memory:');
  const inventory = new Inventory();
  const opened: PassThrough[] = [];
  const tailer = new LogTailer({
    inventory,
    checkpoints: new LogCheckpointStore(store),
    selected: () => true,
    opener: () => async () => {
      const stream = new PassThrough();
      opened.push(stream);
      return stream;
    },
    maxLineBytes: 16_384,
    logger: createLogger({ level: 'error', format: 'text', silent: true }),
    ...extra,
  });
  return { tailer, inventory, store, opened };
}

/** A {@link TailerRig} that has started tailing one container, `name` as `fields` describe it, and the texts it took. */
export type StartedRig = TailerRig & { seen: string[] };

/**
 * Builds a rig whose entries' texts collect in `seen`, shows the container in the inventory, starts the tailer and
 * lets it open the container's first stream.
 */
export async function startedRig(
  name: string,
  fields: Partial<ContainerRecord>,
  extra: Partial<LogTailerOptions> = {},
): Promise<StartedRig> {
  const seen: string[] = [];
  const rig = tailerRig({ onEntry: (e) => seen.push(e.text), ...extra });
  rig.inventory.upsert(record(name, fields));
  rig.tailer.start();
  rig.tailer.reconcile();
  await settle();
  return { ...rig, seen };
}

/** Lets the tailer's streams and timers run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}
