import { perContainer } from './containerFamily';
import type { ContainerView } from './containerView';
import type { MetricFamily } from './metricFamily';

/** cAdvisor's spec, process and time families of each running container. */
export function specFamilies(view: ContainerView): MetricFamily[] {
  return [
    perContainer(
      view,
      'container_spec_cpu_period',
      'CPU period of the container.',
      'gauge',
      (c) => c.record.spec.cpuPeriod,
    ),
    perContainer(
      view,
      'container_spec_cpu_quota',
      'CPU quota of the container.',
      'gauge',
      (c) => c.record.spec.cpuQuota,
    ),
    perContainer(
      view,
      'container_spec_cpu_shares',
      'CPU share of the container.',
      'gauge',
      (c) => c.record.spec.cpuShares,
    ),
    perContainer(
      view,
      'container_spec_memory_limit_bytes',
      'Memory limit for the container.',
      'gauge',
      (c) => c.record.spec.memoryLimitBytes,
    ),
    perContainer(
      view,
      'container_start_time_seconds',
      'Start time of the container since unix epoch in seconds.',
      'gauge',
      (c) => c.record.startedAt,
    ),
    perContainer(view, 'container_last_seen', 'Last time a container was seen by the exporter', 'gauge', (c) =>
      Math.floor(c.sample.timestampMs / 1000),
    ),
    perContainer(
      view,
      'container_processes',
      'Number of processes running inside the container.',
      'gauge',
      (c) => c.sample.processes,
    ),
    perContainer(
      view,
      'container_threads',
      'Number of threads running inside the container',
      'gauge',
      (c) => c.sample.threads,
    ),
  ];
}
