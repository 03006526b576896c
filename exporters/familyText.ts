import type { MetricFamily, SeriesValue } from './metricFamily';

/** Backslash and newline escaped, as the text format wants in HELP lines and label values. */
function escapeText(s: string): string {
  return /[\\\n]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : s;
}

/** A label value escaped for the text format (backslash, newline, double quote); numbers as they are. */
function escapeLabelValue(v: string | number): string {
  if (typeof v !== 'string') return `${v}`;
  return /[\\\n"]/.test(v) ? escapeText(v).replace(/"/g, '\\"') : v;
}

/** `k="v",…` of a label set, without the labels `skip` holds. */
function formatLabels(
  labels: Readonly<Record<string, string | number>>,
  skip?: Readonly<Record<string, string>>,
): string {
  let out = '';
  for (const name in labels) {
    if (skip && Object.prototype.hasOwnProperty.call(skip, name)) continue;
    const value = labels[name] as string | number;
    out += `${out === '' ? '' : ','}${name}="${escapeLabelValue(value)}"`;
  }
  return out;
}

/** A sample value as the text format writes it: `Nan`, `+Inf`, `-Inf` or the number (prom-client's spelling). */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'Nan';
  if (!Number.isFinite(value)) return value < 0 ? '-Inf' : '+Inf';
  return `${value}`;
}

/** Formatted shared label sets, per (frozen, reused) object: a container's labels are formatted once, not per series. */
const sharedText = new WeakMap<object, string>();

function sharedLabelText(shared: Readonly<Record<string, string>>): string {
  let text = sharedText.get(shared);
  if (text === undefined) {
    text = formatLabels(shared);
    sharedText.set(shared, text);
  }
  return text;
}

/** One sample line: name, labels (the series' own, then the shared ones), value. */
function sampleLine(name: string, s: SeriesValue): string {
  const own = s.labels ? formatLabels(s.labels, s.sharedLabels) : '';
  const shared = s.sharedLabels ? sharedLabelText(s.sharedLabels) : '';
  const labels = own === '' ? shared : shared === '' ? own : `${own},${shared}`;
  return labels === '' ? `${name} ${formatSampleValue(s.value)}` : `${name}{${labels}} ${formatSampleValue(s.value)}`;
}

/** A family's `# HELP` and `# TYPE` lines in the Prometheus text format (no trailing newline). */
export function familyHeader(family: Pick<MetricFamily, 'name' | 'help' | 'type'>): string {
  const name = escapeText(family.name);
  return `# HELP ${name} ${escapeText(family.help)}\n# TYPE ${name} ${family.type}`;
}

/**
 * Sample text is encoded in pieces of about this many characters. A family of 2,000 containers is megabytes of text:
 * built as one string it outlives young-generation collections and is copied once more to flatten it, and the
 * collector's pauses then hold up scrapes. Pieces this size die young.
 */
export const CHUNK_CHARS = 32 * 1024;

/**
 * A family's sample lines, each preceded by a newline, as UTF-8 pieces of about {@link CHUNK_CHARS}, read from
 * `collect()`: the same bytes prom-client's registry writes after the header, made without its per-series arrays and
 * joins (the exposition's hot path at 500+ containers). A caller may pause between pieces.
 */
export function* familySampleChunks(family: MetricFamily): Generator<Buffer, void, undefined> {
  const name = escapeText(family.name);
  let out = '';
  for (const s of family.collect()) {
    out += `\n${sampleLine(name, s)}`;
    if (out.length >= CHUNK_CHARS) {
      yield Buffer.from(out, 'utf8');
      out = '';
    }
  }
  if (out !== '') yield Buffer.from(out, 'utf8');
}
