import { Registry, type OpenMetricsContentType } from 'prom-client';
import type { MetricFamily } from './metricFamily';

/** The two expositions dockwatch serves, built on prom-client registries holding the same families. */
export type MetricsRegistries = { prometheus: Registry; openMetrics: Registry<OpenMetricsContentType> };

/** A prom-client metric object backed by a family; one per registry, since OpenMetrics renames counters in place. */
function registryMetric(family: MetricFamily) {
  const metric = {
    name: family.name,
    help: family.help,
    type: family.type,
    aggregator: 'sum' as const,
    get: async () => ({
      name: metric.name,
      help: family.help,
      type: family.type,
      aggregator: 'sum' as const,
      values: family.collect(),
    }),
    reset: () => undefined,
  };
  return metric;
}

/** Registers every family in a fresh Prometheus-text registry and a fresh OpenMetrics registry. */
export function buildRegistries(families: readonly MetricFamily[]): MetricsRegistries {
  const prometheus = new Registry();
  const openMetrics = new Registry<OpenMetricsContentType>();
  openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  for (const f of families) {
    prometheus.registerMetric(registryMetric(f) as never);
    openMetrics.registerMetric(registryMetric(f) as never);
  }
  return { prometheus, openMetrics };
}
