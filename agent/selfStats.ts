import type { CollectorName } from './stats/statsCollector';

/** Running totals of one kind of timed work. */
export type Timing = { lastSeconds: number; totalSeconds: number; count: number };

/** The agent's own cost and errors, exported as `dockwatch_*` metrics. */
export class SelfStats {
  /** Engine API errors by operation (connect, events, inspect, stats, resync, …). */
  readonly apiErrors = new Map<string, number>();
  /** Sampling passes by collector. */
  readonly collections = new Map<CollectorName, Timing & { containers: number }>();
  /** /metrics renders. */
  readonly scrapes: Timing = { lastSeconds: 0, totalSeconds: 0, count: 0 };
  /** The collector in use, once chosen. */
  collector: CollectorName | undefined;

  /** Counts one failed engine request. */
  countApiError(operation: string): void {
    this.apiErrors.set(operation, (this.apiErrors.get(operation) ?? 0) + 1);
  }

  /** Records one sampling pass. */
  recordCollection(name: CollectorName, seconds: number, containers: number): void {
    const t = this.collections.get(name) ?? { lastSeconds: 0, totalSeconds: 0, count: 0, containers: 0 };
    t.lastSeconds = seconds;
    t.totalSeconds += seconds;
    t.count++;
    t.containers = containers;
    this.collections.set(name, t);
  }

  /** Records one /metrics render. */
  recordScrape(seconds: number): void {
    this.scrapes.lastSeconds = seconds;
    this.scrapes.totalSeconds += seconds;
    this.scrapes.count++;
  }
}
