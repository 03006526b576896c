import type { ContainerView, SampledContainer } from './containerView';
import type { MetricFamily, SeriesValue } from './metricFamily';

/** A family with any number of series per sampled container, each with optional extra labels (interface, device, cpu). */
export function perContainerMulti(
  view: ContainerView,
  name: string,
  help: string,
  type: MetricFamily['type'],
  pick: (c: SampledContainer, push: (labels: Record<string, string> | undefined, value: number) => void) => void,
): MetricFamily {
  return {
    name,
    help,
    type,
    collect() {
      const out: SeriesValue[] = [];
      for (const c of view.sampled()) {
        pick(c, (labels, value) =>
          out.push(labels ? { value, labels, sharedLabels: c.labels } : { value, sharedLabels: c.labels }),
        );
      }
      return out;
    },
  };
}

/** A family with one series per sampled container (base labels only); containers without a value are skipped. */
export function perContainer(
  view: ContainerView,
  name: string,
  help: string,
  type: MetricFamily['type'],
  pick: (c: SampledContainer) => number | undefined,
): MetricFamily {
  return perContainerMulti(view, name, help, type, (c, push) => {
    const value = pick(c);
    if (value !== undefined) push(undefined, value);
  });
}
