import type { ContainerRecord } from '../inventory/containerRecord';
import type { ContainerSample } from './containerSample';
import type { RootSample } from './rootSample';

/** Names of the collector implementations, as shown in `dockwatch_stats_collector_info` and the log. */
export type CollectorName = 'cgroup-v1' | 'cgroup-v2' | 'api';

/** Reads the current counters of running containers; one implementation per source. */
export interface StatsCollector {
  readonly name: CollectorName;
  /**
   * Samples the given running containers. A container that cannot be read (it just stopped, its cgroup is gone)
   * is left out of the result instead of failing the pass.
   */
  collect(containers: readonly ContainerRecord[]): Promise<ContainerSample[]>;
  /**
   * Reads cAdvisor's root container `/` (the whole host) in the same sampling pass; undefined when it cannot be read.
   * Only the cgroup collectors have it: the Engine API knows nothing of the host.
   */
  collectRoot?(): Promise<RootSample | undefined>;
  /** Releases what the collector holds open (file descriptors); called once when the agent stops. */
  close?(): void;
}
