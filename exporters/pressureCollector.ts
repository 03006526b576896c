import type { PressureSample } from '../agent/stats/containerSample';
import { perSample } from './containerFamily';
import type { ContainerView } from './containerView';
import type { MetricFamily } from './metricFamily';

const RESOURCES: [keyof PressureSample, string][] = [
  ['cpu', 'CPU congestion'],
  ['memory', 'memory congestion'],
  ['io', 'IO congestion'],
];

/**
 * cAdvisor's pressure families (PSI) for containers and the root, from the cgroup v2 pressure files: `stalled` is
 * the `full` total (no task could progress), `waiting` the `some` total (some task waited). cgroup v1 has no
 * per-cgroup PSI, so there are no series there (cAdvisor exports zeros).
 */
export function pressureFamilies(view: ContainerView): MetricFamily[] {
  return RESOURCES.flatMap(([key, cause]) => [
    perSample(
      view,
      `container_pressure_${key}_stalled_seconds_total`,
      `Total time duration no tasks in the container could make progress due to ${cause}.`,
      'counter',
      (s) => {
        const totals = s.pressure?.[key];
        return totals && totals.fullUs / 1e6;
      },
    ),
    perSample(
      view,
      `container_pressure_${key}_waiting_seconds_total`,
      `Total time duration tasks in the container have waited due to ${cause}.`,
      'counter',
      (s) => {
        const totals = s.pressure?.[key];
        return totals && totals.someUs / 1e6;
      },
    ),
  ]);
}
