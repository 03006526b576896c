import type { Logger } from '../../shared/logger';
import type { ContainerRecord } from '../inventory/containerRecord';
import type { SelfStats } from '../selfStats';
import type { SampleStore } from './sampleStore';
import type { StatsCollector } from './statsCollector';

/** Options of the sampler; `fallback` replaces a cgroup collector that finds none of the running containers. */
export type SamplerOptions = {
  collector: StatsCollector;
  fallback?: StatsCollector;
  running: () => ContainerRecord[];
  store: SampleStore;
  self: SelfStats;
  logger: Logger;
  intervalMs: number;
  /** Called after each pass has stored its samples (the exporter renders ahead). */
  onPass?: () => void;
};

/**
 * Passes in a row that must find none of the containers still running before a cgroup collector gives way to the
 * fallback: one or two empty passes happen when the only running containers exit while a pass reads them.
 */
export const MISSES_BEFORE_FALLBACK = 3;

/**
 * Samples every running, watched container on an interval with one collector and stores the results for the
 * exporters. A pass never overlaps the previous one; a slow pass delays the next instead of piling up.
 */
export class StatsSampler {
  private collector: StatsCollector;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  private misses = 0;
  private stopped = false;

  constructor(private readonly opts: SamplerOptions) {
    this.collector = opts.collector;
    opts.self.collector = opts.collector.name;
  }

  /** The collector in use. */
  get current(): StatsCollector {
    return this.collector;
  }

  /** Runs a first pass at once, then one per interval. */
  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      await this.runOnce();
      if (this.stopped) return;
      this.timer = setTimeout(loop, this.opts.intervalMs);
      this.timer.unref();
    };
    void loop();
  }

  /** Stops the interval and releases the collectors' files; a pass under way finishes. */
  stop(): void {
    clearTimeout(this.timer);
    this.stopped = true;
    void (this.busy ?? Promise.resolve()).then(() => {
      this.collector.close?.();
      this.opts.fallback?.close?.();
    });
  }

  /** One sampling pass (shared with a pass already under way). */
  runOnce(): Promise<void> {
    if (!this.busy) this.busy = this.pass().finally(() => (this.busy = undefined));
    return this.busy;
  }

  private async pass(): Promise<void> {
    const running = this.opts.running();
    const started = process.hrtime.bigint();
    try {
      const samples = await this.collector.collect(running);
      const root = await this.collector.collectRoot?.().catch((err: Error) => {
        this.opts.logger.debug('root container not read', { error: err.message });
        return undefined;
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.opts.self.recordCollection(this.collector.name, seconds, samples.length);
      if (samples.length > 0) this.misses = 0;
      else if (this.opts.fallback && this.anyStillRunning(running)) {
        if (++this.misses >= MISSES_BEFORE_FALLBACK) return this.switchToFallback(running.length);
      }
      this.opts.store.replace(samples, root);
      this.opts.onPass?.();
    } catch (err) {
      this.opts.logger.warn('sampling pass failed', { collector: this.collector.name, error: (err as Error).message });
    }
  }

  /** Whether any of the containers a pass was given still runs: a container that stopped meanwhile is no miss. */
  private anyStillRunning(running: readonly ContainerRecord[]): boolean {
    if (running.length === 0) return false;
    const now = new Set(this.opts.running().map((r) => r.id));
    return running.some((r) => now.has(r.id));
  }

  private async switchToFallback(running: number): Promise<void> {
    const fallback = this.opts.fallback as StatsCollector;
    this.opts.logger.warn('cgroup files of running containers not found; falling back to the Engine API collector', {
      from: this.collector.name,
      running,
    });
    this.collector = fallback;
    this.opts.fallback = undefined;
    this.opts.self.collector = fallback.name;
    await this.pass();
  }
}
