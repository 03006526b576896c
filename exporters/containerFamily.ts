import type { ContainerSample } from '../agent/stats/containerSample';
import type { RootSample } from '../agent/stats/rootSample';
import type { ContainerView, SampledContainer } from './containerView';
import type { MetricFamily, SeriesValue } from './metricFamily';

/** Adds one series: its value and the labels beyond the container's (interface, device, cpu), if any. */
export type PushSeries = (labels: Record<string, string> | undefined, value: number) => void;

/**
 * A family with any number of series per sampled container, each with optional extra labels (interface, device,
 * cpu), and, with `pickRoot`, series of the root container `/` after them.
 */
export function perContainerMulti(
  view: ContainerView,
  name: string,
  help: string,
  type: MetricFamily['type'],
  pick: (c: SampledContainer, push: PushSeries) => void,
  pickRoot?: (root: RootSample, push: PushSeries) => void,
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
      const root = pickRoot && view.root();
      if (root) {
        pickRoot(root.sample, (labels, value) =>
          out.push(labels ? { value, labels, sharedLabels: root.labels } : { value, sharedLabels: root.labels }),
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
  pickRoot?: (root: RootSample) => number | undefined,
): MetricFamily {
  return perContainerMulti(
    view,
    name,
    help,
    type,
    (c, push) => {
      const value = pick(c);
      if (value !== undefined) push(undefined, value);
    },
    pickRoot &&
      ((root, push) => {
        const value = pickRoot(root);
        if (value !== undefined) push(undefined, value);
      }),
  );
}

/** A family read from the samples alone, with the same series for every container and the root container. */
export function perSampleMulti(
  view: ContainerView,
  name: string,
  help: string,
  type: MetricFamily['type'],
  pick: (s: ContainerSample, push: PushSeries) => void,
): MetricFamily {
  return perContainerMulti(view, name, help, type, (c, push) => pick(c.sample, push), pick);
}

/** A family with one series per sample, containers and root alike; samples without a value are skipped. */
export function perSample(
  view: ContainerView,
  name: string,
  help: string,
  type: MetricFamily['type'],
  pick: (s: ContainerSample) => number | undefined,
): MetricFamily {
  return perContainer(view, name, help, type, (c) => pick(c.sample), pick);
}
