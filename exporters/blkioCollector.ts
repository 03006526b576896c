import type { BlockDeviceSample } from '../agent/stats/containerSample';
import type { RootSample } from '../agent/stats/rootSample';
import { perSampleMulti, perContainerMulti, type PushSeries } from './containerFamily';
import type { ContainerView } from './containerView';
import { DeviceLabels } from './deviceLabels';
import type { MetricFamily } from './metricFamily';

/** Per-device IO counts of the cgroup; for the root also its filesystems' devices the root cgroup does not list. */
const COUNTS: ['reads' | 'writes', string, string][] = [
  ['reads', 'container_fs_reads_total', 'Cumulative count of reads completed'],
  ['writes', 'container_fs_writes_total', 'Cumulative count of writes completed'],
];

const BYTES: ['readBytes' | 'writeBytes', string, string][] = [
  ['readBytes', 'container_fs_reads_bytes_total', 'Cumulative count of bytes read'],
  ['writeBytes', 'container_fs_writes_bytes_total', 'Cumulative count of bytes written'],
];

/** `{device, major, minor, operation}` label sets, made once per device and operation. */
class UsageLabels {
  private readonly cache = new Map<string, Readonly<Record<string, string>>>();

  of(device: string, majorMinor: string, operation: string): Readonly<Record<string, string>> {
    const key = `${device}\u0000${majorMinor}\u0000${operation}`;
    let labels = this.cache.get(key);
    if (!labels) {
      const [major = '', minor = ''] = majorMinor.split(':');
      this.cache.set(key, (labels = Object.freeze({ device, major, minor, operation })));
    }
    return labels;
  }
}

/**
 * cAdvisor's block IO families per device, from the cgroup's blkio (v1) or io.stat (v2) counters, for every
 * container and the root; the root's read and write counts also cover its filesystems' devices from diskstats, as
 * cAdvisor's do (a device the root cgroup already lists is not repeated).
 */
export function blkioFamilies(view: ContainerView): MetricFamily[] {
  const devices = new DeviceLabels();
  const usage = new UsageLabels();
  const pushDevices = (
    list: readonly BlockDeviceSample[] | undefined,
    field: keyof BlockDeviceSample,
    push: PushSeries,
  ) => {
    for (const d of list ?? []) push(devices.of(d.device), d[field] as number);
  };
  return [
    ...BYTES.map(([field, name, help]) =>
      perSampleMulti(view, name, help, 'counter', (s, push) => pushDevices(s.blkio, field, push)),
    ),
    ...COUNTS.map(([field, name, help]) =>
      perContainerMulti(
        view,
        name,
        help,
        'counter',
        (c, push) => pushDevices(c.sample.blkio, field, push),
        (root: RootSample, push) => {
          pushDevices(root.blkio, field, push);
          const listed = new Set((root.blkio ?? []).map((d) => d.device));
          for (const fs of root.filesystems ?? []) {
            if (fs.io && !listed.has(fs.device)) push(devices.of(fs.device), fs.io[field]);
          }
        },
      ),
    ),
    perSampleMulti(view, 'container_blkio_device_usage_total', 'Blkio Device bytes usage', 'counter', (s, push) => {
      for (const d of s.blkio ?? []) {
        if (d.majorMinor === undefined) continue;
        for (const [operation, value] of d.byteOps ?? []) push(usage.of(d.device, d.majorMinor, operation), value);
      }
    }),
  ];
}
