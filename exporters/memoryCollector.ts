import type { EventCounters } from '../agent/engine/eventCounters';
import { perContainer } from './containerFamily';
import type { ContainerView } from './containerView';
import type { MetricFamily } from './metricFamily';

/** cAdvisor's memory families, and OOM events (the cgroup's own count, or the engine's oom events if higher). */
export function memoryFamilies(view: ContainerView, events: EventCounters): MetricFamily[] {
  return [
    perContainer(
      view,
      'container_memory_usage_bytes',
      'Current memory usage in bytes, including all memory regardless of when it was accessed',
      'gauge',
      (c) => c.sample.memory?.usageBytes,
    ),
    perContainer(
      view,
      'container_memory_working_set_bytes',
      'Current working set in bytes.',
      'gauge',
      (c) => c.sample.memory?.workingSetBytes,
    ),
    perContainer(view, 'container_memory_rss', 'Size of RSS in bytes.', 'gauge', (c) => c.sample.memory?.rssBytes),
    perContainer(
      view,
      'container_memory_cache',
      'Number of bytes of page cache memory.',
      'gauge',
      (c) => c.sample.memory?.cacheBytes,
    ),
    perContainer(
      view,
      'container_memory_swap',
      'Container swap usage in bytes.',
      'gauge',
      (c) => c.sample.memory?.swapBytes,
    ),
    perContainer(
      view,
      'container_memory_failcnt',
      'Number of memory usage hits limits',
      // cAdvisor calls it a counter, but a counter without _total is invalid OpenMetrics and would be renamed.
      'gauge',
      (c) => c.sample.memory?.failcnt,
    ),
    perContainer(
      view,
      'container_oom_events_total',
      'Count of out of memory events observed for the container',
      'counter',
      (c) => Math.max(c.sample.memory?.oomKills ?? 0, events.oomEvents(c.record.id)),
    ),
  ];
}
