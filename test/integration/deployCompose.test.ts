import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../config/load';
import { layOutBindMounts, parseComposeConfig, type ComposeConfig } from '../support/composeStack';
import { PROMTOOL_BIN } from '../support/prometheus';
import { alertNames } from '../support/ruleTestCoverage';
import { AMTOOL_BIN, DOCKER_COMPOSE_BIN, runTool } from '../support/toolRun';

const ROOT = join(__dirname, '../..');
const COMPOSE_FILE = join(ROOT, 'deploy/compose/docker-compose.yml');
/** Only what docker-compose needs, so the developer's own BIND_ADDRESS, DOCKWATCH_TOKEN etc. do not leak in. */
const BASE_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
const TOKEN = 'compose-test-token';
const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

let stack: ComposeConfig;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-compose-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  const run = await runTool(DOCKER_COMPOSE_BIN, ['-f', COMPOSE_FILE, 'config'], {
    env: { ...BASE_ENV, DOCKWATCH_TOKEN: TOKEN },
  });
  if (run.code !== 0) throw new Error(`docker-compose config failed (${run.code}):\n${run.output}`);
  stack = parseComposeConfig(run.output);
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function service(name: string) {
  const svc = stack.services[name];
  if (!svc) throw new Error(`the compose stack has no service ${name}`);
  return svc;
}

function mountSource(name: string, target: string): string {
  const mount = service(name).volumes?.find((v) => v.target === target);
  if (!mount?.source) throw new Error(`service ${name} mounts nothing at ${target}`);
  return mount.source;
}

describe('the compose stack (deploy/compose/docker-compose.yml)', () => {
  it('is valid for docker-compose 1.29, wiring dockwatch, Prometheus, Alertmanager and Grafana', () => {
    expect(Object.keys(stack.services).sort()).toEqual(['alertmanager', 'dockwatch', 'grafana', 'prometheus']);
    expect(service('dockwatch')).toMatchObject({ image: 'dockwatch:latest', build: { context: ROOT } });
    for (const name of ['prometheus', 'alertmanager', 'grafana']) {
      expect(service(name).image).toMatch(/^(prom\/prometheus|prom\/alertmanager|grafana\/grafana):v?\d+\.\d+\.\d+$/);
    }
    const published = Object.values(stack.services).flatMap((s) => s.ports ?? []);
    expect(published.length).toBe(4);
    expect(published.filter((p) => p.host_ip !== '127.0.0.1')).toEqual([]);
  });

  it('refuses to start without DOCKWATCH_TOKEN and says which variable is missing', async () => {
    const run = await runTool(DOCKER_COMPOSE_BIN, ['-f', COMPOSE_FILE, 'config'], { env: BASE_ENV });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('set DOCKWATCH_TOKEN');
  });

  it("gives dockwatch the socket, the host's cgroups and /proc read-only, and a data volume", () => {
    const volumes = service('dockwatch').volumes ?? [];
    expect(volumes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: '/var/run/docker.sock', target: '/var/run/docker.sock' }),
        expect.objectContaining({ source: '/sys/fs/cgroup', target: '/host/sys/fs/cgroup', read_only: true }),
        expect.objectContaining({ source: '/proc', target: '/host/proc', read_only: true }),
        expect.objectContaining({ type: 'volume', source: 'dockwatch-data', target: '/data' }),
      ]),
    );
  });

  it('has an example dockwatch config that dockwatch loads with the environment the stack gives it', () => {
    const env = service('dockwatch').environment ?? {};
    expect(env.DOCKWATCH_TOKEN).toBe(TOKEN);
    const configPath = env.DOCKWATCH_CONFIG ?? '';
    const config = loadConfig({ file: mountSource('dockwatch', configPath), env });
    expect(config.agent).toMatchObject({ listen: '0.0.0.0:9417', dataDir: '/data', token: TOKEN });
    expect(config.docker).toMatchObject({ cgroupRoot: '/host/sys/fs/cgroup', procRoot: '/host/proc' });
    expect(config.alerts.rules.length).toBeGreaterThanOrEqual(3);
    expect(service('dockwatch').ports).toEqual([expect.objectContaining({ host_ip: '127.0.0.1', target: 9417 })]);
  });

  it('has a Prometheus config that passes promtool check config with its rules laid out as in the stack', async () => {
    const root = tempDir();
    const laidOut = layOutBindMounts(service('prometheus'), root, isFile);
    expect(laidOut.sort()).toEqual(['/etc/prometheus/prometheus.yml', '/etc/prometheus/rules.yml']);
    const configFile = (service('prometheus').command ?? [])
      .find((a) => a.startsWith('--config.file='))
      ?.slice('--config.file='.length);
    expect(configFile).toBe('/etc/prometheus/prometheus.yml');

    const check = await runTool(PROMTOOL_BIN, ['check', 'config', `.${configFile}`], { cwd: root });
    const rules = alertNames(readFileSync(join(root, 'etc/prometheus/rules.yml'), 'utf8'));
    expect(check.output).toContain('SUCCESS: 1 rule files found');
    expect(check.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(check.code).toBe(0);

    const prom = parse(readFileSync(join(root, `.${configFile}`), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
      alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    };
    const dockwatchJob = prom.scrape_configs.find((j) => j.job_name === 'dockwatch');
    expect(dockwatchJob?.static_configs.flatMap((s) => s.targets)).toEqual(['dockwatch:9417']);
    expect(prom.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((s) => s.targets))).toEqual([
      'alertmanager:9093',
    ]);
  });

  it('has an Alertmanager config that amtool check-config accepts', async () => {
    const root = tempDir();
    expect(layOutBindMounts(service('alertmanager'), root, isFile)).toEqual(['/etc/alertmanager/alertmanager.yml']);
    const check = await runTool(AMTOOL_BIN, ['check-config', 'etc/alertmanager/alertmanager.yml'], { cwd: root });
    expect(check.output).toContain('SUCCESS');
    expect(check.code).toBe(0);
  });

  it('provisions Grafana with the Prometheus service as data source and the dashboard where it is mounted', () => {
    const datasources = parse(
      readFileSync(join(mountSource('grafana', '/etc/grafana/provisioning/datasources'), 'prometheus.yml'), 'utf8'),
    ) as { datasources: Array<{ type: string; url: string; isDefault: boolean }> };
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true }),
    ]);
    const providers = parse(
      readFileSync(join(mountSource('grafana', '/etc/grafana/provisioning/dashboards'), 'dockwatch.yml'), 'utf8'),
    ) as { providers: Array<{ type: string; options: { path: string } }> };
    const dashboardDir = providers.providers[0]?.options.path ?? '';
    const mounted = (service('grafana').volumes ?? []).filter((v) => v.target.startsWith(`${dashboardDir}/`));
    expect(mounted.map((v) => v.source)).toEqual([join(ROOT, 'deploy/grafana/dockwatch-dashboard.json')]);
  });
});
