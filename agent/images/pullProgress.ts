import type { PullProgress } from './imagePuller';

/** One JSON line of the engine's pull stream (`POST /images/create`). */
export type PullEvent = {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
};

type Layer = { done: boolean; current: number; total: number };

const LAYER_ID = /^[0-9a-f]{12,64}$/;
const DONE = new Set(['Already exists', 'Pull complete']);
const DOWNLOADED = new Set(['Download complete', 'Verifying Checksum']);

/**
 * Folds the engine's pull events into per-layer progress: layers done (pulled or already present) of those
 * announced, and bytes downloaded of the sizes announced. Also keeps the digest and whether it was up to date.
 */
export class PullProgressTracker {
  private readonly layers = new Map<string, Layer>();
  private lastStatus = '';
  /** The manifest digest from the `Digest: sha256:…` line. */
  digest: string | undefined;
  /** Whether the engine said `Image is up to date`. */
  upToDate = false;
  /** The visible progress after the last event, to tell whether the next one changed it. */
  private shown = this.signature();

  /** Takes one event; returns true when the visible progress changed (a layer, its bytes or the status). */
  add(event: PullEvent): boolean {
    const status = event.status ?? '';
    const digest = /^Digest: (sha256:[0-9a-f]{64})/.exec(status)?.[1];
    if (digest) this.digest = digest;
    if (/^Status: Image is up to date/.test(status)) this.upToDate = true;
    if (event.id !== undefined && LAYER_ID.test(event.id) && status !== '') this.layer(event.id, status, event);
    this.lastStatus = status || this.lastStatus;
    const before = this.shown;
    this.shown = this.signature();
    return this.shown !== before;
  }

  /** The progress so far. */
  progress(): PullProgress {
    let layersDone = 0;
    let bytesDone = 0;
    let bytesTotal = 0;
    for (const layer of this.layers.values()) {
      if (layer.done) layersDone += 1;
      bytesDone += layer.total > 0 ? Math.min(layer.current, layer.total) : 0;
      bytesTotal += layer.total;
    }
    return { layersDone, layersTotal: this.layers.size, bytesDone, bytesTotal, status: this.lastStatus };
  }

  private layer(id: string, status: string, event: PullEvent): void {
    const layer = this.layers.get(id) ?? { done: false, current: 0, total: 0 };
    this.layers.set(id, layer);
    const detail = event.progressDetail ?? {};
    if (status === 'Downloading') {
      if (typeof detail.total === 'number' && detail.total > 0) layer.total = detail.total;
      if (typeof detail.current === 'number') layer.current = Math.max(layer.current, detail.current);
    } else if (DOWNLOADED.has(status)) {
      layer.current = Math.max(layer.current, layer.total);
    } else if (DONE.has(status)) {
      layer.done = true;
      layer.current = Math.max(layer.current, layer.total);
    }
  }

  private signature(): string {
    const p = this.progress();
    return `${p.layersDone}/${p.layersTotal} ${p.bytesDone}/${p.bytesTotal} ${p.status}`;
  }
}

/** Bytes as the progress line shows them: `950 B`, `12.4 MB`, `1.2 GB` (decimal units, as docker prints). */
export function formatPullBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** The progress line chat shows: `layers 3/5, 12.4 MB / 30.1 MB` (bytes left out while no size is known). */
export function describePullProgress(p: PullProgress): string {
  const layers = `layers ${p.layersDone}/${p.layersTotal}`;
  return p.bytesTotal > 0 ? `${layers}, ${formatPullBytes(p.bytesDone)} / ${formatPullBytes(p.bytesTotal)}` : layers;
}
