import { defaultConfig } from '../config/schema';
import { cgroupV1Collector } from '../agent/stats/cgroupV1Collector';
import { cgroupV2Collector } from '../agent/stats/cgroupV2Collector';
import { detectCgroupVersion } from '../agent/stats/cgroupVersion';
import type { StatsCollector } from '../agent/stats/statsCollector';

/** The cgroup collector the agent would pick on this host (v1 or v2 by detection), with the default roots. */
export async function hostCgroupCollector(): Promise<StatsCollector> {
  const { cgroupRoot, procRoot } = defaultConfig().docker;
  const version = await detectCgroupVersion(cgroupRoot);
  if (version === undefined) throw new Error(`no cgroup v1 or v2 hierarchy readable at ${cgroupRoot}`);
  return version === 1 ? cgroupV1Collector({ cgroupRoot, procRoot }) : cgroupV2Collector({ cgroupRoot, procRoot });
}
