import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { removeTestContainers, runTestContainer, waitFor } from '../support/engine';
import { startNodeExporter } from '../support/nodeExporter';
import { promtoolCheckMetrics, startPrometheus, type RunningPrometheus } from '../support/prometheus';

const DASHBOARD = join(__dirname, '../fixtures/dockprom/docker_containers.json');

/** Every PromQL expression of a Grafana dashboard (old `rows` layout and new `panels` alike). */
function dashboardQueries(json: unknown): { title: string; expr: string }[] {
  const out: { title: string; expr: string }[] = [];
  const walk = (node: unknown, title: string) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, title));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const t = typeof o.title === 'string' ? o.title : title;
    if (typeof o.expr === 'string') out.push({ title: t, expr: o.expr });
    for (const v of Object.values(o)) walk(v, t);
  };
  walk(json, '');
  return out;
}

/** Whether an instant query returns data: a non-empty vector, or a scalar that is a number. */
async function hasData(expr: string): Promise<boolean> {
  const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; data: { resultType: string; result: unknown } };
  if (body.status !== 'success') throw new Error(`query ${expr} failed`);
  if (body.data.resultType === 'scalar') return !Number.isNaN(Number((body.data.result as [number, string])[1]));
  return (body.data.result as unknown[]).length > 0;
}

let agent: TestAgent;
let prometheus: RunningPrometheus;
let nodeExporter: Awaited<ReturnType<typeof startNodeExporter>>;
let webName = '';

beforeAll(async () => {
  const web = await runTestContainer({
    name: 'prom-web',
    cmd: ['sh', '-c', 'while :; do echo x > /tmp/f; sleep 0.2; done'],
    memory: '64m',
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
  });
  webName = web.name;
  agent = await startTestAgent('stats: { fsUsageInterval: 1s }');
  nodeExporter = await startNodeExporter();
  prometheus = await startPrometheus({
    scrapeTargets: [agent.url.replace('http://', ''), nodeExporter.address],
    scrapeInterval: '1s',
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await nodeExporter?.stop();
  await agent?.stop();
  await removeTestContainers();
});

describe('a real Prometheus scraping the agent', () => {
  it('stores the expected series with cAdvisor labels', async () => {
    const result = await waitFor(
      async () => {
        const r = await prometheus.query(`container_spec_memory_limit_bytes{name="${webName}"}`);
        return r.length > 0 ? r : undefined;
      },
      { what: 'the memory limit series in Prometheus', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(result[0]?.value[1]).toBe('67108864');
    expect(result[0]?.metric).toMatchObject({
      image: 'dockwatch-test/busybox:1',
      container_label_com_docker_compose_project: 'shop',
      container_label_com_docker_compose_service: 'web',
    });
    const up = await prometheus.query('dockwatch_engine_up');
    expect(up[0]?.value[1]).toBe('1');
  });

  it('passes promtool check metrics in both formats', async () => {
    const text = await agent.scrapeText();
    const check = await promtoolCheckMetrics(text.body);
    expect(check.output).toBe('');
    expect(check.ok).toBe(true);
    const om = await agent.scrapeText('application/openmetrics-text;version=1.0.0');
    expect(om.body).toContain('# EOF');
  });

  it('answers every container query of the dockprom "Docker Containers" dashboard, unmodified', async () => {
    const queries = dashboardQueries(JSON.parse(readFileSync(DASHBOARD, 'utf8')));
    const containerQueries = queries.filter((q) => /container_|machine_/.test(q.expr));
    expect(containerQueries.length).toBeGreaterThanOrEqual(8);
    const empty = await waitFor(
      async () => {
        const missing: string[] = [];
        for (const q of containerQueries) {
          if (!(await hasData(q.expr))) missing.push(`${q.title}: ${q.expr}`);
        }
        return missing.length === 0 ? missing : undefined;
      },
      { what: 'every dashboard query to return data', timeoutMs: 40_000, intervalMs: 2000 },
    );
    expect(empty).toEqual([]);
  });
});
