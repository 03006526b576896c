import { readFileSync } from 'node:fs';

/** One query of a Grafana dashboard panel: the panel's title, the target's refId and its PromQL. */
export type DashboardTarget = { panel: string; refId: string; expr: string; datasourceUid: string | undefined };

/** The parts of a Grafana dashboard JSON model the tests read. */
export type GrafanaDashboard = {
  schemaVersion: number;
  uid: string;
  title: string;
  panels: GrafanaPanel[];
  templating: { list: GrafanaVariable[] };
};

/** A panel (rows carry nested `panels` when collapsed). */
export type GrafanaPanel = {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Array<{ refId: string; expr?: string; datasource?: { type?: string; uid?: string } }>;
  panels?: GrafanaPanel[];
};

/** A template variable. */
export type GrafanaVariable = {
  name: string;
  type: string;
  query?: string | { query: string };
  definition?: string;
  datasource?: { type?: string; uid?: string };
  /** The value saved with the dashboard (what Grafana uses until a user picks another). */
  current?: { text?: string | string[]; value?: string | string[] };
};

/** Reads and parses a dashboard JSON file. */
export function readDashboard(file: string): GrafanaDashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as GrafanaDashboard;
}

/** Every panel, rows' nested panels included, in file order. */
export function allPanels(dashboard: GrafanaDashboard): GrafanaPanel[] {
  const out: GrafanaPanel[] = [];
  const walk = (panels: GrafanaPanel[]) => {
    for (const p of panels) {
      out.push(p);
      if (p.panels) walk(p.panels);
    }
  };
  walk(dashboard.panels);
  return out;
}

/** Every PromQL target of every panel. */
export function dashboardTargets(dashboard: GrafanaDashboard): DashboardTarget[] {
  return allPanels(dashboard).flatMap((p) =>
    (p.targets ?? [])
      .filter((t): t is typeof t & { expr: string } => typeof t.expr === 'string')
      .map((t) => ({ panel: p.title, refId: t.refId, expr: t.expr, datasourceUid: t.datasource?.uid })),
  );
}

/** A variable's query text (Grafana stores it as a string or as `{ query }`). */
export function variableQuery(variable: GrafanaVariable): string {
  return typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
}

/**
 * Replaces Grafana's variables in an expression the way Grafana would for a query: `$name` / `${name}` with the
 * given values (several values become a regex alternation, as a multi-value variable in `=~` does), and the
 * built-in intervals with fixed ones.
 */
export function substituteVariables(
  expr: string,
  values: Record<string, string[]>,
  intervals: { rateInterval: string; interval: string },
): string {
  let out = expr.replaceAll('$__rate_interval', intervals.rateInterval).replaceAll('$__interval', intervals.interval);
  for (const [name, vals] of Object.entries(values)) {
    const value = vals.length === 1 ? (vals[0] ?? '') : `(${vals.join('|')})`;
    out = out.replaceAll(`\${${name}}`, value).replace(new RegExp(`\\$${name}\\b`, 'g'), value);
  }
  return out;
}

/**
 * The saved values of the dashboard's variables that Grafana takes as they are, without querying a data source
 * (`interval`, `custom`, `constant`, `textbox`), as `substituteVariables` wants them. Query variables are left out:
 * Grafana would resolve them with a query first.
 */
export function savedVariableValues(dashboard: GrafanaDashboard): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (const v of dashboard.templating.list) {
    if (!['interval', 'custom', 'constant', 'textbox'].includes(v.type)) continue;
    const value = v.current?.value;
    if (value === undefined) continue;
    values[v.name] = Array.isArray(value) ? value : [value];
  }
  return values;
}

/**
 * Metric names a PromQL expression refers to that start with one of the given prefixes: identifiers outside
 * strings, label matchers (`{...}`) and label lists (`by (...)`, `on (...)`, …), which hold label names.
 */
export function metricNames(expr: string, prefixes: string[]): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const pattern = new RegExp(`\\b(?:${prefixes.join('|')})[a-zA-Z0-9_:]*`, 'g');
  return [...new Set(bare.match(pattern) ?? [])];
}

/**
 * The metric names docs/metrics.md (under its "# Metrics reference" heading) documents, with cAdvisor-style brace
 * groups expanded (`container_fs_{reads,writes}_total` → two names).
 */
export function documentedMetrics(metricsDoc: string): Set<string> {
  const start = metricsDoc.indexOf('# Metrics reference\n');
  if (start === -1) throw new Error('no "# Metrics reference" heading in the metrics document');
  const end = metricsDoc.indexOf('\n# ', start + 1);
  const section = metricsDoc.slice(start, end === -1 ? undefined : end);
  const names = new Set<string>();
  for (const row of section.split('\n').filter((l) => l.startsWith('|'))) {
    const firstCell = row.split('|')[1] ?? '';
    for (const [, code] of firstCell.matchAll(/`([^`]+)`/g)) {
      for (const name of expandBraces(code ?? '')) names.add(name);
    }
  }
  return names;
}

/**
 * The cAdvisor names docs/metrics.md ("# Metrics reference") says dockwatch leaves out: the code spans before the
 * colon of each bullet of the list that follows "Every name cAdvisor exports by default", brace groups expanded.
 */
export function leftOutCadvisorMetrics(metricsDoc: string): Set<string> {
  const start = metricsDoc.indexOf('Every name cAdvisor exports by default');
  if (start === -1) throw new Error('no "Every name cAdvisor exports by default" list in the metrics document');
  const listEnd = metricsDoc.indexOf('\n\n', metricsDoc.indexOf('\n- ', start) + 1);
  const list = metricsDoc.slice(start, listEnd === -1 ? undefined : listEnd);
  const names = new Set<string>();
  for (const bullet of list.split('\n- ').slice(1)) {
    const head = bullet.slice(0, bullet.indexOf('`:') + 1);
    for (const [, code] of head.matchAll(/`([^`]+)`/g)) {
      for (const name of expandBraces(code ?? '')) names.add(name);
    }
  }
  return names;
}

function expandBraces(text: string): string[] {
  const match = /\{([^{}]*)\}/.exec(text);
  if (!match) return [text];
  const [whole, inner = ''] = match;
  return inner
    .split(',')
    .flatMap((alt) => expandBraces(text.slice(0, match.index) + alt + text.slice(match.index + whole.length)));
}
