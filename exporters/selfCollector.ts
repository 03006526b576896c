import type { SelfStats } from '../agent/selfStats';
import type { MetricFamily } from './metricFamily';

/** The agent's own cost: sampling passes, scrapes, engine API errors, and the standard process_* figures. */
export function selfFamilies(self: SelfStats, startTimeSeconds: number): MetricFamily[] {
  const perCollector =
    (pick: (t: { lastSeconds: number; totalSeconds: number; count: number; containers: number }) => number) => () =>
      [...self.collections].map(([collector, t]) => ({ value: pick(t), labels: { collector } }));
  return [
    {
      name: 'dockwatch_stats_collector_info',
      help: 'The stats collector in use (cgroup-v1, cgroup-v2 or api); always 1.',
      type: 'gauge',
      collect: () => (self.collector ? [{ value: 1, labels: { collector: self.collector } }] : []),
    },
    {
      name: 'dockwatch_collection_duration_seconds',
      help: 'Duration of the last sampling pass over all running containers.',
      type: 'gauge',
      collect: perCollector((t) => t.lastSeconds),
    },
    {
      name: 'dockwatch_collection_seconds_total',
      help: 'Total time spent in sampling passes.',
      type: 'counter',
      collect: perCollector((t) => t.totalSeconds),
    },
    {
      name: 'dockwatch_collections_total',
      help: 'Sampling passes completed.',
      type: 'counter',
      collect: perCollector((t) => t.count),
    },
    {
      name: 'dockwatch_collected_containers',
      help: 'Containers sampled by the last pass.',
      type: 'gauge',
      collect: perCollector((t) => t.containers),
    },
    {
      name: 'dockwatch_scrape_duration_seconds',
      help: 'Duration of the previous /metrics render.',
      type: 'gauge',
      collect: () => [{ value: self.scrapes.lastSeconds }],
    },
    {
      name: 'dockwatch_scrapes_total',
      help: '/metrics renders served.',
      type: 'counter',
      collect: () => [{ value: self.scrapes.count }],
    },
    {
      name: 'dockwatch_engine_api_errors_total',
      help: 'Failed Docker engine requests, by operation.',
      type: 'counter',
      collect: () => [...self.apiErrors].map(([operation, value]) => ({ value, labels: { operation } })),
    },
    {
      name: 'process_cpu_seconds_total',
      help: 'Total user and system CPU time spent in seconds.',
      type: 'counter',
      collect: () => {
        const u = process.cpuUsage();
        return [{ value: (u.user + u.system) / 1e6 }];
      },
    },
    {
      name: 'process_resident_memory_bytes',
      help: 'Resident memory size in bytes.',
      type: 'gauge',
      collect: () => [{ value: process.memoryUsage.rss() }],
    },
    {
      name: 'process_start_time_seconds',
      help: 'Start time of the process since unix epoch in seconds.',
      type: 'gauge',
      collect: () => [{ value: startTimeSeconds }],
    },
  ];
}
