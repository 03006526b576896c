import type { StatsCollector } from './statsCollector';

/** How the collector was picked, for the log. */
export type CollectorChoice = { collector: StatsCollector; fallback?: StatsCollector; reason: string };

/** Inputs of the choice, with the collectors' constructors injected. */
export type ChoiceInputs = {
  mode: 'auto' | 'cgroup' | 'api';
  cgroupRoot: string;
  /** cgroup version found under cgroupRoot, undefined when none is reachable. */
  cgroupVersion: 1 | 2 | undefined;
  /** The engine runs on this machine (unix socket or loopback), so its cgroup files are ours. */
  engineIsLocal: boolean;
  cgroup: (version: 1 | 2) => StatsCollector;
  api: () => StatsCollector;
};

/**
 * Picks the stats collector: cgroup files when they are reachable and the engine is local (fast), else the Engine
 * API. `auto` keeps the API collector as a fallback in case the cgroup files hold none of the containers (e.g. a
 * cgroup root of another machine); a forced `cgroup` without a reachable hierarchy is an error.
 */
export function chooseCollector(i: ChoiceInputs): CollectorChoice {
  if (i.mode === 'api') return { collector: i.api(), reason: 'stats.collector is api' };
  if (i.mode === 'cgroup') {
    if (!i.cgroupVersion) {
      throw new Error(`stats.collector is cgroup but no cgroup v1 or v2 hierarchy is readable at ${i.cgroupRoot}`);
    }
    return { collector: i.cgroup(i.cgroupVersion), reason: 'stats.collector is cgroup' };
  }
  if (!i.cgroupVersion) return { collector: i.api(), reason: `no cgroup hierarchy readable at ${i.cgroupRoot}` };
  if (!i.engineIsLocal) return { collector: i.api(), reason: 'the engine is on another machine' };
  return {
    collector: i.cgroup(i.cgroupVersion),
    fallback: i.api(),
    reason: `cgroup v${i.cgroupVersion} hierarchy at ${i.cgroupRoot}`,
  };
}
