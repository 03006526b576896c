import type { EventCounters } from '../agent/engine/eventCounters';
import { perContainer, perSample, perSampleMulti } from './containerFamily';
import type { ContainerView } from './containerView';
import type { MetricFamily } from './metricFamily';

const FAILURES = {
  pgfaultContainer: Object.freeze({ failure_type: 'pgfault', scope: 'container' }),
  pgmajfaultContainer: Object.freeze({ failure_type: 'pgmajfault', scope: 'container' }),
  pgfaultHierarchy: Object.freeze({ failure_type: 'pgfault', scope: 'hierarchy' }),
  pgmajfaultHierarchy: Object.freeze({ failure_type: 'pgmajfault', scope: 'hierarchy' }),
};

/**
 * cAdvisor's memory families, root container included, and the containers' OOM events (the cgroup's own count, or
 * the engine's oom events if higher).
 */
export function memoryFamilies(view: ContainerView, events: EventCounters): MetricFamily[] {
  return [
    perSample(
      view,
      'container_memory_usage_bytes',
      'Current memory usage in bytes, including all memory regardless of when it was accessed',
      'gauge',
      (s) => s.memory?.usageBytes,
    ),
    perSample(
      view,
      'container_memory_max_usage_bytes',
      'Maximum memory usage recorded in bytes',
      'gauge',
      (s) => s.memory?.maxUsageBytes,
    ),
    perSample(
      view,
      'container_memory_working_set_bytes',
      'Current working set in bytes.',
      'gauge',
      (s) => s.memory?.workingSetBytes,
    ),
    perSample(view, 'container_memory_rss', 'Size of RSS in bytes.', 'gauge', (s) => s.memory?.rssBytes),
    perSample(
      view,
      'container_memory_cache',
      'Number of bytes of page cache memory.',
      'gauge',
      (s) => s.memory?.cacheBytes,
    ),
    perSample(
      view,
      'container_memory_mapped_file',
      'Size of memory mapped files in bytes.',
      'gauge',
      (s) => s.memory?.mappedFileBytes,
    ),
    perSample(
      view,
      'container_memory_total_active_file_bytes',
      'Current total active file in bytes.',
      'gauge',
      (s) => s.memory?.activeFileBytes,
    ),
    perSample(
      view,
      'container_memory_total_inactive_file_bytes',
      'Current total inactive file in bytes.',
      'gauge',
      (s) => s.memory?.inactiveFileBytes,
    ),
    perSample(
      view,
      'container_memory_kernel_usage',
      'Size of kernel memory allocated in bytes.',
      'gauge',
      (s) => s.memory?.kernelBytes,
    ),
    perSample(view, 'container_memory_swap', 'Container swap usage in bytes.', 'gauge', (s) => s.memory?.swapBytes),
    perSample(
      view,
      'container_memory_failcnt',
      'Number of memory usage hits limits',
      // cAdvisor calls it a counter, but a counter without _total is invalid OpenMetrics and would be renamed.
      'gauge',
      (s) => s.memory?.failcnt,
    ),
    // As cAdvisor: both scopes come from the cgroup's own pgfault and pgmajfault.
    perSampleMulti(
      view,
      'container_memory_failures_total',
      'Cumulative count of memory allocation failures.',
      'counter',
      (s, push) => {
        const m = s.memory;
        if (m?.pgfault === undefined || m.pgmajfault === undefined) return;
        push(FAILURES.pgfaultContainer, m.pgfault);
        push(FAILURES.pgmajfaultContainer, m.pgmajfault);
        push(FAILURES.pgfaultHierarchy, m.pgfault);
        push(FAILURES.pgmajfaultHierarchy, m.pgmajfault);
      },
    ),
    // Not for the root: its cgroup counts every OOM kill of the machine (the containers' too), where cAdvisor counts
    // only those of processes in the root cgroup itself; a root series would double every container's OOM alert.
    perContainer(
      view,
      'container_oom_events_total',
      'Count of out of memory events observed for the container',
      'counter',
      (c) => Math.max(c.sample.memory?.oomKills ?? 0, events.oomEvents(c.record.id)),
    ),
  ];
}
