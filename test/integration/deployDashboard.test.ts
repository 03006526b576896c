import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageRefs } from '../../agent/images/diskUsage';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { removeTestContainers, runTestContainer, waitFor } from '../support/engine';
import {
  allPanels,
  dashboardTargets,
  documentedMetrics,
  metricNames,
  readDashboard,
  substituteVariables,
  variableQuery,
} from '../support/grafanaDashboard';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus';

const ROOT = join(__dirname, '../..');
const dashboard = readDashboard(join(ROOT, 'deploy/grafana/dockwatch-dashboard.json'));
const INTERVALS = { rateInterval: '1m', interval: '5s' };

let agent: TestAgent;
let prometheus: RunningPrometheus;
const names: string[] = [];

beforeAll(async () => {
  const containers = await Promise.all([
    runTestContainer({
      name: 'dash-load',
      cmd: ['sh', '-c', 'while :; do echo ERR busy; i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; done'],
      cpus: 0.2,
      memory: '64m',
    }),
    runTestContainer({
      name: 'dash-sick',
      cmd: ['sh', '-c', 'while :; do echo ERR sick; sleep 0.5; done'],
      healthCmd: 'false',
    }),
    runTestContainer({ name: 'dash-loop', cmd: ['sh', '-c', 'sleep 1; exit 3'], restartPolicy: 'always' }),
  ]);
  names.push(...containers.map((c) => c.name));
  agent = await startTestAgent("alerts: { rules: [{ name: errors, kind: log, contains: 'ERR' }] }");
  prometheus = await startPrometheus({
    scrapeTargets: [agent.url.replace('http://', '')],
    scrapeInterval: '1s',
    jobName: 'dockwatch',
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await agent?.stop();
  await removeTestContainers();
});

/** The values Grafana's `label_values(metric, label)` offers, asked of Prometheus the way Grafana asks. */
async function labelValues(query: string): Promise<string[]> {
  const match = /^label_values\((.*),\s*(\w+)\)$/.exec(query);
  if (!match) throw new Error(`not a label_values() query: ${query}`);
  const [, selector = '', label = ''] = match;
  const params = new URLSearchParams({ 'match[]': selector });
  const res = await fetch(`${prometheus.url}/api/v1/label/${label}/values?${params}`);
  const body = (await res.json()) as { status: string; data?: string[]; error?: string };
  if (body.status !== 'success') throw new Error(`label values of ${query} failed: ${body.error ?? res.status}`);
  return body.data ?? [];
}

describe('the Grafana dashboard (deploy/grafana/dockwatch-dashboard.json)', () => {
  it('takes its data source from a variable and offers host and container variables', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.get('DS_PROMETHEUS')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variableQuery(variables.get('host')!)).toBe('label_values(dockwatch_engine_up, instance)');
    expect(variableQuery(variables.get('container')!)).toMatch(/^label_values\(container_last_seen\{.*\}, name\)$/);
    for (const v of ['host', 'container']) expect(variables.get(v)?.datasource?.uid).toBe('${DS_PROMETHEUS}');

    const targets = dashboardTargets(dashboard);
    expect(targets.length).toBeGreaterThanOrEqual(30);
    expect(targets.filter((t) => t.datasourceUid !== '${DS_PROMETHEUS}')).toEqual([]);
    const ids = allPanels(dashboard).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('queries only metrics that docs/metrics.md documents as exported by dockwatch', () => {
    const documented = documentedMetrics(readFileSync(join(ROOT, 'docs/metrics.md'), 'utf8'));
    expect(documented.has('container_network_receive_bytes_total')).toBe(true);
    const queries = [
      ...dashboardTargets(dashboard).map((t) => ({ where: `${t.panel}/${t.refId}`, expr: t.expr })),
      ...dashboard.templating.list.map((v) => ({ where: `variable ${v.name}`, expr: variableQuery(v) })),
    ];
    const unknown = queries.flatMap(({ where, expr }) =>
      metricNames(expr, ['container_', 'machine_', 'dockwatch_', 'process_', 'node_'])
        .filter((name) => !documented.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('answers every panel query from a real Prometheus scraping a real agent, with data', async () => {
    const instance = agent.url.replace('http://', '');
    const hosts = await waitFor(
      async () => {
        const values = await labelValues('label_values(dockwatch_engine_up, instance)');
        return values.includes(instance) ? values : undefined;
      },
      { what: 'the host variable to offer the agent', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(hosts).toEqual([instance]);
    const containerVar = dashboard.templating.list.find((v) => v.name === 'container')!;
    const containerQuery = substituteVariables(variableQuery(containerVar), { host: [instance] }, INTERVALS);
    await waitFor(
      async () => {
        const offered = await labelValues(containerQuery);
        return names.every((n) => offered.includes(n));
      },
      { what: 'the container variable to offer the test containers', timeoutMs: 30_000, intervalMs: 500 },
    );

    const queries = dashboardTargets(dashboard).map((t) => ({
      where: `${t.panel}/${t.refId}`,
      expr: substituteVariables(t.expr, { host: [instance], container: names }, INTERVALS),
    }));
    const problems = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const q of queries) {
        const result = await prometheus.query(q.expr).catch((err: Error) => err);
        if (result instanceof Error) out.push(`${q.where}: ${result.message}`);
        else if (result.length === 0) out.push(`${q.where}: no series for ${q.expr}`);
      }
      return out;
    };
    const remaining = await waitFor(
      async () => {
        const found = await problems();
        return found.length === 0 ? found : undefined;
      },
      { what: 'every dashboard query to return data', timeoutMs: 60_000, intervalMs: 2000 },
    ).catch(() => problems());
    expect(remaining).toEqual([]);
  });

  it('shows images and disk use as the agent read them: four disk types, three image states, the largest images', async () => {
    const instance = agent.url.replace('http://', '');
    const panel = (title: string) => {
      const found = allPanels(dashboard).find((p) => p.title === title);
      if (!found) throw new Error(`no panel ${title}`);
      return (found.targets ?? []).map((t) => substituteVariables(t.expr ?? '', { host: [instance] }, INTERVALS));
    };
    const [usage = '', reclaimable = ''] = panel('Disk use by type');
    const labels = async (expr: string, label: string) =>
      (await prometheus.query(expr)).map((s) => s.metric[label] ?? '').sort();
    const types = ['build_cache', 'containers', 'images', 'volumes'];
    expect(await labels(usage, 'type')).toEqual(types);
    expect(await labels(reclaimable, 'type')).toEqual(types);
    expect(await labels(panel('Images by state')[0] ?? '', 'state')).toEqual(['dangling', 'in_use', 'unused']);
    const report = agent.agent.diskUsage.latest;
    expect(report).toBeDefined();
    const largest = await prometheus.query(panel('Largest images')[0] ?? '');
    expect(largest.length).toBe(
      Math.min(
        10,
        report!.images.reduce((n, i) => n + imageRefs(i).length, 0),
      ),
    );
    const biggest = Math.max(...report!.images.map((i) => i.sizeBytes));
    expect(Math.max(...largest.map((s) => Number(s.value[1])))).toBe(biggest);
  });
});
