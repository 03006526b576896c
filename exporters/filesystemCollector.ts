import type { EngineResources } from '../agent/engine/engineResources';
import type { DiskIoCounters } from '../agent/host/diskStats';
import type { FilesystemSample } from '../agent/host/hostFilesystemReader';
import type { RootSample } from '../agent/stats/rootSample';
import { perContainerMulti } from './containerFamily';
import type { ContainerView } from './containerView';
import { DeviceLabels } from './deviceLabels';
import type { MetricFamily } from './metricFamily';

/** The diskstats-based families cAdvisor exports per filesystem of the root container (kernel times are in ms). */
const DISK_IO: [string, string, MetricFamily['type'], (io: DiskIoCounters) => number][] = [
  ['container_fs_sector_reads_total', 'Cumulative count of sector reads completed', 'counter', (io) => io.sectorsRead],
  ['container_fs_reads_merged_total', 'Cumulative count of reads merged', 'counter', (io) => io.readsMerged],
  ['container_fs_read_seconds_total', 'Cumulative count of seconds spent reading', 'counter', (io) => io.readMs / 1000],
  [
    'container_fs_sector_writes_total',
    'Cumulative count of sector writes completed',
    'counter',
    (io) => io.sectorsWritten,
  ],
  ['container_fs_writes_merged_total', 'Cumulative count of writes merged', 'counter', (io) => io.writesMerged],
  [
    'container_fs_write_seconds_total',
    'Cumulative count of seconds spent writing',
    'counter',
    (io) => io.writeMs / 1000,
  ],
  ['container_fs_io_current', 'Number of I/Os currently in progress', 'gauge', (io) => io.ioInProgress],
  [
    'container_fs_io_time_seconds_total',
    'Cumulative count of seconds spent doing I/Os',
    'counter',
    (io) => io.ioMs / 1000,
  ],
  [
    'container_fs_io_time_weighted_seconds_total',
    'Cumulative weighted I/O time in seconds',
    'counter',
    (io) => io.weightedIoMs / 1000,
  ],
];

/** The filesystem holding the engine's data root, where the containers' writable layers live, if known. */
function dataRootFilesystem(root: RootSample | undefined): FilesystemSample | undefined {
  const device = root?.dataRootDevice;
  return device === undefined ? undefined : root?.filesystems?.find((f) => f.device === device);
}

/**
 * cAdvisor's filesystem families. Containers: the writable layer's size (`docker ps --size`, refreshed every
 * `stats.fsUsageInterval`) and, as cAdvisor, the size of the filesystem holding it as their limit, both labelled
 * with that filesystem's device once the root container found it. The root container: each host filesystem by
 * device (size, use, inodes) and its block device's counters from diskstats.
 */
export function filesystemFamilies(view: ContainerView, resources: EngineResources): MetricFamily[] {
  const devices = new DeviceLabels();
  const perFilesystem = (
    name: string,
    help: string,
    type: MetricFamily['type'],
    pick: (f: FilesystemSample) => number | undefined,
  ) =>
    perContainerMulti(
      view,
      name,
      help,
      type,
      () => undefined,
      (root, push) => {
        for (const f of root.filesystems ?? []) {
          const value = pick(f);
          if (value !== undefined) push(devices.of(f.device), value);
        }
      },
    );
  return [
    perContainerMulti(
      view,
      'container_fs_usage_bytes',
      'Number of bytes that are consumed by the container on this filesystem.',
      'gauge',
      (c, push) => {
        const bytes = resources.fsUsageBytes(c.record.id);
        if (bytes === undefined) return;
        const device = view.root()?.sample.dataRootDevice;
        push(device === undefined ? undefined : devices.of(device), bytes);
      },
      (root, push) => {
        for (const f of root.filesystems ?? []) push(devices.of(f.device), f.usageBytes);
      },
    ),
    perContainerMulti(
      view,
      'container_fs_limit_bytes',
      'Number of bytes that can be consumed by the container on this filesystem.',
      'gauge',
      (_, push) => {
        const fs = dataRootFilesystem(view.root()?.sample);
        if (fs) push(devices.of(fs.device), fs.limitBytes);
      },
      (root, push) => {
        for (const f of root.filesystems ?? []) push(devices.of(f.device), f.limitBytes);
      },
    ),
    // cAdvisor types it gauge, which with `_total` fails `promtool check metrics`; the count only grows with a resize.
    perFilesystem('container_fs_inodes_total', 'Number of Inodes', 'counter', (f) => f.inodes),
    perFilesystem('container_fs_inodes_free', 'Number of available Inodes', 'gauge', (f) => f.inodesFree),
    ...DISK_IO.map(([name, help, type, pick]) => perFilesystem(name, help, type, (f) => f.io && pick(f.io))),
  ];
}
