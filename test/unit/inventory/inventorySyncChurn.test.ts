import type Docker from 'dockerode';
import type { ContainerInspectInfo } from 'dockerode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../../../agent/engine/engineEvent';
import { Inventory } from '../../../agent/inventory/inventory';
import { InventorySync } from '../../../agent/inventory/inventorySync';
import { createLogger } from '../../../shared/logger';

const info = JSON.parse(
  readFileSync(join(__dirname, '../../fixtures/inspect/running-limited.json'), 'utf8'),
) as ContainerInspectInfo;

/** An engine whose inspect and list answers the test releases by hand. */
function slowEngine() {
  const inspects: (() => void)[] = [];
  const lists: ((rows: Docker.ContainerInfo[]) => void)[] = [];
  const docker = {
    getContainer: () => ({
      inspect: () => new Promise<ContainerInspectInfo>((resolve) => inspects.push(() => resolve(info))),
    }),
    listContainers: () => new Promise<Docker.ContainerInfo[]>((resolve) => lists.push(resolve)),
  } as unknown as Docker;
  return { docker, inspects, lists };
}

const event = (Action: string): EngineEvent =>
  ({ Type: 'container', Action, Actor: { ID: info.Id, Attributes: {} }, time: 1, timeNano: 1n }) as EngineEvent;
const tick = () => new Promise((r) => setImmediate(r));

describe('inventory sync under churn', () => {
  const logger = createLogger({ level: 'error', format: 'text', silent: true });

  it('does not bring back a container destroyed while its inspect was in flight', async () => {
    const inventory = new Inventory();
    const sync = new InventorySync(inventory, logger, () => undefined);
    const { docker, inspects } = slowEngine();
    const started = sync.onEvent(docker, event('start'));
    await sync.onEvent(docker, event('destroy'));
    inspects.shift()?.();
    await started;
    expect(inventory.size).toBe(0);
  });

  it('keeps a container created while a resync was listing (it is not in that list, yet exists)', async () => {
    const inventory = new Inventory();
    const sync = new InventorySync(inventory, logger, () => undefined);
    const { docker, inspects, lists } = slowEngine();
    const resync = sync.resync(docker);
    await tick();
    const created = sync.onEvent(docker, event('create'));
    inspects.shift()?.();
    await created;
    lists.shift()?.([]);
    await resync;
    expect(inventory.all().map((r) => r.id)).toEqual([info.Id]);
  });
});
