import type Dockerode from 'dockerode';
import { mapWithConcurrency } from '../agent/stats/concurrency';
import { ALERT_BENCH_LABEL, ALERT_BENCH_VALUE, SCENARIO_LABEL } from './alertLatencyAgent';
import type { ScenarioSpec } from './alertLatencyScenarios';
import { BENCH_IMAGE } from './benchFleet';

/** A created bench container. */
export type BenchContainer = { id: string; name: string; index: number };

/** Engine requests in flight while creating (removal goes one at a time). */
const CREATE_CONCURRENCY = 4;

/**
 * The containers of this bench, labelled `dockwatch.bench=alerts` and their scenario, with no network (so removing
 * them cannot hit dockerd 20.10's bridge deadlock). Removes one at a time, and everything labelled on `removeAll`.
 */
export class AlertBenchContainers {
  private closed = false;
  private readonly busy = new Set<Promise<unknown>>();

  constructor(
    private readonly docker: Dockerode,
    private readonly progress: (message: string) => void,
  ) {}

  /** Creates (without starting) the containers of one scenario; `run` tells runs apart in their names. */
  async create(spec: ScenarioSpec, run: string, random: () => number): Promise<BenchContainer[]> {
    const indexes = Array.from({ length: spec.count }, (_, i) => i);
    return this.track(
      mapWithConcurrency(indexes, CREATE_CONCURRENCY, async (index) => {
        if (this.closed) throw new Error('the bench containers are being removed');
        const name = `dwalert-${process.pid}-${run}-${spec.name}-${index}`;
        const container = await this.docker.createContainer({
          name,
          Image: BENCH_IMAGE,
          Cmd: spec.command(index, random),
          Labels: { [ALERT_BENCH_LABEL]: ALERT_BENCH_VALUE, [SCENARIO_LABEL]: spec.name },
          HostConfig: {
            NetworkMode: 'none',
            ...(spec.memoryBytes ? { Memory: spec.memoryBytes, MemorySwap: spec.memoryBytes } : {}),
          },
        });
        return { id: container.id, name, index };
      }),
    );
  }

  /** Starts `containers` one every `spacingMs` (not waiting for one start to finish before the next is due). */
  async startSpread(containers: readonly BenchContainer[], spacingMs: number): Promise<void> {
    const t0 = Date.now();
    const starts: Promise<unknown>[] = [];
    for (const [i, c] of containers.entries()) {
      const wait = t0 + i * spacingMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.closed) break;
      starts.push(this.track(this.docker.getContainer(c.id).start()));
    }
    await Promise.all(starts);
  }

  /** Force-removes the given containers one at a time. */
  async remove(ids: readonly string[]): Promise<void> {
    const started = Date.now();
    for (const [i, id] of ids.entries()) {
      await this.docker
        .getContainer(id)
        .remove({ force: true, v: true })
        .catch((err: { statusCode?: number }) => {
          if (err.statusCode !== 404) throw err;
        });
      if ((i + 1) % 25 === 0 || i + 1 === ids.length) {
        this.progress(`  removed ${i + 1}/${ids.length} containers (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
    }
  }

  /** Stops creating and starting, then removes every container labelled `dockwatch.bench=alerts`; returns how many. */
  async removeAll(): Promise<number> {
    this.closed = true;
    await Promise.allSettled([...this.busy]);
    const listed = await this.docker.listContainers({
      all: true,
      filters: { label: [`${ALERT_BENCH_LABEL}=${ALERT_BENCH_VALUE}`] },
    });
    await this.remove(listed.map((c) => c.Id));
    return listed.length;
  }

  private async track<T>(work: Promise<T>): Promise<T> {
    this.busy.add(work);
    try {
      return await work;
    } finally {
      this.busy.delete(work);
    }
  }

  /** Removes leftovers of an earlier run, and lets this run create containers again. */
  async clearLeftovers(): Promise<number> {
    const removed = await this.removeAll();
    this.closed = false;
    return removed;
  }
}
