import type { Registry } from 'prom-client';
import { CHUNK_CHARS, familyHeader, familySampleChunks } from '../../../exporters/familyText';
import type { MetricFamily, SeriesValue } from '../../../exporters/metricFamily';
import { buildRegistries } from '../../../exporters/metricsRegistry';

/** A family's sample text whole: its pieces joined as bytes, then decoded. */
const familySamples = (family: MetricFamily): string => Buffer.concat([...familySampleChunks(family)]).toString('utf8');

const shared = Object.freeze({ id: '/docker/abc', name: 'web "1"', image: 'shop\\web:2\nx' });

const families: MetricFamily[] = [
  {
    name: 'container_cpu_usage_seconds_total',
    help: 'Cumulative cpu time consumed in seconds.',
    type: 'counter',
    collect: () => [
      { value: 12.5, labels: { cpu: 'total' }, sharedLabels: shared },
      { value: 0.000001, labels: { cpu: 'total' }, sharedLabels: Object.freeze({ id: '/' }) },
    ],
  },
  {
    name: 'odd_values',
    help: 'Help with a \\ backslash\nand a newline.',
    type: 'gauge',
    collect: (): SeriesValue[] => [
      { value: NaN },
      { value: Infinity, labels: {} },
      { value: -Infinity, labels: { a: 1, b: 'x' } },
      { value: 1e21, sharedLabels: {} },
      { value: -0, labels: { id: 'own wins? no: shared wins' }, sharedLabels: shared },
      { value: 3, labels: { '2': 'numeric key first', z: 'z' }, sharedLabels: shared },
    ],
  },
  { name: 'empty_family', help: 'No series.', type: 'gauge', collect: () => [] },
  {
    // Several pieces' worth of text, with characters of two and four UTF-8 bytes.
    name: 'big_family',
    help: 'More text than one piece.',
    type: 'gauge',
    collect: () =>
      Array.from({ length: 4_000 }, (_, n) => ({
        value: n / 7,
        labels: { device: `dév-${n}-🐳` },
        sharedLabels: Object.freeze({ name: `conteneur-${n % 50}` }),
      })),
  },
];

describe('familyText', () => {
  it('writes the same bytes as prom-client for every family, escapes and special values included', async () => {
    const registry: Registry = buildRegistries(families).prometheus;
    for (const family of families) {
      const expected = await registry.getSingleMetricAsString(family.name);
      expect(familyHeader(family) + familySamples(family)).toBe(expected);
    }
  });

  it('formats a shared label set once and reuses it for later series', () => {
    const text = familySamples(families[0] as MetricFamily);
    expect(text).toBe(
      '\ncontainer_cpu_usage_seconds_total{cpu="total",id="/docker/abc",name="web \\"1\\"",image="shop\\\\web:2\\nx"} 12.5' +
        '\ncontainer_cpu_usage_seconds_total{cpu="total",id="/"} 0.000001',
    );
  });

  it('cuts a large family into pieces at line ends, none much longer than CHUNK_CHARS', () => {
    const chunks = [...familySampleChunks(families[3] as MetricFamily)].map((c) => c.toString('utf8'));
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.startsWith('\nbig_family{')).toBe(true);
      expect(chunk.length).toBeLessThan(CHUNK_CHARS + 200);
    }
    expect(chunks.join('')).toBe(familySamples(families[3] as MetricFamily));
  });
});
