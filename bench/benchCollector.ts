import { defaultConfig } from '../config/schema';
import { cgroupV1Collector } from '../agent/stats/cgroupV1Collector';
import { cgroupV2Collector } from '../agent/stats/cgroupV2Collector';
import { detectCgroupVersion } from '../agent/stats/cgroupVersion';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import type { ContainerSample } from '../agent/stats/containerSample';
import type { StatsCollector } from '../agent/stats/statsCollector';

/** The cgroup collector the agent would pick on this host (v1 or v2 by detection), with the default roots. */
export async function hostCgroupCollector(): Promise<StatsCollector> {
  const { cgroupRoot, procRoot } = defaultConfig().docker;
  const version = await detectCgroupVersion(cgroupRoot);
  if (version === undefined) throw new Error(`no cgroup v1 or v2 hierarchy readable at ${cgroupRoot}`);
  return version === 1 ? cgroupV1Collector({ cgroupRoot, procRoot }) : cgroupV2Collector({ cgroupRoot, procRoot });
}

/**
 * One sampling pass as the agent's sampler makes it: the containers, then the root container `/` (the host's root
 * cgroup, network and filesystems) with the same collector. Resolves with the containers' samples.
 */
export async function collectorPass(
  collector: StatsCollector,
  records: readonly ContainerRecord[],
): Promise<ContainerSample[]> {
  const samples = await collector.collect(records);
  await collector.collectRoot?.();
  return samples;
}
