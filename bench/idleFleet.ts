import type Dockerode from 'dockerode';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import { inspectToRecord } from '../agent/inventory/inspectToRecord';
import { mapWithConcurrency } from '../agent/stats/concurrency';
import { BENCH_IMAGE } from './benchFleet';

/** Label key of the idle bench's containers (the agent under test includes only these). */
export const IDLE_LABEL = 'dockwatch.bench13';
/** Label value of the idle bench's containers. */
export const IDLE_LABEL_VALUE = 'idle';
/** Engine requests in flight while creating, inspecting and removing. */
const BATCH = 20;

/**
 * The idle bench's own containers: `sleep` on the test image, network none, labelled {@link IDLE_LABEL}=idle, so the
 * bench neither touches nor watches anyone else's containers on a shared engine.
 */
export class IdleFleet {
  private closed = false;
  private readonly creating = new Set<Promise<unknown>>();

  constructor(private readonly docker: Dockerode) {}

  /** IDs of every container carrying the label, running or not. */
  async ids(): Promise<Array<{ id: string; running: boolean }>> {
    const filters = { label: [`${IDLE_LABEL}=${IDLE_LABEL_VALUE}`] };
    const listed = await this.docker.listContainers({ all: true, filters });
    return listed.map((c) => ({ id: c.Id, running: c.State === 'running' }));
  }

  /** Makes exactly `n` labelled containers run: removes stopped and surplus ones, creates the rest. */
  async scaleTo(n: number): Promise<void> {
    const listed = await this.ids();
    const running = listed.filter((c) => c.running).map((c) => c.id);
    await this.remove([...listed.filter((c) => !c.running).map((c) => c.id), ...running.slice(n)]);
    const missing = Array.from({ length: Math.max(0, n - running.length) }, (_, i) => i);
    await mapWithConcurrency(missing, BATCH, (i) => this.createOne(i));
  }

  /** The agent's record of each running labelled container, as the inventory builds it. */
  async records(): Promise<ContainerRecord[]> {
    const ids = (await this.ids()).filter((c) => c.running).map((c) => c.id);
    const infos = await mapWithConcurrency(ids, BATCH, (id) => this.docker.getContainer(id).inspect());
    return infos.map(inspectToRecord).filter((r) => r.state === 'running' && r.pid > 0);
  }

  /**
   * Stops creating, waits for creations under way, removes every labelled container (three attempts: a loaded
   * engine drops requests); resolves with how many went.
   */
  async removeAll(): Promise<number> {
    this.closed = true;
    await Promise.allSettled([...this.creating]);
    for (let attempt = 1; ; attempt++) {
      try {
        const ids = (await this.ids()).map((c) => c.id);
        await this.remove(ids);
        return ids.length;
      } catch (err) {
        if (attempt >= 3) throw err;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  private async remove(ids: readonly string[]): Promise<void> {
    await mapWithConcurrency(ids, BATCH, (id) =>
      this.docker
        .getContainer(id)
        .remove({ force: true, v: true })
        .catch((err: { statusCode?: number }) => {
          if (err.statusCode !== 404) throw err;
        }),
    );
  }

  private async createOne(i: number): Promise<void> {
    if (this.closed) throw new Error('the idle fleet is being removed');
    const creation = this.docker
      .createContainer({
        name: `dwidle-${process.pid}-${i}`,
        Image: BENCH_IMAGE,
        Cmd: ['sleep', '100000'],
        Labels: { [IDLE_LABEL]: IDLE_LABEL_VALUE },
        HostConfig: { NetworkMode: 'none' },
      })
      .then((c) => c.start());
    this.creating.add(creation);
    try {
      await creation;
    } finally {
      this.creating.delete(creation);
    }
  }
}
