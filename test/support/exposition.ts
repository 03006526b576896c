/** One series line of a Prometheus text exposition. */
export type Series = { name: string; labels: Record<string, string>; value: number };

/** Parses the series lines of a text exposition (comments skipped); enough for assertions in tests. */
export function parseExposition(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    let lm: RegExpExecArray | null;
    while ((lm = re.exec(m[3] ?? '')) !== null) labels[lm[1] as string] = (lm[2] as string).replace(/\\(.)/g, '$1');
    out.push({ name: m[1] as string, labels, value: Number(m[4]) });
  }
  return out;
}

/** Series of a metric whose labels include all of `match`. */
export function findSeries(series: Series[], name: string, match: Record<string, string> = {}): Series[] {
  return series.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one series matching, or undefined when there is none. */
export function valueOf(series: Series[], name: string, match: Record<string, string> = {}): number | undefined {
  return findSeries(series, name, match)[0]?.value;
}

/** One value of the /metrics an agent serves on 127.0.0.1:`port`, by name and labels (undefined when absent). */
export async function agentMetric(
  port: number,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return valueOf(parseExposition(text), name, labels);
}
