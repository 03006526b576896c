import {
  DISK_USAGE_TYPES,
  imageRefs,
  imageStateCounts,
  type DiskUsageReport,
  type ImageState,
} from '../agent/images/diskUsage';
import type { MetricFamily } from './metricFamily';

/** Where the image families read from: the agent's last disk usage report (none before the first reading). */
export type DiskUsageSource = { readonly latest: DiskUsageReport | undefined };

const STATES: readonly ImageState[] = ['in_use', 'unused', 'dangling'];

/**
 * Images and disk use from the last `system df` reading the agent made on its own schedule (`images.usageInterval`);
 * never read at scrape time. No series before the first reading; after a failed one, the last figures stay.
 */
export function imageFamilies(source: DiskUsageSource): MetricFamily[] {
  const each =
    <T>(fn: (r: DiskUsageReport) => T[]) =>
    () =>
      source.latest ? fn(source.latest) : [];
  return [
    {
      name: 'dockwatch_image_size_bytes',
      help: 'Size of an image (all its layers, shared ones included), per repository:tag (<none>:<none> if untagged).',
      type: 'gauge',
      collect: each((r) =>
        r.images.flatMap((i) =>
          imageRefs(i).map((image) => ({
            value: i.sizeBytes,
            labels: { image, id: i.id.replace(/^sha256:/, '').slice(0, 12) },
          })),
        ),
      ),
    },
    {
      name: 'dockwatch_images',
      help: 'Images the engine holds: in_use by a container, unused (tagged) or dangling (untagged and unused).',
      type: 'gauge',
      collect: each((r) => {
        const counts = imageStateCounts(r.images);
        return STATES.map((state) => ({ value: counts[state], labels: { state } }));
      }),
    },
    {
      name: 'dockwatch_disk_usage_bytes',
      help: 'Disk used by images (layers, once each), containers (writable layers), volumes and build cache.',
      type: 'gauge',
      collect: each((r) => DISK_USAGE_TYPES.map((type) => ({ value: r.totals[type].sizeBytes, labels: { type } }))),
    },
    {
      name: 'dockwatch_disk_reclaimable_bytes',
      help: 'Of dockwatch_disk_usage_bytes, what a prune could free (as docker system df counts it).',
      type: 'gauge',
      collect: each((r) =>
        DISK_USAGE_TYPES.map((type) => ({ value: r.totals[type].reclaimableBytes, labels: { type } })),
      ),
    },
    {
      name: 'dockwatch_disk_usage_read_timestamp_seconds',
      help: 'When the disk usage figures were last read from the engine (unix time).',
      type: 'gauge',
      collect: each((r) => [{ value: r.takenAt / 1000 }]),
    },
  ];
}
