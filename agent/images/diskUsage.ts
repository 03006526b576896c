import { matchesGlob } from '../../config/glob';

/** Whether a `repository:tag` is a dockwatch revision keep tag (`dockwatch-keep/<name>:rev-<n>`). */
export { isKeepTag } from '../actions/imageRemovalPlan';

/** The parts of the engine's `GET /system/df` answer dockwatch reads (sizes in bytes; -1 where not computed). */
export type EngineDiskUsage = {
  LayersSize: number;
  Images: {
    Id: string;
    RepoTags: string[];
    RepoDigests: string[];
    Created: number;
    Size: number;
    SharedSize: number;
    Containers: number;
  }[];
  Containers: {
    Id: string;
    Names: string[];
    ImageID: string;
    State: string;
    SizeRw: number;
    Labels: Record<string, string>;
  }[];
  Volumes: { Name: string; UsageData: { Size: number; RefCount: number } | null }[];
  BuildCache: { ID: string; Size: number; InUse: boolean; Shared: boolean }[];
};

/** The four kinds of disk use `docker system df` reports, as metric label values. */
export const DISK_USAGE_TYPES = ['images', 'containers', 'volumes', 'build_cache'] as const;

/** One of {@link DISK_USAGE_TYPES}. */
export type DiskUsageType = (typeof DISK_USAGE_TYPES)[number];

/** One line of `docker system df`: how many, how many in use, bytes, and bytes a prune would free. */
export type DiskUsageTotal = { count: number; active: number; sizeBytes: number; reclaimableBytes: number };

/** Whether an image is used by a container, untagged and unused (`docker image prune`), or tagged and unused. */
export type ImageState = 'in_use' | 'dangling' | 'unused';

/** One image as `images` lists it. */
export type ImageUsage = {
  /** `sha256:…`. */
  id: string;
  /** `repository:tag` names; empty for an untagged image. */
  tags: string[];
  /** Repositories known from digests only (an untagged image pulled by digest), shown as `repo:<none>`. */
  digestRepos: string[];
  /** Seconds since the epoch. */
  created: number;
  sizeBytes: number;
  /** Bytes of layers other images use too; absent when the engine did not compute it. */
  sharedBytes?: number;
  /** sizeBytes - sharedBytes; absent with sharedBytes. */
  uniqueBytes?: number;
  /** Containers (running or not) that use the image, as the engine counts them. */
  containers: number;
  /** Names of those containers that dockwatch watches (the others are only counted). */
  containerNames: string[];
  state: ImageState;
};

/** Disk use of one host: its images (per image) and the four totals, at `takenAt` (ms since the epoch). */
export type DiskUsageReport = {
  takenAt: number;
  images: ImageUsage[];
  totals: Record<DiskUsageType, DiskUsageTotal>;
};

/** Which images `images` shows: a filter on `repository:tag` and only untagged ones. */
export type ImageSelection = { filter?: string; dangling?: boolean };

const ACTIVE_STATES = new Set(['running', 'paused', 'restarting']);
const NONE = '<none>';

/** Whether `ref` matches a filter word: a glob when it has `*`, `?` or `[`, else a substring of `repository:tag`. */
export function refMatches(filter: string, ref: string): boolean {
  return /[*?[]/.test(filter) ? matchesGlob(filter, ref) : ref.includes(filter);
}

/** The names an image is listed under: its tags, else `repo:<none>` per digest repository, else `<none>:<none>`. */
export function imageRefs(image: Pick<ImageUsage, 'tags' | 'digestRepos'>): string[] {
  if (image.tags.length) return image.tags;
  if (image.digestRepos.length) return image.digestRepos.map((r) => `${r}:${NONE}`);
  return [`${NONE}:${NONE}`];
}

/**
 * The report of one `system df` answer, with totals computed as the docker CLI computes them: images are the
 * layers' size less the unique size of images a container uses; containers' writable layers are reclaimable unless
 * the container is running, paused or restarting; volumes without a container reference are reclaimable; build
 * cache counts unshared records, reclaimable unless in use. `watched` decides which container names are shown.
 */
export function diskUsageReport(
  df: EngineDiskUsage,
  takenAt: number,
  watched: (c: { name: string; labels: Record<string, string> }) => boolean,
): DiskUsageReport {
  const namesByImage = new Map<string, string[]>();
  for (const c of df.Containers) {
    const name = (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
    if (!watched({ name, labels: c.Labels })) continue;
    namesByImage.set(c.ImageID, [...(namesByImage.get(c.ImageID) ?? []), name]);
  }
  const images = df.Images.map((i) => imageUsage(i, namesByImage.get(i.Id) ?? []));
  return { takenAt, images, totals: totalsOf(df) };
}

/** The images a selection keeps (totals always cover every image). */
export function selectImages(report: DiskUsageReport, selection: ImageSelection): DiskUsageReport {
  const { filter, dangling } = selection;
  const images = report.images.filter(
    (i) =>
      (!dangling || i.tags.length === 0) && (filter === undefined || imageRefs(i).some((r) => refMatches(filter, r))),
  );
  return { ...report, images };
}

/** How many images are in use, dangling (untagged, unused) and unused (tagged, unused); they add up to all. */
export function imageStateCounts(images: readonly ImageUsage[]): Record<ImageState, number> {
  const counts: Record<ImageState, number> = { in_use: 0, dangling: 0, unused: 0 };
  for (const i of images) counts[i.state]++;
  return counts;
}

/** `reclaimable * 100 / size`, rounded down as the docker CLI shows it; 0 for an empty size. */
export function reclaimablePercent(total: DiskUsageTotal): number {
  return total.sizeBytes > 0 ? Math.floor((total.reclaimableBytes * 100) / total.sizeBytes) : 0;
}

function imageUsage(i: EngineDiskUsage['Images'][number], containerNames: string[]): ImageUsage {
  const tags = i.RepoTags.filter((t) => t !== `${NONE}:${NONE}`);
  const digestRepos = [...new Set(i.RepoDigests.map((d) => d.split('@')[0] ?? '').filter((r) => r && r !== NONE))];
  const shared = i.SharedSize >= 0 && i.Size >= 0 ? i.SharedSize : undefined;
  const state: ImageState = i.Containers > 0 ? 'in_use' : tags.length === 0 ? 'dangling' : 'unused';
  return {
    id: i.Id,
    tags,
    digestRepos: tags.length ? [] : digestRepos,
    created: i.Created,
    sizeBytes: Math.max(0, i.Size),
    ...(shared === undefined ? {} : { sharedBytes: shared, uniqueBytes: i.Size - shared }),
    containers: Math.max(0, i.Containers),
    containerNames: containerNames.sort(),
    state,
  };
}

function totalsOf(df: EngineDiskUsage): Record<DiskUsageType, DiskUsageTotal> {
  const usedUnique = df.Images.filter((i) => i.Containers > 0 && i.Size !== -1 && i.SharedSize !== -1).reduce(
    (n, i) => n + i.Size - i.SharedSize,
    0,
  );
  const images: DiskUsageTotal = {
    count: df.Images.length,
    active: df.Images.filter((i) => i.Containers > 0).length,
    sizeBytes: df.LayersSize,
    reclaimableBytes: df.LayersSize - usedUnique,
  };
  const activeContainers = df.Containers.filter((c) => ACTIVE_STATES.has(c.State.toLowerCase()));
  const containers: DiskUsageTotal = {
    count: df.Containers.length,
    active: activeContainers.length,
    sizeBytes: sum(df.Containers.map((c) => c.SizeRw)),
    reclaimableBytes: sum(df.Containers.filter((c) => !activeContainers.includes(c)).map((c) => c.SizeRw)),
  };
  const sized = df.Volumes.flatMap((v) => (v.UsageData && v.UsageData.Size !== -1 ? [v.UsageData] : []));
  const volumes: DiskUsageTotal = {
    count: df.Volumes.length,
    active: df.Volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length,
    sizeBytes: sum(sized.map((u) => u.Size)),
    reclaimableBytes: sum(sized.filter((u) => u.RefCount === 0).map((u) => u.Size)),
  };
  const unshared = df.BuildCache.filter((b) => !b.Shared);
  const cacheSize = sum(unshared.map((b) => b.Size));
  const buildCache: DiskUsageTotal = {
    count: df.BuildCache.length,
    active: df.BuildCache.filter((b) => b.InUse).length,
    sizeBytes: cacheSize,
    reclaimableBytes: cacheSize - sum(unshared.filter((b) => b.InUse).map((b) => b.Size)),
  };
  return { images, containers, volumes, build_cache: buildCache };
}

function sum(values: readonly number[]): number {
  return values.reduce((n, v) => n + Math.max(0, v), 0);
}
