import type { HealthState } from '../agent/inventory/containerRecord';
import { perContainer, perSample } from './containerFamily';
import type { ContainerView } from './containerView';
import type { MetricFamily } from './metricFamily';

/** cAdvisor's container_health_state: 1 healthy, -1 without a health check (the root too), 0 starting or unhealthy. */
function healthValue(health: HealthState): number {
  if (health === 'healthy') return 1;
  return health === 'none' ? -1 : 0;
}

/** cAdvisor's spec, process, health and time families of each running container and of the root container. */
export function specFamilies(view: ContainerView): MetricFamily[] {
  return [
    perContainer(
      view,
      'container_spec_cpu_period',
      'CPU period of the container.',
      'gauge',
      (c) => c.record.spec.cpuPeriod,
      (root) => root.spec.cpuPeriod,
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
      (root) => root.spec.cpuShares,
    ),
    perContainer(
      view,
      'container_spec_memory_limit_bytes',
      'Memory limit for the container.',
      'gauge',
      (c) => c.record.spec.memoryLimitBytes,
      (root) => root.spec.memoryLimitBytes,
    ),
    perContainer(
      view,
      'container_spec_memory_reservation_limit_bytes',
      'Memory reservation limit for the container.',
      'gauge',
      (c) => c.record.spec.memoryReservationBytes,
      (root) => root.spec.memoryReservationBytes,
    ),
    perContainer(
      view,
      'container_spec_memory_swap_limit_bytes',
      'Memory swap limit for the container.',
      'gauge',
      (c) => c.record.spec.memorySwapLimitBytes,
      (root) => root.spec.memorySwapLimitBytes,
    ),
    perContainer(
      view,
      'container_start_time_seconds',
      'Start time of the container since unix epoch in seconds.',
      'gauge',
      (c) => c.record.startedAt,
      (root) => root.startTimeSeconds,
    ),
    perSample(view, 'container_last_seen', 'Last time a container was seen by the exporter', 'gauge', (s) =>
      Math.floor(s.timestampMs / 1000),
    ),
    perContainer(
      view,
      'container_health_state',
      "The result of the container's health check",
      'gauge',
      (c) => healthValue(c.record.health),
      () => -1,
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
