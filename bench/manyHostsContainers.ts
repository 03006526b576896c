import type Dockerode from 'dockerode';
import { BENCH_IMAGE } from './benchFleet';

/** The label every container of the many-hosts bench carries (value {@link HOSTS_LABEL_VALUE}). */
export const HOSTS_LABEL = 'dockwatch.bench13';
/** The value of {@link HOSTS_LABEL}. */
export const HOSTS_LABEL_VALUE = 'hosts';
/** The label naming the simulated host a container belongs to: each agent includes only its own. */
export const HOST_LABEL = 'dockwatch.bench13.host';
/** Prefix of every container name this bench makes (the replies are checked for it). */
export const CONTAINER_PREFIX = 'dwhosts-';

const CREATE_CONCURRENCY = 4;

/** Idle `sleep` containers, `perHost` for each simulated host, labelled for that host's agent only. */
export class HostContainers {
  constructor(private readonly docker: Dockerode) {}

  /** Removes every container of this bench (also leftovers of an interrupted run); returns how many. */
  async removeAll(): Promise<number> {
    const listed = await this.docker.listContainers({
      all: true,
      filters: { label: [`${HOSTS_LABEL}=${HOSTS_LABEL_VALUE}`] },
    });
    await inBatches(listed, CREATE_CONCURRENCY, (c) =>
      this.docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch((err: { statusCode?: number }) => {
          if (err.statusCode !== 404) throw err;
        }),
    );
    return listed.length;
  }

  /** Creates and starts `perHost` containers for each host (network none), named `dwhosts-<host>-<n>`. */
  async create(hosts: readonly string[], perHost: number): Promise<void> {
    const wanted = hosts.flatMap((host) => Array.from({ length: perHost }, (_, i) => ({ host, n: i + 1 })));
    await inBatches(wanted, CREATE_CONCURRENCY, async ({ host, n }) => {
      const container = await this.docker.createContainer({
        name: `${CONTAINER_PREFIX}${host}-${n}`,
        Image: BENCH_IMAGE,
        Cmd: ['sleep', '100000'],
        Labels: { [HOSTS_LABEL]: HOSTS_LABEL_VALUE, [HOST_LABEL]: host },
        HostConfig: { NetworkMode: 'none' },
        StopTimeout: 1,
      });
      await container.start();
    });
  }
}

/** Runs `fn` over `items`, at most `limit` at a time; rejects with the first failure once all have settled. */
async function inBatches<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item).catch((err: unknown) => failures.push(err));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length) throw failures[0];
}
