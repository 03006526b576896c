import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfig } from '../../config/load';
import { configSchema } from '../../config/schema';
import type { Config } from '../../config/schema';
import { CHART_DIR, ensureHelmRender, REPO_ROOT, renderChart, renderOrThrow } from '../support/helmRender';
import type { RenderOptions } from '../support/helmRender';
import { containerEnv, dataOf, findObject, findWorkload, ofKind, parseManifests } from '../support/k8sObjects';
import type { Container, K8sObject, Workload } from '../support/k8sObjects';
import { strictFieldProblems, validateWithModel } from '../support/k8sSchemaCheck';

const VALUES_ALL = path.join(REPO_ROOT, 'helm/values-all.yaml');
const DASHBOARD = 'deploy/grafana/dockwatch-dashboard.json';
const RULES = 'deploy/prometheus/rules.yml';
const NODE = { 'spec.nodeName': 'node-1' };

let bin = '';
let tmp = '';
const render = (opts: RenderOptions = {}): K8sObject[] => parseManifests(renderOrThrow(bin, opts));

beforeAll(() => {
  bin = ensureHelmRender();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'dockwatch-helm-config-'));
}, 600_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The config a container loads: its ConfigMap's dockwatch.yaml through config/load.ts with the pod's env. */
function loadPodConfig(objects: K8sObject[], workload: Workload, external?: Record<string, Record<string, string>>) {
  const pod = workload.spec.template.spec;
  const container = pod.containers[0] as Container;
  const configMap = pod.volumes?.find((v) => v.name === 'config')?.configMap as { name: string } | undefined;
  const mount = container.volumeMounts?.find((m) => m.name === 'config');
  expect(container.args).toEqual([expect.any(String), '--config', `${mount?.mountPath}/dockwatch.yaml`]);
  const text =
    dataOf(findObject(objects, 'ConfigMap', configMap?.name ?? '(no config volume)'))['dockwatch.yaml'] ?? '';
  const file = path.join(tmp, `${workload.metadata.name}.yaml`);
  writeFileSync(file, text);
  const env = containerEnv(container, objects, NODE, external);
  return { config: loadConfig({ file, env }), text, env };
}

function hostPathOf(workload: Workload, mountPath: string): { path: string; readOnly: boolean } {
  const pod = workload.spec.template.spec;
  const mount = pod.containers[0]?.volumeMounts?.find((m) => m.mountPath === mountPath);
  const volume = pod.volumes?.find((v) => v.name === mount?.name) as { hostPath?: { path: string } } | undefined;
  return { path: volume?.hostPath?.path ?? '(not a hostPath)', readOnly: mount?.readOnly === true };
}

const kindsAndNames = (objects: K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

describe('helm chart helm/dockwatch, rendered by tools/helm-render', () => {
  test('the chart carries byte-equal copies of the dashboard and the alerting rules from deploy/', () => {
    const copy = (from: string, to: string) => ({
      [to]: readFileSync(path.join(CHART_DIR, to), 'utf8') === readFileSync(path.join(REPO_ROOT, from), 'utf8'),
    });
    // .Files cannot reach outside the chart: after editing deploy/, `cp` the file into helm/dockwatch/ again.
    expect({
      ...copy(DASHBOARD, 'dashboards/dockwatch-dashboard.json'),
      ...copy(RULES, 'rules/dockwatch-rules.yml'),
    }).toEqual({ 'dashboards/dockwatch-dashboard.json': true, 'rules/dockwatch-rules.yml': true });
  });

  test('default values: only the agent objects and the dashboard, each valid against the Kubernetes schemas', () => {
    const objects = render();
    expect(kindsAndNames(objects)).toEqual([
      'ConfigMap/dockwatch-config',
      'ConfigMap/dockwatch-dashboard',
      'DaemonSet/dockwatch-agent',
      'Secret/dockwatch',
      'Service/dockwatch',
      'Service/dockwatch-agent',
      'ServiceAccount/dockwatch',
    ]);
    objects.forEach(validateWithModel);
    expect(strictFieldProblems(objects)).toEqual([]);
  });

  test('values-all: every optional object exists, and each is valid against its schema with no unknown field', () => {
    const objects = render({ values: [VALUES_ALL], namespace: 'ops' });
    expect(kindsAndNames(objects)).toEqual([
      'ConfigMap/dockwatch-all-bot-config',
      'ConfigMap/dockwatch-all-config',
      'ConfigMap/dockwatch-all-dashboard',
      'DaemonSet/dockwatch-all-agent',
      'Deployment/dockwatch-all-bot',
      'PersistentVolumeClaim/dockwatch-all-bot',
      'PrometheusRule/dockwatch-all',
      'Secret/dockwatch-all',
      'Service/dockwatch-all',
      'Service/dockwatch-all-agent',
      'Service/dockwatch-all-bot',
      'ServiceAccount/dockwatch-sa',
      'ServiceMonitor/dockwatch-all',
    ]);
    objects.forEach(validateWithModel);
    expect(strictFieldProblems(objects)).toEqual([]);
  });

  test('the schema check itself catches an unknown field and a wrong type', () => {
    const daemonSet = findWorkload(render(), 'DaemonSet');
    const broken = JSON.parse(JSON.stringify(daemonSet)) as Workload;
    const container = broken.spec.template.spec.containers[0] as Container & Record<string, unknown>;
    container.volumeMount = container.volumeMounts;
    expect(strictFieldProblems([broken]).join('\n')).toMatch(
      /^DaemonSet\/dockwatch-agent: .*'"volumeMount"' does not exist in type 'IContainer'/,
    );
    container.ports = [{ name: 'http', containerPort: '9417' as unknown as number }];
    expect(() => validateWithModel(broken)).toThrow(/containerPort must be integer/);
  });

  test.each([
    ['default values', [] as string[]],
    ['values-all', [VALUES_ALL]],
  ])('%s: the DaemonSet mounts the socket, cgroup and proc read-only and the config points at them', (_, values) => {
    const objects = render({ values });
    const ds = findWorkload(objects, 'DaemonSet');
    const { config } = loadPodConfig(objects, ds);
    const expected = values.length ? '/run/docker.sock' : '/var/run/docker.sock';
    expect(config.docker.host).toBe('unix:///var/run/docker.sock');
    expect(hostPathOf(ds, '/var/run/docker.sock')).toEqual({ path: expected, readOnly: true });
    expect(hostPathOf(ds, config.docker.cgroupRoot)).toEqual({ path: '/sys/fs/cgroup', readOnly: true });
    expect(hostPathOf(ds, config.docker.procRoot)).toEqual({ path: '/proc', readOnly: true });
    const pod = ds.spec.template.spec;
    expect(pod.tolerations?.length).toBeGreaterThan(0);
    expect(pod.containers[0]?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.hostNetwork === true).toBe(values.length > 0);
    if (values.length) expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, supplementalGroups: [998] });
  });

  test("the agents' config loads through dockwatch's own loader with the pods' env (token, node name)", () => {
    const defaults = render();
    const plain = loadPodConfig(defaults, findWorkload(defaults, 'DaemonSet'));
    expect(plain.config.agent).toMatchObject({ listen: '0.0.0.0:9417', hostName: 'node-1', dataDir: '/data' });
    expect(plain.config.agent.token).toBe(dataOf(findObject(defaults, 'Secret'))['agent-token']);
    expect(plain.config.agent.token).toMatch(/^[A-Za-z0-9]{40}$/);

    const all = render({ values: [VALUES_ALL] });
    const { config } = loadPodConfig(all, findWorkload(all, 'DaemonSet'));
    expect(config.agent).toMatchObject({ listen: '0.0.0.0:9500', token: 'fake-agent-token-7f3a9c', logLevel: 'debug' });
    expect(config.agent.tls).toEqual({ cert: '/etc/dockwatch-tls/tls.crt', key: '/etc/dockwatch-tls/tls.key' });
    expect(config.stats.interval).toBe(10_000);
    expect(config.alerts.rules.map((r) => r.name)).toEqual(['panic', 'oom-killed', 'memory-high']);
    const notifiers = config.notifiers as unknown as { name: string; url: string; headers?: Record<string, string> }[];
    expect(notifiers.find((n) => n.name === 'ops-discord')?.url).toContain('fake-webhook-secret-33b1');
    expect(notifiers.find((n) => n.name === 'hook')?.headers).toEqual({ 'X-Key': 'fake-hook-key-8d42' });
    expect(config.bot.discord).toBeUndefined();
  });

  test("the bot's discovery DNS is the agents' headless Service, and its config loads with the bot's env", () => {
    const objects = render({ values: [VALUES_ALL], namespace: 'ops' });
    const bot = findWorkload(objects, 'Deployment');
    const ds = findWorkload(objects, 'DaemonSet');
    const { config } = loadPodConfig(objects, bot);
    const discovery = config.bot.discovery as NonNullable<Config['bot']['discovery']>;
    const headless = objects.find(
      (o) => o.kind === 'Service' && (o.spec as { clusterIP?: string }).clusterIP === 'None',
    ) as K8sObject & { spec: { selector: Record<string, string>; ports: { port: number }[] } };
    expect(discovery.dns).toBe(`${headless.metadata.name}.ops.svc.cluster.example`);
    expect(ds.spec.template.metadata.labels).toMatchObject(headless.spec.selector);
    expect(headless.spec.ports[0]?.port).toBe(discovery.port);
    expect(ds.spec.template.spec.containers[0]?.ports?.[0]?.containerPort).toBe(discovery.port);
    expect(discovery).toMatchObject({ scheme: 'https', ca: '/etc/dockwatch-tls/ca.crt', interval: 15_000 });
    expect(discovery.token).toBe('fake-agent-token-7f3a9c');
    expect(config.bot.discord?.token).toBe('fake-discord-token-5b21e8');
    expect(config.bot.slack).toMatchObject({ token: 'xoxb-fake-slack-token-c4d7', listen: '0.0.0.0:3100' });
    expect(config.bot.agents[0]?.token).toBe('fake-outside-agent-token-2c90');
    expect(bot.spec.template.spec.containers[0]?.args?.[0]).toBe('bot');
    expect(ds.spec.template.spec.containers[0]?.args?.[0]).toBe('agent');
  });

  test('secret values appear in the Secret only, never in a ConfigMap or a pod spec', () => {
    const values = YAML.parse(readFileSync(VALUES_ALL, 'utf8')) as { secrets: Record<string, unknown> };
    const { env, existingSecret, ...tokens } = values.secrets;
    expect(existingSecret).toBe('');
    const secretValues = [...Object.values(tokens), ...Object.values(env as Record<string, string>)] as string[];
    expect(secretValues.length).toBeGreaterThanOrEqual(8);
    const objects = render({ values: [VALUES_ALL] });
    const secretData = Object.values(dataOf(findObject(objects, 'Secret')));
    expect(secretData).toEqual(expect.arrayContaining(secretValues));
    for (const object of objects.filter((o) => o.kind !== 'Secret')) {
      const text = JSON.stringify(object);
      const leaked = secretValues.filter((s) => text.includes(s) || text.includes(Buffer.from(s).toString('base64')));
      expect({ object: `${object.kind}/${object.metadata.name}`, leaked }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        leaked: [],
      });
    }
  });

  test('a token written into config is refused; a ${VAR} reference is accepted', () => {
    const inline = renderChart(bin, { values: [{ config: { agent: { token: 'plain-token' } } }] });
    expect(inline).toEqual({ ok: false, error: expect.stringContaining('config.agent.token would be stored in a') });
    expect(JSON.stringify(inline)).not.toContain('plain-token');
    const agents = [{ name: 'x', url: 'http://x:9417', token: 'plain' }];
    const listed = renderChart(bin, { values: [{ config: { bot: { agents } } }] });
    expect(listed).toEqual({ ok: false, error: expect.stringContaining('config.bot.agents[0].token') });
    expect(renderChart(bin, { values: [{ config: { agent: { token: '${MY_TOKEN}' } } }] }).ok).toBe(true);
  });

  test('existingSecret: no Secret is made and every secret env var reads the named Secret', () => {
    const objects = render({ values: [VALUES_ALL, { secrets: { existingSecret: 'dockwatch-creds' } }] });
    expect(ofKind(objects, 'Secret')).toEqual([]);
    const refs = [findWorkload(objects, 'DaemonSet'), findWorkload(objects, 'Deployment')].flatMap((w) =>
      (w.spec.template.spec.containers[0]?.env ?? []).flatMap((e) => e.valueFrom?.secretKeyRef ?? []),
    );
    expect(new Set(refs.map((r) => r.name))).toEqual(new Set(['dockwatch-creds']));
    expect(refs.map((r) => r.key)).toEqual(expect.arrayContaining(['agent-token', 'discord-token', 'HOOK_KEY']));
    const external = { 'dockwatch-creds': { 'agent-token': 't', 'discord-token': 'd', 'slack-token': 's' } };
    const fakeEnv = { 'slack-signing-secret': 'x', DISCORD_WEBHOOK_URL: 'https://w', HOOK_KEY: 'k' };
    Object.assign(external['dockwatch-creds'], fakeEnv, { OUTSIDE_AGENT_TOKEN: 'o' });
    expect(loadPodConfig(objects, findWorkload(objects, 'DaemonSet'), external).config.agent.token).toBe('t');
  });

  test('the bot needs a chat platform and its tokens; Socket Mode uses the app token and opens no Service', () => {
    const noPlatform = renderChart(bin, { values: [{ bot: { enabled: true } }] });
    expect(noPlatform).toEqual({ ok: false, error: expect.stringContaining('bot.enabled needs config.bot.discord') });
    const discord = { config: { bot: { discord: { guilds: ['1'] } } }, bot: { enabled: true } };
    expect(renderChart(bin, { values: [discord] })).toEqual({
      ok: false,
      error: expect.stringContaining("give the bot's Discord token as secrets.discordToken"),
    });
    const socket = {
      config: { bot: { slack: { socketMode: true }, roles: { a: { commands: ['ps'] } } } },
      bot: { enabled: true },
      secrets: { slackToken: 'xoxb-1', slackAppToken: 'xapp-1' },
    };
    const objects = render({ values: [socket] });
    expect(
      ofKind(objects, 'Service')
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(['dockwatch', 'dockwatch-agent']);
    const bot = findWorkload(objects, 'Deployment');
    const { config, env } = loadPodConfig(objects, bot);
    expect(Object.keys(env).sort()).toEqual([
      'DOCKWATCH_BOT_DISCOVERY_TOKEN',
      'DOCKWATCH_BOT_SLACK_APP_TOKEN',
      'DOCKWATCH_BOT_SLACK_TOKEN',
    ]);
    expect(config.bot.slack).toMatchObject({ socketMode: true, appToken: 'xapp-1' });
    expect(config.bot.discovery?.dns).toBe('dockwatch-agent.default.svc.cluster.local');
    objects.forEach(validateWithModel);
  });

  test("the dashboard ConfigMap is labelled for Grafana's sidecar and holds the dashboard", () => {
    const copy = path.join(CHART_DIR, 'dashboards/dockwatch-dashboard.json'); // equal to deploy/'s: first test
    const dashboard = JSON.parse(readFileSync(copy, 'utf8')) as unknown;
    const plain = findObject(render(), 'ConfigMap', 'dockwatch-dashboard');
    expect(plain.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(JSON.parse(dataOf(plain)['dockwatch-dashboard.json'] ?? '')).toEqual(dashboard);
    const all = findObject(render({ values: [VALUES_ALL] }), 'ConfigMap', 'dockwatch-all-dashboard');
    expect(all.metadata).toMatchObject({ namespace: 'monitoring', annotations: { grafana_folder: 'Docker' } });
    const custom = render({ values: [{ dashboards: { labels: { grafana_dashboard: null, 'dash/board': 'yes' } } }] });
    expect(findObject(custom, 'ConfigMap', 'dockwatch-dashboard').metadata.labels).toMatchObject({
      'dash/board': 'yes',
    });
    expect(findObject(custom, 'ConfigMap', 'dockwatch-dashboard').metadata.labels).not.toHaveProperty(
      'grafana_dashboard',
    );
  });

  test('the PrometheusRule holds the rules of deploy/prometheus/rules.yml; the ServiceMonitor names the job they use', () => {
    const objects = render({ values: [VALUES_ALL] });
    const rules = YAML.parse(readFileSync(path.join(REPO_ROOT, RULES), 'utf8')) as { groups: unknown[] };
    expect((findObject(objects, 'PrometheusRule').spec as { groups: unknown[] }).groups).toEqual(rules.groups);
    const monitor = findObject(objects, 'ServiceMonitor').spec as {
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string; relabelings: { targetLabel: string; replacement?: string }[] }[];
    };
    const services = ofKind(objects, 'Service').filter((s) =>
      Object.entries(monitor.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v),
    );
    expect(services.map((s) => s.metadata.name)).toEqual(['dockwatch-all']);
    expect(monitor.endpoints[0]?.relabelings).toContainEqual({ targetLabel: 'job', replacement: 'dockwatch' });
    expect(JSON.stringify(rules)).toContain('up{job=\\"dockwatch\\"}');
  });

  test('values.schema.json refuses mistyped and unknown values, and lists exactly the config file keys', () => {
    expect(renderChart(bin, { values: [{ agent: { port: 'http' } }] })).toEqual({
      ok: false,
      error: expect.stringMatching(/agent\.port: Invalid type\. Expected: integer, given: string/),
    });
    expect(renderChart(bin, { values: [{ agnet: {} }] })).toEqual({
      ok: false,
      error: expect.stringContaining('Additional property agnet is not allowed'),
    });
    expect(renderChart(bin, { values: [{ config: { stat: {} } }] })).toEqual({
      ok: false,
      error: expect.stringContaining('Additional property stat is not allowed'),
    });
    const schema = JSON.parse(readFileSync(path.join(CHART_DIR, 'values.schema.json'), 'utf8')) as {
      properties: { config: { properties: Record<string, unknown> } };
    };
    expect(Object.keys(schema.properties.config.properties).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  test('NOTES.txt tells how to reach the metrics, the bot and the token', () => {
    const plain = renderOrThrow(bin, { notes: true });
    expect(plain).toContain('port-forward svc/dockwatch 9417');
    expect(plain).toContain('a new random token was generated');
    const all = renderOrThrow(bin, { notes: true, values: [VALUES_ALL], namespace: 'ops' });
    expect(all).toContain('finds the agents at\ndockwatch-all-agent.ops.svc.cluster.example:9500');
    expect(all).toContain('ServiceMonitor dockwatch-all');
    expect(all).not.toContain('random token');
  });
});
