import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCtl, startAgentProcess, writeAgentConfig, type AgentProcess } from '../support/ctlProcess';
import { dockerRun } from '../support/dockerRun';
import { removeTestContainers, testDocker, waitFor } from '../support/engine';
import { agentMetric } from '../support/exposition';
import { freePort } from '../support/freePort';
import { removeKeepTags } from '../support/keepTags';
import { startRecordingServer, type RecordingServer } from '../support/recordingServer';
import {
  pushTestApp,
  pushTestAppAs,
  startRegistry,
  type PushedTestApp,
  type RunningRegistry,
} from '../support/registry';

// The promise from the outside, over time and across restarts: an update notice is sent once per moved tag, also
// when the agent is SIGKILLed and started again on its data dir, and resolved once after the deploy.

type Sent = { status: string; alerts: { labels: Record<string, string> }[] };

const suffix = randomBytes(3).toString('hex');
const name = `dwtest-unr-${suffix}`;
const repo = `dwtest/notice-restart-${suffix}`;
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-unr-'));
const configFile = join(dir, 'dockwatch.yaml');

describe('an update notice across agent restarts (dockwatch agent process, real registry)', () => {
  let hook: RecordingServer;
  let registry: RunningRegistry;
  let app: PushedTestApp;
  let agent: AgentProcess | undefined;
  let port: number;

  const notices = () => hook.requestsTo('/hook').map((r) => JSON.parse(r.body) as Sent);
  const statuses = () => notices().map((n) => n.status);
  /** Starts the agent and waits until its first update round (about 10 s after start) has run. */
  const startAgent = async () => {
    agent = await startAgentProcess(configFile, port);
    await waitFor(async () => ((await agentMetric(port, 'dockwatch_image_update_rounds_total')) ?? 0) >= 1, {
      what: 'the first update round',
      timeoutMs: 40_000,
      intervalMs: 250,
    });
  };

  beforeAll(async () => {
    hook = await startRecordingServer();
    registry = await startRegistry();
    app = await pushTestApp(registry, repo);
    const latest = (await pushTestAppAs(registry, repo, 'v1', 'latest')).ref;
    await dockerRun(name, latest, ['-e', 'GREETING=hello', '--stop-timeout', '1']);
    port = await freePort();
    writeAgentConfig(configFile, { dataDir: join(dir, 'store'), port }, [
      'images: { updateCheck: { interval: 10s } }',
      'alerts:',
      '  groupWait: 0s',
      '  rules: [{ name: update, kind: event, event: update-available }]',
      '  routes: [{ notifiers: [hook] }]',
      `notifiers: [{ name: hook, type: webhook, url: "${hook.url}/hook" }]`,
    ]);
  }, 120_000);

  afterAll(async () => {
    if (process.env.DOCKWATCH_TEST_LOG) process.stderr.write(agent?.log() ?? '');
    await agent?.stop();
    await removeTestContainers();
    await removeKeepTags([name]);
    await registry?.stop();
    await hook?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is sent once, not again after a SIGKILL and a restart, and resolved once after the deploy', async () => {
    await startAgent();
    expect(await agentMetric(port, 'dockwatch_image_update_available', { name })).toBe(0);
    expect(statuses()).toEqual([]);

    await pushTestAppAs(registry, repo, 'v2', 'latest');
    await waitFor(async () => statuses().length >= 1, { what: 'the update notice', timeoutMs: 40_000 });
    expect(notices()[0]?.alerts[0]?.labels).toMatchObject({ container: name, digest: app.versions.v2.digest });
    await new Promise((resolve) => setTimeout(resolve, 1000));

    // A crash: SIGKILL, then the agent starts again on its data dir and checks again (twice).
    agent?.process.kill('SIGKILL');
    await new Promise((resolve) => agent?.process.once('exit', resolve));
    await startAgent();
    expect(await agentMetric(port, 'dockwatch_image_update_available', { name })).toBe(1);
    await waitFor(async () => ((await agentMetric(port, 'dockwatch_image_update_rounds_total')) ?? 0) >= 2, {
      what: 'a second round after the restart',
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    // And a clean restart too.
    await agent?.stop();
    await startAgent();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(statuses()).toEqual(['firing']);

    // Deployed (its own tag pulled again): the next round finds it current and the notice resolves, once.
    const deployed = await runCtl(configFile, 'alice', 'deploy', name, '--yes');
    expect(deployed.code).toBe(0);
    expect((await testDocker().getContainer(name).inspect()).Image).toBe(app.versions.v2.imageId);
    await waitFor(async () => statuses().length >= 2, { what: 'the resolved notice', timeoutMs: 40_000 });
    await waitFor(async () => (await agentMetric(port, 'dockwatch_image_update_available', { name })) === 0, {
      what: 'the metric back to 0',
      timeoutMs: 30_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(statuses()).toEqual(['firing', 'resolved']);
  }, 300_000);
});
