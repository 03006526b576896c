import type { Registry } from 'prom-client';
import type { SelfStats } from '../agent/selfStats';
import type { MetricFamily } from './metricFamily';
import { buildRegistries, type MetricsRegistries } from './metricsRegistry';

/** The two text formats /metrics speaks. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** True when the scraper prefers OpenMetrics (Prometheus sends it first in Accept). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && /application\/openmetrics-text/.test(accept);
}

/** How long a format counts as wanted after a scrape asked for it, for rendering ahead. */
const WANTED_FOR_MS = 10 * 60_000;

/**
 * Renders a registry family by family with prom-client, yielding to the event loop between families so a render of
 * thousands of series never holds up other requests; the concatenated bytes are what `registry.metrics()` returns,
 * less OpenMetrics' closing `# EOF` (the live part brings it).
 */
async function renderInSlices(
  registry: Registry,
  names: readonly string[],
  format: ExpositionFormat,
): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  for (const [i, name] of names.entries()) {
    const metric = registry.getSingleMetric(name) as unknown as { name: string; type: string };
    // As registry.metrics() does: OpenMetrics names a counter family without _total and suffixes its samples.
    if (format === 'openmetrics' && metric.type === 'counter') metric.name = name.replace(/_total$/, '');
    // Each family is encoded in its own slice: no multi-megabyte join or encode ever holds the event loop.
    const separator = i === 0 ? '' : format === 'openmetrics' ? '\n' : '\n\n';
    parts.push(Buffer.from(separator + (await registry.getSingleMetricAsString(name)), 'utf8'));
    await new Promise((resolve) => setImmediate(resolve));
  }
  parts.push(Buffer.from('\n', 'utf8'));
  return parts;
}

/** A rendered cached part: the data version it shows and its bytes (OpenMetrics without the closing `# EOF`). */
type Rendered = { version: string; bytes: Buffer[] };

/**
 * The /metrics body. Per-container families change only when the inventory or a sampling pass does, so prom-client
 * renders them once per data version, ahead of time right after each pass for the formats being scraped, and keeps
 * the bytes. A scrape sends those bytes plus the few live families (engine state, the agent's own cost), so its cost
 * does not grow with the number of containers; while a newer version is being rendered, scrapes get the previous
 * one (at most one sampling interval old) instead of waiting.
 */
export class Exposition {
  private readonly cached: MetricsRegistries;
  private readonly live: MetricsRegistries;
  private readonly cachedNames: string[];
  private readonly done = new Map<ExpositionFormat, Rendered>();
  private readonly pending = new Map<ExpositionFormat, { version: string; bytes: Promise<Buffer[]> }>();
  private readonly wantedAt = new Map<ExpositionFormat, number>();

  constructor(
    cachedFamilies: readonly MetricFamily[],
    liveFamilies: readonly MetricFamily[],
    private readonly version: () => string,
    private readonly self: SelfStats,
    private readonly now: () => number = Date.now,
  ) {
    this.cached = buildRegistries(cachedFamilies);
    this.live = buildRegistries(liveFamilies);
    this.cachedNames = cachedFamilies.map((f) => f.name);
  }

  /**
   * The body (the shared cached bytes, then this scrape's live bytes: written one after the other, never copied) and
   * content type for a scraper's Accept header; records the render time in the agent's own stats.
   */
  async render(accept: string | undefined): Promise<{ parts: readonly Buffer[]; contentType: string }> {
    const started = process.hrtime.bigint();
    const format: ExpositionFormat = wantsOpenMetrics(accept) ? 'openmetrics' : 'prometheus';
    this.wantedAt.set(format, this.now());
    const registries = format === 'openmetrics' ? this.live.openMetrics : this.live.prometheus;
    const cached = await this.cachedBytes(format);
    // The live part is small: rendered in one go, so a scrape never waits behind slices of a background render.
    const live = Buffer.from(await registries.metrics(), 'utf8');
    this.self.recordScrape(Number(process.hrtime.bigint() - started) / 1e9);
    return { parts: [...cached, live], contentType: registries.contentType };
  }

  /** Renders the cached part ahead for every format scraped recently; call after each sampling pass. */
  prerender(): void {
    for (const [format, at] of this.wantedAt) {
      if (this.now() - at <= WANTED_FOR_MS) void this.cachedBytes(format);
    }
  }

  private cachedBytes(format: ExpositionFormat): Promise<Buffer[]> {
    const version = this.version();
    const done = this.done.get(format);
    if (done?.version === version) return Promise.resolve(done.bytes);
    let pending = this.pending.get(format);
    if (pending?.version !== version) {
      const registry = format === 'openmetrics' ? this.cached.openMetrics : this.cached.prometheus;
      const bytes = renderInSlices(registry as Registry, this.cachedNames, format).then((buffers) => {
        if (this.pending.get(format)?.version === version) this.pending.delete(format);
        this.done.set(format, { version, bytes: buffers });
        return buffers;
      });
      pending = { version, bytes };
      this.pending.set(format, pending);
    }
    return done ? Promise.resolve(done.bytes) : pending.bytes;
  }
}
