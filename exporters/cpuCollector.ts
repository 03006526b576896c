import { perContainer, perSample, perSampleMulti } from './containerFamily';
import type { ContainerView, SampledContainer } from './containerView';
import type { MetricFamily } from './metricFamily';

const TOTAL = Object.freeze({ cpu: 'total' });

/** Whether cAdvisor exports a container's CFS families: only with a CPU quota (the root has none). */
const hasQuota = (c: SampledContainer) => c.record.spec.cpuQuota !== undefined;

/** cAdvisor's CPU families, root container included; the CFS ones only for containers with a CPU quota, as cAdvisor. */
export function cpuFamilies(view: ContainerView): MetricFamily[] {
  const cfs = (name: string, help: string, pick: (c: SampledContainer) => number | undefined) =>
    perContainer(view, name, help, 'counter', (c) => (hasQuota(c) ? pick(c) : undefined));
  return [
    perSampleMulti(
      view,
      'container_cpu_usage_seconds_total',
      'Cumulative cpu time consumed in seconds.',
      'counter',
      (s, push) => {
        if (s.cpu) push(TOTAL, s.cpu.usageSeconds);
      },
    ),
    perSample(
      view,
      'container_cpu_user_seconds_total',
      'Cumulative user cpu time consumed in seconds.',
      'counter',
      (s) => s.cpu?.userSeconds,
    ),
    perSample(
      view,
      'container_cpu_system_seconds_total',
      'Cumulative system cpu time consumed in seconds.',
      'counter',
      (s) => s.cpu?.systemSeconds,
    ),
    cfs(
      'container_cpu_cfs_periods_total',
      'Number of elapsed enforcement period intervals.',
      (c) => c.sample.cpu?.cfsPeriods,
    ),
    cfs(
      'container_cpu_cfs_throttled_periods_total',
      'Number of throttled period intervals.',
      (c) => c.sample.cpu?.cfsThrottledPeriods,
    ),
    cfs(
      'container_cpu_cfs_throttled_seconds_total',
      'Total time duration the container has been throttled.',
      (c) => c.sample.cpu?.cfsThrottledSeconds,
    ),
    cfs(
      'container_cpu_cfs_burst_periods_total',
      'Number of periods when burst occurs.',
      (c) => c.sample.cpu?.cfsBurstPeriods,
    ),
    cfs(
      'container_cpu_cfs_burst_seconds_total',
      'Total time duration the container has been bursted.',
      (c) => c.sample.cpu?.cfsBurstSeconds,
    ),
  ];
}
