import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { CADVISOR_DEFAULT_METRICS } from '../support/cadvisorMetrics';
import { removeTestContainers, runTestContainer, waitFor } from '../support/engine';
import { parseExposition } from '../support/exposition';
import {
  dashboardTargets,
  leftOutCadvisorMetrics,
  readDashboard,
  savedVariableValues,
  substituteVariables,
} from '../support/grafanaDashboard';
import { startNodeExporter } from '../support/nodeExporter';
import { promtoolCheckMetrics, startPrometheus, type RunningPrometheus } from '../support/prometheus';

const DASHBOARD = join(__dirname, '../fixtures/dockprom/docker_containers.json');
const DASHBOARD_179 = join(__dirname, '../fixtures/grafana-179/docker-prometheus-monitoring.json');
const METRICS_DOC = join(__dirname, '../../docs/metrics.md');

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

/** Names cAdvisor (and dockwatch) take from the cgroups' byte counters of block IO alone. */
const BLKIO_BYTES = [
  'container_fs_reads_bytes_total',
  'container_fs_writes_bytes_total',
  'container_blkio_device_usage_total',
];

/**
 * Whether this host's root cgroup counts block IO bytes per device: v1 blkio files or v2 io.stat at the root. On
 * recent kernels the v1 throttle files count only throttled IO, so a host without limits has none: neither cAdvisor
 * nor dockwatch can then export the blkio byte families.
 */
function hostCountsBlockIo(cgroupRoot = '/sys/fs/cgroup'): boolean {
  const files = [
    'io.stat',
    'blkio/blkio.bfq.io_service_bytes_recursive',
    'blkio/blkio.io_service_bytes_recursive',
    'blkio/blkio.throttle.io_service_bytes_recursive',
    'blkio/blkio.throttle.io_service_bytes',
  ];
  return files.some((f) => {
    try {
      return /^\d+:\d+ /m.test(readFileSync(join(cgroupRoot, f), 'utf8'));
    } catch {
      return false;
    }
  });
}

/** cAdvisor's PSI names: data only on cgroup v2 with pressure accounting (v1 has no per-cgroup PSI). */
const PRESSURE = ['cpu', 'memory', 'io'].flatMap((r) => [
  `container_pressure_${r}_stalled_seconds_total`,
  `container_pressure_${r}_waiting_seconds_total`,
]);

/** Whether this host's cgroups account pressure: a cgroup v2 root with cpu.pressure. */
function hostHasPressure(cgroupRoot = '/sys/fs/cgroup'): boolean {
  return existsSync(join(cgroupRoot, 'cgroup.controllers')) && existsSync(join(cgroupRoot, 'cpu.pressure'));
}

/** The container and machine queries of a dashboard, as in each dashboard test. */
const CONTAINER_OR_MACHINE = /container_|machine_/;

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
    // A quota, so that the CFS families (only for containers with one, as cAdvisor) are there too.
    cpus: 1.5,
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
  });
  webName = web.name;
  agent = await startTestAgent('stats: { fsUsageInterval: 1s }');
  nodeExporter = await startNodeExporter();
  prometheus = await startPrometheus({
    scrapeTargets: [agent.url.replace('http://', ''), nodeExporter.address],
    scrapeInterval: '1s',
    // The job name of the stack dashboard 179 comes with (vegasbrianc/prometheus): its panels select job="cadvisor".
    jobName: 'cadvisor',
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
    const containerQueries = queries.filter((q) => CONTAINER_OR_MACHINE.test(q.expr));
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

  it('answers every container and machine query of "Docker Prometheus Monitoring" (Grafana.com 179), unmodified', async () => {
    const dashboard = readDashboard(DASHBOARD_179) as ReturnType<typeof readDashboard> & { gnetId: number };
    expect([dashboard.title, dashboard.gnetId]).toEqual(['Docker Prometheus Monitoring', 179]);
    // Grafana puts the saved value of the dashboard's own `interval` variable (1m) in place of $interval.
    const values = savedVariableValues(dashboard);
    expect(values).toEqual({ interval: ['1m'] });
    const queries = dashboardTargets(dashboard)
      .filter((t) => CONTAINER_OR_MACHINE.test(t.expr))
      .map((t) => ({ ...t, expr: substituteVariables(t.expr, values, { rateInterval: '1m', interval: '15s' }) }));
    expect(queries.map((q) => q.panel)).toEqual([
      'Running Containers',
      'Node Network Traffic',
      'Node Network Traffic',
      'Container CPU usage',
      'Container Memory Usage',
      'Container Network Input',
      'Container Network Output',
    ]);
    for (const q of queries) expect(q.expr).not.toContain('$');
    const empty = await waitFor(
      async () => {
        const missing: string[] = [];
        for (const q of queries) {
          if (!(await hasData(q.expr))) missing.push(`${q.panel}: ${q.expr}`);
        }
        return missing.length === 0 ? missing : undefined;
      },
      { what: 'every dashboard 179 query to return data', timeoutMs: 60_000, intervalMs: 2000 },
    );
    expect(empty).toEqual([]);
  });

  it('stores the root container id="/" without name or image, its memory covering the containers\', and its CPU counter rising', async () => {
    const network = await waitFor(
      async () => {
        const r = await prometheus.query('container_network_receive_bytes_total{id="/"}');
        return r.length > 0 ? r : undefined;
      },
      { what: 'the root network series', timeoutMs: 30_000, intervalMs: 500 },
    );
    for (const s of network) {
      expect(s.metric.name).toBeUndefined();
      expect(s.metric.image).toBeUndefined();
      expect(s.metric.interface).not.toMatch(/^(lo|veth|docker)/);
    }
    const value = async (expr: string) => Number((await prometheus.query(expr))[0]?.value[1]);
    const rootMemory = await value('container_memory_usage_bytes{id="/"}');
    const containersMemory = await value('sum(container_memory_usage_bytes{name!=""})');
    expect(containersMemory).toBeGreaterThan(0);
    expect(rootMemory).toBeGreaterThanOrEqual(containersMemory);
    expect(rootMemory).toBeLessThanOrEqual(await value('machine_memory_bytes'));
    const cpu = 'container_cpu_usage_seconds_total{id="/",cpu="total"}';
    const first = await value(cpu);
    expect(first).toBeGreaterThan(0);
    const later = await waitFor(
      async () => {
        const v = await value(cpu);
        return v > first ? v : undefined;
      },
      { what: 'the root CPU counter to rise', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(later).toBeGreaterThan(first);
    const fs = await prometheus.query('container_fs_limit_bytes{id="/"}');
    expect(fs.length).toBeGreaterThan(0);
    for (const s of fs) {
      const used = await value(`container_fs_usage_bytes{id="/",device="${s.metric.device}"}`);
      expect(used).toBeGreaterThan(0);
      expect(used).toBeLessThanOrEqual(Number(s.value[1]));
    }
  });

  it('exports every name cAdvisor exports by default, but those docs/metrics.md leaves out', async () => {
    const leftOut = leftOutCadvisorMetrics(readFileSync(METRICS_DOC, 'utf8'));
    expect(leftOut.size).toBeGreaterThan(0);
    const noDataHere = new Set([...(hostCountsBlockIo() ? [] : BLKIO_BYTES), ...(hostHasPressure() ? [] : PRESSURE)]);
    // Some series come with the first writable-layer refresh or the second pass: poll, then show what is off.
    let last = { absent: [...CADVISOR_DEFAULT_METRICS], claimed: [] as string[] };
    await waitFor(
      async () => {
        const exported = new Set(parseExposition((await agent.scrapeText()).body).map((s) => s.name));
        last = {
          absent: CADVISOR_DEFAULT_METRICS.filter((n) => !exported.has(n) && !leftOut.has(n) && !noDataHere.has(n)),
          claimed: [...leftOut].filter((n) => exported.has(n)),
        };
        return last.absent.length === 0 ? true : undefined;
      },
      { what: 'every cAdvisor default name in the exposition', timeoutMs: 30_000, intervalMs: 1000 },
    ).catch(() => undefined);
    expect(last).toEqual({ absent: [], claimed: [] });
    for (const name of leftOut) expect(CADVISOR_DEFAULT_METRICS).toContain(name);
  });
});
