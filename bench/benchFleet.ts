import type Dockerode from 'dockerode';
import { negotiateApiVersion } from '../agent/engine/apiVersion';
import { dockerOptions, parseDockerHost } from '../agent/engine/dockerHost';
import { loadDockerode } from '../agent/engine/loadDockerode';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import { inspectToRecord } from '../agent/inventory/inspectToRecord';
import { mapWithConcurrency } from '../agent/stats/concurrency';

/** Label on every bench container (the agent under test selects on it; cleanup removes what carries it). */
export const BENCH_LABEL = 'dockwatch.bench';
/** The image the idle containers run; built by scripts/ensure-test-images.sh. */
export const BENCH_IMAGE = 'dockwatch-test/busybox:1';
/** Engine requests in flight while creating and inspecting containers. */
const BATCH = 20;
/** Deadline of one engine request: a wedged engine fails the bench instead of hanging it. */
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Network of the bench containers. `none` still gives each container a network namespace and a `/proc/<pid>/net/dev`
 * (loopback only, so no network series); `bridge` adds eth0 and its series, but removing hundreds of bridge containers
 * can deadlock dockerd 20.10 (libnetwork processEndpointDelete vs getSvcRecords, moby/moby#46661), so they are removed
 * one at a time.
 */
export type BenchNetwork = 'none' | 'bridge';

/** A connected engine client, spoken to at the negotiated API version (as the agent does). */
export type BenchEngine = { docker: Dockerode; apiVersion: string; host: string };

/** Connects to DOCKER_HOST (or the default socket) at the negotiated API version; fails early without {@link BENCH_IMAGE}. */
export async function connectEngine(env: NodeJS.ProcessEnv = process.env): Promise<BenchEngine> {
  const host = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  const endpoint = parseDockerHost(host);
  const Dockerode = loadDockerode();
  const options = (version?: string) => ({
    ...dockerOptions(endpoint, undefined, version),
    timeout: REQUEST_TIMEOUT_MS,
  });
  const version = await new Dockerode(options()).version();
  const apiVersion = negotiateApiVersion(version.ApiVersion, version.MinAPIVersion);
  const docker = new Dockerode(options(apiVersion));
  await docker
    .getImage(BENCH_IMAGE)
    .inspect()
    .catch(() => {
      throw new Error(`image ${BENCH_IMAGE} is missing; run: bash scripts/ensure-test-images.sh`);
    });
  return { docker, apiVersion, host };
}

/**
 * The idle containers the bench measures: `sleep` on the test image in the given network mode, labelled
 * {@link BENCH_LABEL}. Grows by adding containers, reusing leftovers of the same network mode.
 */
export class BenchFleet {
  private created = 0;
  private closed = false;
  private readonly creating = new Set<Promise<void>>();

  constructor(
    private readonly docker: Dockerode,
    private readonly network: BenchNetwork,
    private readonly progress: (message: string) => void,
  ) {}

  /** IDs of every labelled container, with whether it runs in the fleet's network mode. */
  async list(): Promise<Array<{ id: string; usable: boolean }>> {
    const listed = await this.docker.listContainers({ all: true, filters: { label: [`${BENCH_LABEL}=1`] } });
    return listed.map((c) => ({
      id: c.Id,
      usable: c.State === 'running' && c.HostConfig?.NetworkMode === this.network,
    }));
  }

  /** Makes exactly `n` labelled containers run: removes stopped, other-network and surplus ones, creates the rest. */
  async scaleTo(n: number): Promise<void> {
    const listed = await this.list();
    const running = listed.filter((c) => c.usable).map((c) => c.id);
    const surplus = [...listed.filter((c) => !c.usable).map((c) => c.id), ...running.slice(n)];
    if (surplus.length > 0) await this.remove(surplus);
    const missing = Math.max(0, n - running.length);
    if (missing === 0) return;
    const started = Date.now();
    let done = 0;
    await mapWithConcurrency(
      Array.from({ length: missing }, (_, i) => i),
      BATCH,
      async () => {
        await this.createOne();
        if (++done % 50 === 0 || done === missing) {
          this.progress(`  started ${done}/${missing} containers (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        }
      },
    );
  }

  /** The agent's record of every running labelled container (from `docker inspect`, as the inventory builds it). */
  async records(): Promise<ContainerRecord[]> {
    const ids = (await this.list()).filter((c) => c.usable).map((c) => c.id);
    const infos = await mapWithConcurrency(ids, BATCH, (id) => this.docker.getContainer(id).inspect());
    return infos.map(inspectToRecord).filter((r) => r.state === 'running' && r.pid > 0);
  }

  /**
   * Stops creating containers, waits for creations under way, then removes every labelled container (force, with
   * anonymous volumes); returns how many went. Safe to call while {@link scaleTo} runs (on SIGINT).
   */
  async removeAll(): Promise<number> {
    this.closed = true;
    await Promise.allSettled([...this.creating]);
    const ids = (await this.list()).map((c) => c.id);
    await this.remove(ids);
    return ids.length;
  }

  private async remove(ids: readonly string[]): Promise<void> {
    const started = Date.now();
    let done = 0;
    await mapWithConcurrency(ids, this.network === 'bridge' ? 1 : BATCH, async (id) => {
      await this.docker
        .getContainer(id)
        .remove({ force: true, v: true })
        .catch((err: { statusCode?: number }) => {
          if (err.statusCode !== 404) throw err;
        });
      if (++done % 100 === 0 || done === ids.length) {
        this.progress(`  removed ${done}/${ids.length} containers (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
    });
  }

  private async createOne(): Promise<void> {
    if (this.closed) throw new Error('the bench fleet is being removed');
    const creation = this.create();
    this.creating.add(creation);
    try {
      await creation;
    } finally {
      this.creating.delete(creation);
    }
  }

  private async create(): Promise<void> {
    const container = await this.docker.createContainer({
      name: `dwbench-${process.pid}-${++this.created}`,
      Image: BENCH_IMAGE,
      Cmd: ['sleep', '100000'],
      Labels: { [BENCH_LABEL]: '1' },
      HostConfig: { NetworkMode: this.network },
    });
    await container.start();
  }
}
