import type Docker from 'dockerode';

/** Image totals and per-container writable-layer sizes, refreshed at slow intervals (both are expensive). */
export class EngineResources {
  images = { count: 0, sizeBytes: 0 };
  private fsUsage = new Map<string, number>();
  private lastFsRefresh = 0;
  private refreshes = 0;
  private running: Promise<void> | undefined;

  /** Bumped whenever the writable-layer sizes change, for caches of what is derived from them. */
  get version(): number {
    return this.refreshes;
  }

  /**
   * Refreshes image totals, and writable-layer sizes when `fsUsageIntervalMs` has passed. A call while a refresh runs
   * joins it: the sizes (`size=1` makes dockerd walk every container's writable layer, a minute at 2,000 containers
   * on a busy host) are never asked for twice at once.
   */
  refresh(docker: Docker, fsUsageIntervalMs: number, now = Date.now()): Promise<void> {
    this.running ??= this.read(docker, fsUsageIntervalMs, now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async read(docker: Docker, fsUsageIntervalMs: number, now: number): Promise<void> {
    const images = await docker.listImages();
    this.images = { count: images.length, sizeBytes: images.reduce((n, i) => n + (i.Size ?? 0), 0) };
    if (now - this.lastFsRefresh >= fsUsageIntervalMs) {
      this.lastFsRefresh = now;
      const sized = await docker.listContainers({ all: false, size: true });
      this.fsUsage = new Map(sized.map((c) => [c.Id, (c as { SizeRw?: number }).SizeRw ?? 0]));
      this.refreshes++;
    }
  }

  /** Bytes in a container's writable layer, if measured. */
  fsUsageBytes(id: string): number | undefined {
    return this.fsUsage.get(id);
  }
}
