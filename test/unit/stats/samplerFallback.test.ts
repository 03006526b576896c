import type { ContainerRecord } from '../../../agent/inventory/containerRecord';
import { createLogger } from '../../../shared/logger';
import { SelfStats } from '../../../agent/selfStats';
import type { ContainerSample } from '../../../agent/stats/containerSample';
import { MISSES_BEFORE_FALLBACK, StatsSampler } from '../../../agent/stats/sampler';
import { SampleStore } from '../../../agent/stats/sampleStore';
import type { CollectorName, StatsCollector } from '../../../agent/stats/statsCollector';
import { record } from '../bot/fakeAgent';

const logger = createLogger({ level: 'error', format: 'text', silent: true });

/** A collector that finds the containers `readable` names, and counts its passes. */
function collector(name: CollectorName, readable: (r: ContainerRecord) => boolean) {
  const c = {
    name,
    passes: 0,
    async collect(containers: readonly ContainerRecord[]): Promise<ContainerSample[]> {
      c.passes++;
      return containers.filter(readable).map((r) => ({ id: r.id, cgroupPath: `/docker/${r.id}`, timestampMs: 0 }));
    },
  };
  return c satisfies StatsCollector;
}

function sampler(primary: StatsCollector, fallback: StatsCollector, running: () => ContainerRecord[]) {
  const self = new SelfStats();
  const s = new StatsSampler({
    collector: primary,
    fallback,
    running,
    store: new SampleStore(),
    self,
    logger,
    intervalMs: 1000,
  });
  return { s, self };
}

describe('the sampler falls back to the Engine API collector', () => {
  it('when the cgroup collector finds none of the containers that still run, pass after pass', async () => {
    const web = record('web');
    const cgroup = collector('cgroup-v1', () => false);
    const api = collector('api', () => true);
    const { s, self } = sampler(cgroup, api, () => [web]);
    for (let i = 1; i < MISSES_BEFORE_FALLBACK; i++) await s.runOnce();
    expect(self.collector).toBe('cgroup-v1');
    await s.runOnce();
    expect(self.collector).toBe('api');
    expect(s.current).toBe(api);
    expect(api.passes).toBe(1);
  });

  it('not when the containers stopped while the pass read them (their cgroups went with them)', async () => {
    let running = [record('short-lived')];
    const cgroup = collector('cgroup-v1', () => false);
    const api = collector('api', () => true);
    const { s, self } = sampler(cgroup, api, () => running);
    const passes = MISSES_BEFORE_FALLBACK * 2;
    // Each pass is given a container that is gone (cgroup and all) by the time the pass ends; the next one started.
    cgroup.collect = async () => {
      cgroup.passes++;
      running = [record(`next-${cgroup.passes}`)];
      return [];
    };
    for (let i = 0; i < passes; i++) await s.runOnce();
    expect(cgroup.passes).toBe(passes);
    expect(self.collector).toBe('cgroup-v1');
  });

  it('not when a pass in between finds a container: only misses in a row count', async () => {
    const web = record('web');
    let found = false;
    const cgroup = collector('cgroup-v1', () => found);
    const api = collector('api', () => true);
    const { s, self } = sampler(cgroup, api, () => [web]);
    for (let round = 0; round < 3; round++) {
      for (let i = 1; i < MISSES_BEFORE_FALLBACK; i++) await s.runOnce();
      found = true;
      await s.runOnce();
      found = false;
    }
    expect(self.collector).toBe('cgroup-v1');
  });
});
