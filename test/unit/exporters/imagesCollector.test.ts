import { diskUsageReport, type DiskUsageReport } from '../../../agent/images/diskUsage';
import { normaliseDiskUsage } from '../../../agent/images/readDiskUsage';
import { imageFamilies, type DiskUsageSource } from '../../../exporters/imagesCollector';
import { buildRegistries } from '../../../exporters/metricsRegistry';
import { findSeries, parseExposition, valueOf, type Series } from '../../support/exposition';

const report: DiskUsageReport = diskUsageReport(
  normaliseDiskUsage({
    LayersSize: 900,
    Images: [
      { Id: `sha256:${'a'.repeat(64)}`, RepoTags: ['app:1', 'app:latest'], Size: 500, SharedSize: 100, Containers: 1 },
      { Id: `sha256:${'b'.repeat(64)}`, RepoTags: ['dockwatch-keep/web:rev-1'], Size: 300, SharedSize: 100 },
      { Id: `sha256:${'c'.repeat(64)}`, RepoTags: null, Size: 100, SharedSize: 0, Containers: 0 },
    ],
    Containers: [{ Id: 'c1', Names: ['/web'], ImageID: `sha256:${'a'.repeat(64)}`, State: 'running', SizeRw: 40 }],
    Volumes: [{ Name: 'v', UsageData: { Size: 70, RefCount: 0 } }],
    BuildCache: [{ ID: 'b', Size: 11, InUse: false, Shared: false }],
  }),
  1_800_000_000_000,
  () => true,
);

/** Scrapes the image families from a fresh registry, as /metrics would render them. */
async function scrape(source: DiskUsageSource): Promise<{ text: string; series: Series[] }> {
  const { prometheus } = buildRegistries(imageFamilies(source));
  const text = await prometheus.metrics();
  return { text, series: parseExposition(text) };
}

describe('the image and disk usage families', () => {
  it('export nothing before the first reading (dockwatch cannot know yet)', async () => {
    const { series, text } = await scrape({ latest: undefined });
    expect(series).toEqual([]);
    expect(text).toContain('# TYPE dockwatch_disk_usage_bytes gauge');
  });

  it('export each image name with its size and short id, dangling ones as <none>:<none>', async () => {
    const { series } = await scrape({ latest: report });
    expect(findSeries(series, 'dockwatch_image_size_bytes').map((s) => [s.labels.image, s.labels.id, s.value])).toEqual(
      [
        ['app:1', 'aaaaaaaaaaaa', 500],
        ['app:latest', 'aaaaaaaaaaaa', 500],
        ['dockwatch-keep/web:rev-1', 'bbbbbbbbbbbb', 300],
        ['<none>:<none>', 'cccccccccccc', 100],
      ],
    );
  });

  it('count images by state, and disk use and reclaimable bytes by type', async () => {
    const { series } = await scrape({ latest: report });
    expect(valueOf(series, 'dockwatch_images', { state: 'in_use' })).toBe(1);
    expect(valueOf(series, 'dockwatch_images', { state: 'unused' })).toBe(1);
    expect(valueOf(series, 'dockwatch_images', { state: 'dangling' })).toBe(1);
    const bytes = (name: string) => Object.fromEntries(findSeries(series, name).map((s) => [s.labels.type, s.value]));
    expect(bytes('dockwatch_disk_usage_bytes')).toEqual({ images: 900, containers: 40, volumes: 70, build_cache: 11 });
    expect(bytes('dockwatch_disk_reclaimable_bytes')).toEqual({
      images: 500,
      containers: 0,
      volumes: 70,
      build_cache: 11,
    });
    expect(valueOf(series, 'dockwatch_disk_usage_read_timestamp_seconds')).toBe(1_800_000_000);
  });

  it('read the source at every scrape, so a new reading shows and a failed one leaves the last', async () => {
    const source: { latest: DiskUsageReport | undefined } = { latest: report };
    expect(valueOf((await scrape(source)).series, 'dockwatch_images', { state: 'dangling' })).toBe(1);
    source.latest = { ...report, images: report.images.filter((i) => i.state !== 'dangling') };
    expect(valueOf((await scrape(source)).series, 'dockwatch_images', { state: 'dangling' })).toBe(0);
  });
});
