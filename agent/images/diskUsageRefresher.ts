import type Docker from 'dockerode';
import { Backoff } from '../../shared/backoff';
import type { Logger } from '../../shared/logger';
import { diskUsageReport, type DiskUsageReport } from './diskUsage';
import { readDiskUsage } from './readDiskUsage';

/** What the refresher needs: the connected engine (none while down), how often, which container names to show. */
export type DiskUsageRefresherOptions = {
  docker: () => Docker | undefined;
  /** `images.usageInterval`. */
  intervalMs: number;
  /** Delay of the first reading after start (default 1 s), retried with backoff until the engine is connected. */
  firstDelayMs?: number;
  watched: (c: { name: string; labels: Record<string, string> }) => boolean;
  logger: Logger;
  now?: () => number;
};

/**
 * Keeps the latest disk usage report of the engine for the metrics (the scrape path only reads `latest`): one
 * reading soon after start, then every `images.usageInterval`. A failed reading is logged once (and its recovery),
 * retried with backoff, and leaves the last figures in place.
 */
export class DiskUsageRefresher {
  private report: DiskUsageReport | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private failing = false;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private readings = 0;

  constructor(private readonly options: DiskUsageRefresherOptions) {
    this.now = options.now ?? Date.now;
    this.backoff = new Backoff(1000, Math.min(30_000, options.intervalMs));
  }

  /** The last report read, if any reading has succeeded yet. */
  get latest(): DiskUsageReport | undefined {
    return this.report;
  }

  /** Bumped at every successful reading. */
  get version(): number {
    return this.readings;
  }

  /** Starts the schedule. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(this.options.firstDelayMs ?? 1000);
  }

  /** Stops the schedule (a reading in flight finishes, its result kept). */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Reads now; resolves to whether a reading was made (false while the engine is not connected or on failure). */
  async refresh(): Promise<boolean> {
    const docker = this.options.docker();
    if (!docker) return false;
    try {
      const df = await readDiskUsage(docker);
      this.report = diskUsageReport(df, this.now(), this.options.watched);
      this.readings++;
      if (this.failing) this.options.logger.info('disk usage read again after failures');
      this.failing = false;
      this.backoff.reset();
      return true;
    } catch (err) {
      if (!this.failing) {
        this.options.logger.warn('disk usage could not be read; keeping the last figures and retrying with backoff', {
          error: (err as Error).message,
        });
      }
      this.failing = true;
      return false;
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.refresh().then((ok) => this.schedule(ok ? this.options.intervalMs : this.backoff.next()));
    }, delayMs);
    this.timer.unref();
  }
}
