import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctlHistory, runCtl, startAgentProcess, writeAgentConfig, type AgentProcess } from '../support/ctlProcess';
import { dockerRun } from '../support/dockerRun';
import { removeTestContainers, testDocker, waitFor } from '../support/engine';
import { agentMetric } from '../support/exposition';
import { freePort } from '../support/freePort';
import { removeKeepTags } from '../support/keepTags';
import { startRecordingServer, type RecordingServer } from '../support/recordingServer';
import { pushTestApp, pushTestAppAs, startRegistry, type RunningRegistry } from '../support/registry';

// With the registry stalled (SIGSTOP: it accepts and never answers) and then down: an update notice already sent
// stays up and is not resolved (dockwatch cannot know the tag did not move), the failed checks are counted, and a
// deploy fails naming the registry, leaving the container and its history as they were.

type Sent = { status: string };

const suffix = randomBytes(3).toString('hex');
const name = `dwtest-rgf-${suffix}`;
const repo = `dwtest/registry-faults-${suffix}`;
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-rgf-'));
const configFile = join(dir, 'dockwatch.yaml');

describe('the update check and deploy with the registry stalled, then down (agent process, ctl)', () => {
  let hook: RecordingServer;
  let registry: RunningRegistry;
  let agent: AgentProcess | undefined;
  let port: number;

  const statuses = () => hook.requestsTo('/hook').map((r) => (JSON.parse(r.body) as Sent).status);
  const updateAvailable = () => agentMetric(port, 'dockwatch_image_update_available', { name });
  const failedChecks = async () =>
    (await agentMetric(port, 'dockwatch_image_update_checks_total', { result: 'error' })) ?? 0;
  const rounds = async () => (await agentMetric(port, 'dockwatch_image_update_rounds_total')) ?? 0;

  /** The container under `name` as `ctl deploy` must leave it when the registry cannot be reached. */
  const expectUnchanged = async (id: string, image: string) => {
    const now = await testDocker().getContainer(name).inspect();
    expect(now.Id).toBe(id);
    expect(now.Image).toBe(image);
    expect(now.State.Running).toBe(true);
  };

  beforeAll(async () => {
    hook = await startRecordingServer();
    registry = await startRegistry();
    await pushTestApp(registry, repo);
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

  it('keeps the notice, counts the failures and refuses the deploy, stalled and down', async () => {
    agent = await startAgentProcess(configFile, port);
    await waitFor(async () => (await rounds()) >= 1, { what: 'the first update round', timeoutMs: 40_000 });
    await pushTestAppAs(registry, repo, 'v2', 'latest');
    await waitFor(async () => statuses().length >= 1, { what: 'the update notice', timeoutMs: 40_000 });
    expect(await updateAvailable()).toBe(1);
    const before = await testDocker().getContainer(name).inspect();
    const history = await ctlHistory(configFile, 'alice', name);

    // Stalled: each check waits for its timeout (15 s), then fails; the notice stays.
    registry.stall();
    const failedBefore = await failedChecks();
    await waitFor(async () => (await failedChecks()) > failedBefore, {
      what: 'a failed check of the stalled registry',
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    expect(await updateAvailable()).toBe(1);
    const stalledDeploy = await runCtl(configFile, 'alice', 'deploy', name, '--yes');
    expect(stalledDeploy.code).toBe(4);
    expect(stalledDeploy.stdout + stalledDeploy.stderr).toMatch(new RegExp(`registry ${registry.host}.*unreachable`));
    await expectUnchanged(before.Id, before.Image);

    // Down: answered at once with a refused connection; still no resolved notice, the failures keep counting.
    registry.resume();
    await registry.stop();
    const roundsDown = await rounds();
    const failedDown = await failedChecks();
    await waitFor(async () => (await rounds()) >= roundsDown + 2, {
      what: 'two rounds with the registry down',
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    expect(await failedChecks()).toBeGreaterThan(failedDown);
    expect(await updateAvailable()).toBe(1);
    const downDeploy = await runCtl(configFile, 'alice', 'deploy', name, '--yes');
    expect(downDeploy.code).toBe(4);
    expect(downDeploy.stdout + downDeploy.stderr).toMatch(new RegExp(`registry ${registry.host}.*unreachable`));
    await expectUnchanged(before.Id, before.Image);

    expect(await ctlHistory(configFile, 'alice', name)).toEqual(history);
    expect(statuses()).toEqual(['firing']);
  }, 300_000);
});
