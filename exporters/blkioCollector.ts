import type { EngineResources } from '../agent/engine/engineResources';
import type { BlockDeviceSample } from '../agent/stats/containerSample';
import { perContainer, perContainerMulti } from './containerFamily';
import type { ContainerView } from './containerView';
import type { MetricFamily } from './metricFamily';

const FIELDS: [keyof BlockDeviceSample, string, string][] = [
  ['readBytes', 'container_fs_reads_bytes_total', 'Cumulative count of bytes read'],
  ['writeBytes', 'container_fs_writes_bytes_total', 'Cumulative count of bytes written'],
  ['reads', 'container_fs_reads_total', 'Cumulative count of reads completed'],
  ['writes', 'container_fs_writes_total', 'Cumulative count of writes completed'],
];

/** cAdvisor's block IO families per device, and the writable layer's size. */
export function blkioFamilies(view: ContainerView, resources: EngineResources): MetricFamily[] {
  return [
    ...FIELDS.map(([field, name, help]) =>
      perContainerMulti(view, name, help, 'counter', (c, push) => {
        for (const d of c.sample.blkio ?? []) push({ device: d.device }, d[field] as number);
      }),
    ),
    perContainer(
      view,
      'container_fs_usage_bytes',
      'Number of bytes that are consumed by the container on this filesystem.',
      'gauge',
      (c) => resources.fsUsageBytes(c.record.id),
    ),
  ];
}
