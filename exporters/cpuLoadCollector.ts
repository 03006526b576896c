import { perSample, perSampleMulti } from './containerFamily';
import type { ContainerView } from './containerView';
import type { MetricFamily } from './metricFamily';

/** The task states cAdvisor's load reader counts, in its order. */
const TASK_STATES = ['sleeping', 'running', 'stopped', 'uninterruptible', 'iowaiting'].map((state) =>
  Object.freeze({ state }),
);

/**
 * cAdvisor's cpuLoad families, for every container and the root. cAdvisor fills them only with `--enable_load_reader`
 * (a netlink taskstats reader, off by default and unable to work from a container without the host network), and
 * otherwise exports them as 0, which is what dockwatch exports: dashboards and rules that name them find the series.
 * Its `container_cpu_load_d_average_10s` is left out: `promtool check metrics` rejects the name (a `d` unit).
 */
export function cpuLoadFamilies(view: ContainerView): MetricFamily[] {
  return [
    perSample(
      view,
      'container_cpu_load_average_10s',
      'Value of container cpu load average over the last 10 seconds.',
      'gauge',
      () => 0,
    ),
    perSampleMulti(view, 'container_tasks_state', 'Number of tasks in given state', 'gauge', (_, push) => {
      for (const labels of TASK_STATES) push(labels, 0);
    }),
  ];
}
