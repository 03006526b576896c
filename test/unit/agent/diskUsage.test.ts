import {
  diskUsageReport,
  imageRefs,
  imageStateCounts,
  isKeepTag,
  reclaimablePercent,
  refMatches,
  selectImages,
  type EngineDiskUsage,
} from '../../../agent/images/diskUsage';
import { normaliseDiskUsage } from '../../../agent/images/readDiskUsage';

const MB = 1_000_000;

/** Four images: app:1 (used by web, running), app:2 (used by old, exited), a kept revision, a dangling one. */
const df: EngineDiskUsage = {
  LayersSize: 100 * MB,
  Images: [
    {
      Id: 'sha256:aaaa',
      RepoTags: ['app:1', 'registry.local/app:1'],
      RepoDigests: [],
      Created: 1_700_000_300,
      Size: 40 * MB,
      SharedSize: 10 * MB,
      Containers: 1,
    },
    {
      Id: 'sha256:bbbb',
      RepoTags: ['app:2'],
      RepoDigests: [],
      Created: 1_700_000_200,
      Size: 30 * MB,
      SharedSize: 10 * MB,
      Containers: 2,
    },
    {
      Id: 'sha256:cccc',
      RepoTags: ['dockwatch-keep/web:rev-3'],
      RepoDigests: [],
      Created: 1_700_000_100,
      Size: 20 * MB,
      SharedSize: 0,
      Containers: 0,
    },
    {
      Id: 'sha256:dddd',
      RepoTags: ['<none>:<none>'],
      RepoDigests: ['<none>@<none>'],
      Created: 1_700_000_000,
      Size: 10 * MB,
      SharedSize: -1,
      Containers: 0,
    },
  ],
  Containers: [
    { Id: 'c1', Names: ['/web'], ImageID: 'sha256:aaaa', State: 'running', SizeRw: 5 * MB, Labels: { team: 'a' } },
    { Id: 'c2', Names: ['/old'], ImageID: 'sha256:bbbb', State: 'exited', SizeRw: 3 * MB, Labels: {} },
    { Id: 'c3', Names: ['/hidden'], ImageID: 'sha256:bbbb', State: 'paused', SizeRw: 1 * MB, Labels: {} },
  ],
  Volumes: [
    { Name: 'data', UsageData: { Size: 7 * MB, RefCount: 1 } },
    { Name: 'orphan', UsageData: { Size: 2 * MB, RefCount: 0 } },
    { Name: 'unsized', UsageData: { Size: -1, RefCount: 0 } },
    { Name: 'nodata', UsageData: null },
  ],
  BuildCache: [
    { ID: 'b1', Size: 4 * MB, InUse: true, Shared: false },
    { ID: 'b2', Size: 6 * MB, InUse: false, Shared: false },
    { ID: 'b3', Size: 50 * MB, InUse: false, Shared: true },
  ],
};

const notHidden = (c: { name: string }) => c.name !== 'hidden';

describe('diskUsageReport', () => {
  const report = diskUsageReport(df, 1234, notHidden);

  it('lists each image with shared and unique size, its watched containers and its state', () => {
    expect(report.takenAt).toBe(1234);
    expect(report.images.map((i) => [i.id, i.sizeBytes, i.sharedBytes, i.uniqueBytes, i.state])).toEqual([
      ['sha256:aaaa', 40 * MB, 10 * MB, 30 * MB, 'in_use'],
      ['sha256:bbbb', 30 * MB, 10 * MB, 20 * MB, 'in_use'],
      ['sha256:cccc', 20 * MB, 0, 20 * MB, 'unused'],
      ['sha256:dddd', 10 * MB, undefined, undefined, 'dangling'],
    ]);
    expect(report.images[1]).toMatchObject({ containers: 2, containerNames: ['old'] });
    expect(report.images[0]?.containerNames).toEqual(['web']);
    expect(report.images[3]).toMatchObject({ tags: [], digestRepos: [] });
  });

  it('totals images as the docker CLI: layers size less the unique size of images in use', () => {
    expect(report.totals.images).toEqual({
      count: 4,
      active: 2,
      sizeBytes: 100 * MB,
      reclaimableBytes: 100 * MB - 30 * MB - 20 * MB,
    });
    expect(reclaimablePercent(report.totals.images)).toBe(50);
  });

  it('totals containers (running, paused and restarting are active), volumes and build cache', () => {
    expect(report.totals.containers).toEqual({ count: 3, active: 2, sizeBytes: 9 * MB, reclaimableBytes: 3 * MB });
    expect(reclaimablePercent(report.totals.containers)).toBe(33);
    expect(report.totals.volumes).toEqual({ count: 4, active: 1, sizeBytes: 9 * MB, reclaimableBytes: 2 * MB });
    expect(report.totals.build_cache).toEqual({ count: 3, active: 1, sizeBytes: 10 * MB, reclaimableBytes: 6 * MB });
  });

  it('counts image states that add up to every image', () => {
    expect(imageStateCounts(report.images)).toEqual({ in_use: 2, unused: 1, dangling: 1 });
  });

  it('gives 0 % for an empty size and empty totals for an empty engine', () => {
    const empty = diskUsageReport(normaliseDiskUsage({}), 0, () => true);
    expect(empty.images).toEqual([]);
    expect(empty.totals.build_cache).toEqual({ count: 0, active: 0, sizeBytes: 0, reclaimableBytes: 0 });
    expect(reclaimablePercent(empty.totals.images)).toBe(0);
  });
});

describe('selecting and naming images', () => {
  const report = diskUsageReport(df, 0, () => true);

  it('names an image by its tags, by its digest repository, or <none>:<none>', () => {
    expect(imageRefs({ tags: ['a:1', 'b:2'], digestRepos: [] })).toEqual(['a:1', 'b:2']);
    expect(imageRefs({ tags: [], digestRepos: ['reg/app'] })).toEqual(['reg/app:<none>']);
    expect(imageRefs({ tags: [], digestRepos: [] })).toEqual(['<none>:<none>']);
    const digestOnly = normaliseDiskUsage({
      Images: [{ Id: 'sha256:e', RepoTags: null, RepoDigests: ['reg/app@sha256:f'], Size: 1, SharedSize: 0 }],
    });
    expect(diskUsageReport(digestOnly, 0, () => true).images[0]).toMatchObject({
      tags: [],
      digestRepos: ['reg/app'],
      state: 'dangling',
    });
  });

  it('matches a filter as a glob with wildcards, else as a substring of repository:tag', () => {
    expect(refMatches('app:*', 'app:1')).toBe(true);
    expect(refMatches('app:*', 'registry.local/app:1')).toBe(false);
    expect(refMatches('*/app:?', 'registry.local/app:1')).toBe(true);
    expect(refMatches('app', 'registry.local/app:1')).toBe(true);
    expect(refMatches('nginx', 'app:1')).toBe(false);
  });

  it('keeps the images any of whose names match, or only untagged ones with dangling', () => {
    expect(selectImages(report, { filter: 'app:2' }).images.map((i) => i.id)).toEqual(['sha256:bbbb']);
    expect(selectImages(report, { filter: 'registry.local/*' }).images.map((i) => i.id)).toEqual(['sha256:aaaa']);
    expect(selectImages(report, { dangling: true }).images.map((i) => i.id)).toEqual(['sha256:dddd']);
    expect(selectImages(report, { dangling: true, filter: 'app' }).images).toEqual([]);
    expect(selectImages(report, {}).totals).toBe(report.totals);
  });

  it('tells dockwatch keep tags apart', () => {
    expect(isKeepTag('dockwatch-keep/web:rev-3')).toBe(true);
    expect(isKeepTag('dockwatch-keep/web:latest')).toBe(false);
    expect(isKeepTag('web:rev-3')).toBe(false);
  });
});

describe('normaliseDiskUsage', () => {
  it('reads null lists as empty and missing numbers as unknown', () => {
    const df = normaliseDiskUsage({
      LayersSize: 5,
      Images: [{ Id: 'sha256:x', RepoTags: ['x:1'], Containers: 0 }],
      Containers: null,
      Volumes: [{ Name: 'v' }],
      BuildCache: null,
    });
    expect(df.Images[0]).toMatchObject({ Size: -1, SharedSize: -1, RepoDigests: [] });
    expect(df.Containers).toEqual([]);
    expect(df.Volumes).toEqual([{ Name: 'v', UsageData: null }]);
    expect(df.BuildCache).toEqual([]);
  });
});
