import type { ContainerView, SampledContainer } from './containerView';
import type { MetricFamily, SeriesValue } from './metricFamily';

/** A family with one series per sampled container (base labels only); containers without a value are skipped. */
export function perContainer(
  view: ContainerView,
  name: string,
  help: string,
  type: MetricFamily['type'],
  pick: (c: SampledContainer) => number | undefined,
): MetricFamily {
  return {
    name,
    help,
    type,
    collect() {
      const out: SeriesValue[] = [];
      for (const c of view.sampled()) {
        const value = pick(c);
        if (value !== undefined) out.push({ value, sharedLabels: c.labels });
      }
      return out;
    },
  };
}

/** A family with several series per sampled container, each with extra labels (interface, device, cpu). */
export function perContainerMulti(
  view: ContainerView,
  name: string,
  help: string,
  type: MetricFamily['type'],
  pick: (c: SampledContainer, push: (labels: Record<string, string>, value: number) => void) => void,
): MetricFamily {
  return {
    name,
    help,
    type,
    collect() {
      const out: SeriesValue[] = [];
      for (const c of view.sampled()) {
        pick(c, (labels, value) => out.push({ value, labels, sharedLabels: c.labels }));
      }
      return out;
    },
  };
}
