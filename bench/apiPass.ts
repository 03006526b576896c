import type { ContainerRecord } from '../agent/inventory/containerRecord';
import { apiCollector, dockerStatsFetcher } from '../agent/stats/apiCollector';
import type { BenchEngine } from './benchFleet';
import { engineCpuDuring } from './engineCpu';
import { timePass } from './passTiming';

/** What one Engine API collector pass cost: this process (wall, CPU) and the engine (dockerd, containerd, shims). */
export type ApiPassCost = { wallMs: number; agentCpuMs: number; engineCpuMs: number; samples: number; errors: number };

/** Runs one pass of the real API collector with the real fetcher, as the agent builds them. */
export async function measureApiPass(
  engine: BenchEngine,
  containers: readonly ContainerRecord[],
  enginePids: readonly number[],
  concurrency: number,
): Promise<ApiPassCost> {
  let errors = 0;
  let samples = 0;
  const collector = apiCollector({
    concurrency,
    fetchStats: dockerStatsFetcher(engine.docker, engine.apiVersion),
    onError: () => errors++,
  });
  const { result, engineCpuMs } = await engineCpuDuring(enginePids, () =>
    timePass(async () => (samples = (await collector.collect(containers)).length)),
  );
  return { wallMs: result.wallMs, agentCpuMs: result.cpuMs, engineCpuMs, samples, errors };
}
