import type { SelfStats } from '../agent/selfStats';
import { yieldToForeground } from '../shared/foregroundWork';
import { familyHeader, familySampleChunks } from './familyText';
import type { MetricFamily } from './metricFamily';
import { buildRegistries, type MetricsRegistries } from './metricsRegistry';

/** The two text formats /metrics speaks. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** True when the scraper prefers OpenMetrics (Prometheus sends it first in Accept). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && /application\/openmetrics-text/.test(accept);
}

/** How long after a scrape the cached part is rendered ahead. */
const WANTED_FOR_MS = 10 * 60_000;

/**
 * One cached family rendered once for both formats: its sample lines (identical in the two formats, since an
 * OpenMetrics counter's samples keep the `_total` name) and its `# HELP`/`# TYPE` lines per format (OpenMetrics
 * names a counter family without `_total`).
 */
type RenderedFamily = { headers: Record<ExpositionFormat, Buffer>; samples: Buffer[] };

/** A rendered data version of the cached families. */
type Rendered = { version: string; families: RenderedFamily[] };

/** The family's header lines in OpenMetrics: the Prometheus ones with a counter's name less `_total`. */
function openMetricsHeader(header: string, name: string, type: string): string {
  if (type !== 'counter' || !name.endsWith('_total')) return header;
  const base = name.slice(0, -'_total'.length);
  return header.replace(`# HELP ${name} `, `# HELP ${base} `).replace(`# TYPE ${name} `, `# TYPE ${base} `);
}

/** How long a render may hold the event loop before it yields to other requests. */
const SLICE_MS = 8;

/**
 * Renders the cached families piece by piece (see `familySampleChunks`), yielding to the event loop (and to a scrape
 * being sent, see `yieldToForeground`) whenever a slice has run `SLICE_MS`, so a render of tens of thousands of series
 * never holds up other requests, not even inside one large family, and a small one runs in one go. Headers depend
 * only on the family and are made once (`headers`); the sample lines are encoded once and shared by both formats.
 */
async function renderInSlices(
  families: readonly MetricFamily[],
  headers: Map<string, Record<ExpositionFormat, Buffer>>,
): Promise<RenderedFamily[]> {
  const out: RenderedFamily[] = [];
  let sliceStart = performance.now();
  const endSliceIfDue = async (): Promise<void> => {
    if (performance.now() - sliceStart < SLICE_MS) return;
    await yieldToForeground();
    sliceStart = performance.now();
  };
  for (const family of families) {
    let familyHeaders = headers.get(family.name);
    if (!familyHeaders) {
      const header = familyHeader(family);
      familyHeaders = {
        prometheus: Buffer.from(header, 'utf8'),
        openmetrics: Buffer.from(openMetricsHeader(header, family.name, family.type), 'utf8'),
      };
      headers.set(family.name, familyHeaders);
    }
    const samples: Buffer[] = [];
    for (const chunk of familySampleChunks(family)) {
      samples.push(chunk);
      await endSliceIfDue();
    }
    out.push({ headers: familyHeaders, samples });
    await endSliceIfDue();
  }
  return out;
}

const SEPARATOR: Record<ExpositionFormat, Buffer> = { prometheus: Buffer.from('\n\n'), openmetrics: Buffer.from('\n') };
const NEWLINE = Buffer.from('\n');

/** A rendered version laid out in one format: what `registry.metrics()` returns, less OpenMetrics' `# EOF`. */
function layOut(families: readonly RenderedFamily[], format: ExpositionFormat): Buffer[] {
  const parts: Buffer[] = [];
  for (const [i, family] of families.entries()) {
    if (i > 0) parts.push(SEPARATOR[format]);
    parts.push(family.headers[format], ...family.samples);
  }
  parts.push(NEWLINE);
  return parts;
}

/**
 * The /metrics body. Per-container families change only when the inventory or a sampling pass does, so they are
 * rendered once per data version, ahead of time right after each pass while a format is being scraped, and the
 * bytes are kept, sample lines shared by both formats. A scrape sends those bytes plus the few live families (engine
 * state, the agent's own cost), so its cost does not grow with the number of containers; while a newer version is
 * being rendered, scrapes get the previous one (at most one sampling interval old) instead of waiting.
 */
export class Exposition {
  private readonly live: MetricsRegistries;
  private readonly headers = new Map<string, Record<ExpositionFormat, Buffer>>();
  private done: Rendered | undefined;
  private pending: { version: string; rendered: Promise<Rendered> } | undefined;
  private readonly laidOut = new Map<ExpositionFormat, { version: string; parts: Buffer[] }>();
  private lastWanted = Number.NEGATIVE_INFINITY;
  private firstRender: () => void = () => undefined;
  private readonly firstRendered = new Promise<void>((resolve) => (this.firstRender = resolve));

  constructor(
    private readonly cachedFamilies: readonly MetricFamily[],
    liveFamilies: readonly MetricFamily[],
    private readonly version: () => string,
    private readonly self: SelfStats,
    private readonly now: () => number = Date.now,
  ) {
    this.live = buildRegistries(liveFamilies);
  }

  /**
   * The body (the shared cached bytes, then this scrape's live bytes: written one after the other, never copied) and
   * content type for a scraper's Accept header; records the render time in the agent's own stats.
   */
  async render(accept: string | undefined): Promise<{ parts: readonly Buffer[]; contentType: string }> {
    const started = process.hrtime.bigint();
    const format: ExpositionFormat = wantsOpenMetrics(accept) ? 'openmetrics' : 'prometheus';
    this.lastWanted = this.now();
    const registries = format === 'openmetrics' ? this.live.openMetrics : this.live.prometheus;
    const cached = this.partsOf(await this.rendered(), format);
    // The live part is small: rendered in one go, so a scrape never waits behind slices of a background render.
    const live = Buffer.from(await registries.metrics(), 'utf8');
    this.self.recordScrape(Number(process.hrtime.bigint() - started) / 1e9);
    return { parts: [...cached, live], contentType: registries.contentType };
  }

  /** Whether the per-container part has been rendered once: until then a scrape waits for that first render. */
  get hasRendered(): boolean {
    return this.done !== undefined;
  }

  /** Resolves once the per-container part has been rendered for the first time. */
  whenRendered(): Promise<void> {
    return this.firstRendered;
  }

  /**
   * Renders the cached part ahead after the first sampling pass (so the first scrape finds it ready, in either format:
   * both share the rendered samples) and while anything scraped in the last ten minutes; call after each pass. An
   * agent nobody scrapes renders nothing more, and a scrape after a quiet spell gets the last render at once while the
   * newest is made.
   */
  prerender(): void {
    if (this.done === undefined || this.now() - this.lastWanted <= WANTED_FOR_MS) void this.rendered();
  }

  /**
   * The current version once rendered; meanwhile the previous one, or the first render itself when there is none. One
   * render runs at a time: a version that moves on during a render is rendered after it, so at most two versions'
   * bytes are alive (at 2,000 containers each is ~17 MB).
   */
  private rendered(): Promise<Rendered> {
    const version = this.version();
    if (this.done?.version === version) return Promise.resolve(this.done);
    const pending = (this.pending ??= this.startRender(version));
    return this.done ? Promise.resolve(this.done) : pending.rendered;
  }

  private startRender(version: string): { version: string; rendered: Promise<Rendered> } {
    const rendered = renderInSlices(this.cachedFamilies, this.headers)
      .then((families) => {
        const result = { version, families };
        this.done = result;
        this.firstRender();
        // Laid-out parts of an older version would keep its bytes alive (a format not scraped since holds them).
        this.laidOut.clear();
        return result;
      })
      .finally(() => (this.pending = undefined));
    return { version, rendered };
  }

  private partsOf(rendered: Rendered, format: ExpositionFormat): Buffer[] {
    const known = this.laidOut.get(format);
    if (known?.version === rendered.version) return known.parts;
    const parts = layOut(rendered.families, format);
    this.laidOut.set(format, { version: rendered.version, parts });
    return parts;
  }
}
