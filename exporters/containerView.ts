import type { ContainerRecord } from '../agent/inventory/containerRecord';
import type { Inventory } from '../agent/inventory/inventory';
import type { ContainerSample } from '../agent/stats/containerSample';
import type { RootSample } from '../agent/stats/rootSample';
import type { SampleStore } from '../agent/stats/sampleStore';

/** A sampled container with the labels every `container_*` series of it carries. */
export type SampledContainer = {
  record: ContainerRecord;
  sample: ContainerSample;
  /** id (cgroup path), name, image, and container_label_<k> for allow-listed labels; frozen and reused. */
  labels: Readonly<Record<string, string>>;
};

/** cAdvisor's root container `/` (the whole host): its sample and its only label, `id="/"` (no name, no image). */
export type SampledRoot = { sample: RootSample; labels: Readonly<Record<string, string>> };

const ROOT_LABELS: Readonly<Record<string, string>> = Object.freeze({ id: '/' });

/** `container_label_` + the label key with every character Prometheus forbids replaced by `_`, as cAdvisor does. */
export function containerLabelName(key: string): string {
  return `container_label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/**
 * What the exporters read at scrape time: the watched containers and the latest samples, joined once per
 * inventory/sample change and cached, so a scrape costs formatting only.
 */
export class ContainerView {
  private rowsCache: SampledContainer[] = [];
  private watchedCache: ContainerRecord[] = [];
  private cacheKey = '';
  private rootCache: SampledRoot | undefined;
  private readonly labelCache = new Map<
    string,
    { record: ContainerRecord; path: string; labels: Record<string, string> }
  >();

  constructor(
    private readonly inventory: Inventory,
    private readonly samples: SampleStore,
    private readonly isWatched: (r: ContainerRecord) => boolean,
    private readonly labelAllowList: readonly string[],
  ) {}

  /** Watched containers, running or not. */
  watched(): ContainerRecord[] {
    this.refresh();
    return this.watchedCache;
  }

  /** The root container from the latest pass, when the collector reads it. */
  root(): SampledRoot | undefined {
    const sample = this.samples.root();
    if (sample !== this.rootCache?.sample) this.rootCache = sample && { sample, labels: ROOT_LABELS };
    return this.rootCache;
  }

  /** Watched containers that have a sample from the latest pass. */
  sampled(): SampledContainer[] {
    this.refresh();
    return this.rowsCache;
  }

  private refresh(): void {
    const key = `${this.inventory.revision}:${this.samples.generation}`;
    if (key === this.cacheKey) return;
    this.cacheKey = key;
    this.watchedCache = this.inventory.all().filter(this.isWatched);
    const rows: SampledContainer[] = [];
    const live = new Set<string>();
    for (const record of this.watchedCache) {
      const sample = this.samples.get(record.id);
      if (!sample) continue;
      live.add(record.id);
      rows.push({ record, sample, labels: this.labelsFor(record, sample.cgroupPath) });
    }
    for (const id of this.labelCache.keys()) if (!live.has(id)) this.labelCache.delete(id);
    this.rowsCache = rows;
  }

  private labelsFor(record: ContainerRecord, path: string): Record<string, string> {
    const cached = this.labelCache.get(record.id);
    if (cached && cached.record === record && cached.path === path) return cached.labels;
    const labels: Record<string, string> = { id: path, image: record.image, name: record.name };
    for (const k of this.labelAllowList) {
      const v = record.labels[k];
      if (v !== undefined) labels[containerLabelName(k)] = v;
    }
    Object.freeze(labels);
    this.labelCache.set(record.id, { record, path, labels });
    return labels;
  }
}
