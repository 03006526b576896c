import { perContainer, perContainerMulti } from './containerFamily';
import type { ContainerView } from './containerView';
import type { MetricFamily } from './metricFamily';

const TOTAL = Object.freeze({ cpu: 'total' });

/** cAdvisor's CPU families; the CFS ones only for containers with a CPU quota, as cAdvisor does. */
export function cpuFamilies(view: ContainerView): MetricFamily[] {
  const quota = (c: { record: { spec: { cpuQuota?: number } } }) => c.record.spec.cpuQuota !== undefined;
  return [
    perContainerMulti(
      view,
      'container_cpu_usage_seconds_total',
      'Cumulative cpu time consumed in seconds.',
      'counter',
      (c, push) => {
        if (c.sample.cpu) push(TOTAL, c.sample.cpu.usageSeconds);
      },
    ),
    perContainer(
      view,
      'container_cpu_user_seconds_total',
      'Cumulative user cpu time consumed in seconds.',
      'counter',
      (c) => c.sample.cpu?.userSeconds,
    ),
    perContainer(
      view,
      'container_cpu_system_seconds_total',
      'Cumulative system cpu time consumed in seconds.',
      'counter',
      (c) => c.sample.cpu?.systemSeconds,
    ),
    perContainer(
      view,
      'container_cpu_cfs_periods_total',
      'Number of elapsed enforcement period intervals.',
      'counter',
      (c) => (quota(c) ? c.sample.cpu?.cfsPeriods : undefined),
    ),
    perContainer(
      view,
      'container_cpu_cfs_throttled_periods_total',
      'Number of throttled period intervals.',
      'counter',
      (c) => (quota(c) ? c.sample.cpu?.cfsThrottledPeriods : undefined),
    ),
    perContainer(
      view,
      'container_cpu_cfs_throttled_seconds_total',
      'Total time duration the container has been throttled.',
      'counter',
      (c) => (quota(c) ? c.sample.cpu?.cfsThrottledSeconds : undefined),
    ),
  ];
}
