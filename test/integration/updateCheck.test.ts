import { randomBytes } from 'node:crypto';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import {
  removeTestContainers,
  runTestContainer,
  testDocker,
  testRunId,
  waitFor,
  type TestContainer,
  type TestImage,
} from '../support/engine';
import { startRecordingServer, type RecordingServer } from '../support/recordingServer';
import {
  dockerCli,
  pushTestApp,
  startRegistry,
  type PushedTestApp,
  type RegistryOptions,
  type RunningRegistry,
} from '../support/registry';
import { promtoolCheckMetrics } from '../support/prometheus';
import { putIndex, retag } from '../support/registryManifests';

type Sent = { status: string; alerts: { labels: Record<string, string> }[] };

const USER = { username: 'updater', password: 'upd-Secret-42' };

/** The agent config: this run's containers only, a 10 s interval (the floor), the event rule to a webhook. */
function agentYaml(hook: string, extra: string[] = []): string {
  return [
    `containers: { include: { labels: { dockwatch.test.run: "${testRunId}" } } }`,
    'images: { updateCheck: { interval: 10s } }',
    'alerts:',
    '  groupWait: 0s',
    '  rules: [{ name: update, kind: event, event: update-available }]',
    '  routes: [{ notifiers: [hook] }]',
    `notifiers: [{ name: hook, type: webhook, url: "${hook}" }]`,
    ...extra,
  ].join('\n');
}

/** The local images whose names or digests mention `repoName` (`host/repo`), as `id name digest` lines, sorted. */
async function localImages(repoName: string): Promise<string[]> {
  const out = await dockerCli([
    'images',
    '--digests',
    '--no-trunc',
    '--format',
    '{{.ID}} {{.Repository}}:{{.Tag}} {{.Digest}}',
  ]);
  return out
    .split('\n')
    .filter((l) => l.includes(repoName))
    .sort();
}

/** Pulls `ref` (with the registry's logged-in CLI config) and runs a container from it. */
async function runFrom(registry: RunningRegistry, ref: string, name: string): Promise<TestContainer> {
  await dockerCli(['pull', ref], { configDir: registry.dockerConfigDir });
  return runTestContainer({ name, image: ref as TestImage, cmd: ['sleep', '3600'], stopTimeoutSeconds: 1 });
}

async function available(agent: TestAgent, name: string): Promise<number | undefined> {
  const series = await agent.scrape();
  return series.find((s) => s.name === 'dockwatch_image_update_available' && s.labels.name === name)?.value;
}

function notices(server: RecordingServer, name: string): Sent[] {
  return server
    .requestsTo('/hook')
    .map((r) => JSON.parse(r.body) as Sent)
    .filter((n) => n.alerts.some((a) => a.labels.container === name));
}

/** In a describe block: a webhook recorder and a registry with the test app pushed to `repo`, stopped after it. */
function registryAndHook(repo: string, options: RegistryOptions = {}) {
  const env = {} as { hook: RecordingServer; registry: RunningRegistry; app: PushedTestApp };
  beforeAll(async () => {
    env.hook = await startRecordingServer();
    env.registry = await startRegistry(options);
    env.app = await pushTestApp(env.registry, repo);
  }, 180_000);

  afterAll(async () => {
    await removeTestContainers();
    await env.hook?.stop();
    await env.registry?.stop();
  });
  return env;
}

describe('update check against a real registry (no pull)', () => {
  const repo = `upd-${randomBytes(3).toString('hex')}`;
  const env = registryAndHook(repo);

  it('a moved tag is an update: found without pulling, metric 1, the event rule fires once over several rounds', async () => {
    await retag(env.registry, repo, 'v2', 'latest');
    const ref = `${env.app.name}:latest`;
    const web = await runFrom(env.registry, ref, 'upd-web');
    const agent = await startTestAgent(agentYaml(`${env.hook.url}/hook`));
    try {
      // The first round runs by itself about 10 s after start: v2 is the tag's image, no update.
      await waitFor(async () => (await available(agent, web.name)) === 0, {
        what: 'the first scheduled round to report no update',
        timeoutMs: 25_000,
      });
      const before = await localImages(env.app.name);

      await retag(env.registry, repo, 'v3', 'latest');
      const round = await agent.agent.updates.checkNow();
      expect(round.results.update).toBe(1);
      expect(await available(agent, web.name)).toBe(1);
      await waitFor(async () => notices(env.hook, web.name).length >= 1, { what: 'the update notice at the webhook' });
      for (let i = 0; i < 3; i++) await agent.agent.updates.checkNow();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const sent = notices(env.hook, web.name);
      expect(sent.map((n) => n.status)).toEqual(['firing']);
      expect(sent[0]?.alerts[0]?.labels).toMatchObject({
        container: web.name,
        image: ref,
        digest: env.app.versions.v3.digest,
      });
      expect(await available(agent, web.name)).toBe(1);

      // Nothing was pulled: the local images of the repository are what they were, latest still v2.
      expect(await localImages(env.app.name)).toEqual(before);
      const local = await testDocker().getImage(ref).inspect();
      expect(local.Id).toBe(env.app.versions.v2.imageId);
      const requests = agent.agent.updates.results.requests.get(env.registry.host) ?? 0;
      expect(requests).toBeGreaterThanOrEqual(5);
      const exposition = (await agent.scrapeText()).body;
      expect(exposition).toMatch(/^dockwatch_image_update_checks_total\{result="update"\} [1-9]/m);
      expect(exposition).toContain(`dockwatch_image_update_registry_requests_total{registry="${env.registry.host}"}`);
      expect((await promtoolCheckMetrics(exposition)).output).toBe('');

      // The tag moving back to the running image resolves the notice.
      await retag(env.registry, repo, 'v2', 'latest');
      await agent.agent.updates.checkNow();
      expect(await available(agent, web.name)).toBe(0);
      await waitFor(async () => notices(env.hook, web.name).length === 2, { what: 'the resolved notice' });
      expect(notices(env.hook, web.name).map((n) => n.status)).toEqual(['firing', 'resolved']);
    } finally {
      await agent.stop();
      await testDocker().getContainer(web.id).remove({ force: true });
    }
  }, 120_000);

  it('a multi-arch index: only the arm64 entry changing is no update; the host entry changing is one', async () => {
    const host = { os: 'linux', architecture: 'amd64' };
    const arm = { os: 'linux', architecture: 'arm64', variant: 'v8' };
    await putIndex(env.registry, repo, 'multi', [
      { reference: 'v2', platform: host },
      { reference: 'v1', platform: arm },
    ]);
    const web = await runFrom(env.registry, `${env.app.name}:multi`, 'upd-multi');
    const agent = await startTestAgent(agentYaml(`${env.hook.url}/hook`));
    try {
      expect((await agent.agent.updates.checkNow()).results).toMatchObject({ current: 1, update: 0, error: 0 });
      expect(await available(agent, web.name)).toBe(0);

      await putIndex(env.registry, repo, 'multi', [
        { reference: 'v2', platform: host },
        { reference: 'v3', platform: arm },
      ]);
      expect((await agent.agent.updates.checkNow()).results).toMatchObject({ current: 1, update: 0, error: 0 });
      expect(await available(agent, web.name)).toBe(0);

      await putIndex(env.registry, repo, 'multi', [
        { reference: 'v3', platform: host },
        { reference: 'v3', platform: arm },
      ]);
      expect((await agent.agent.updates.checkNow()).results).toMatchObject({ update: 1 });
      expect(await available(agent, web.name)).toBe(1);
      await waitFor(async () => notices(env.hook, web.name).length === 1, { what: 'the update notice' });
      expect(notices(env.hook, web.name)[0]?.alerts[0]?.labels.digest).toBe(env.app.versions.v3.digest);
    } finally {
      await agent.stop();
    }
  }, 120_000);
});

describe('update check against an htpasswd registry', () => {
  const repo = `upd-auth-${randomBytes(3).toString('hex')}`;
  const env = registryAndHook(repo, { auth: USER });

  it('uses the credentials of registries: in the config, and says so (no password) when there are none', async () => {
    await retag(env.registry, repo, 'v1', 'stable');
    const web = await runFrom(env.registry, `${env.app.name}:stable`, 'upd-auth');
    await retag(env.registry, repo, 'v2', 'stable');

    const anonymous = await startTestAgent(agentYaml(`${env.hook.url}/hook`));
    try {
      const round = await anonymous.agent.updates.checkNow();
      expect(round.results).toMatchObject({ error: 1, update: 0 });
      expect(await available(anonymous, web.name)).toBeUndefined();
    } finally {
      await anonymous.stop();
    }

    const registries = [
      'registries:',
      `  - { host: "${env.registry.host}", username: ${USER.username}, password: "${USER.password}" }`,
    ];
    const agent = await startTestAgent(agentYaml(`${env.hook.url}/hook`, registries));
    try {
      expect((await agent.agent.updates.checkNow()).results).toMatchObject({ update: 1, error: 0 });
      expect(await available(agent, web.name)).toBe(1);
      await waitFor(async () => notices(env.hook, web.name).length === 1, { what: 'the update notice' });
      const scrape = await agent.scrapeText();
      expect(scrape.body).not.toContain(USER.password);
    } finally {
      await agent.stop();
    }
  }, 120_000);
});

describe('update check with the engine unreachable', () => {
  it('runs no round and exports no answer while the engine is down (never "no update")', async () => {
    const agent = await startTestAgent(
      [
        'docker: { host: "unix:///tmp/dockwatch-nobody-listens.sock" }',
        'images: { updateCheck: { interval: 10s } }',
      ].join('\n'),
    );
    try {
      const round = await agent.agent.updates.checkNow();
      expect(round.skipped).toBe('engine unreachable');
      expect(round.containers).toBe(0);
      const exposition = (await agent.scrapeText()).body;
      expect(exposition).not.toMatch(/^dockwatch_image_update_available\{/m);
      expect(exposition).toMatch(/^dockwatch_image_update_rounds_total 0$/m);
    } finally {
      await agent.stop();
    }
  }, 60_000);
});
