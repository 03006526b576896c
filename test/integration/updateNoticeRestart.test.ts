import { runCtl, startAgentProcess, type AgentProcess } from '../support/ctlProcess';
import { testDocker, waitFor } from '../support/engine';
import { agentMetric } from '../support/exposition';
import { pushTestAppAs } from '../support/registry';
import { startUpdateNoticeRig, type UpdateNoticeRig } from '../support/updateNoticeRig';

// The promise from the outside, over time and across restarts: an update notice is sent once per moved tag, also
// when the agent is SIGKILLed and started again on its data dir, and resolved once after the deploy.

type Sent = { status: string; alerts: { labels: Record<string, string> }[] };

describe('an update notice across agent restarts (dockwatch agent process, real registry)', () => {
  let rig: UpdateNoticeRig;
  let agent: AgentProcess | undefined;

  const notices = () => rig.hook.requestsTo('/hook').map((r) => JSON.parse(r.body) as Sent);
  const statuses = () => rig.statuses();
  /** Starts the agent and waits until its first update round (about 10 s after start) has run. */
  const startAgent = async () => {
    agent = await startAgentProcess(rig.configFile, rig.port);
    await waitFor(async () => ((await agentMetric(rig.port, 'dockwatch_image_update_rounds_total')) ?? 0) >= 1, {
      what: 'the first update round',
      timeoutMs: 40_000,
      intervalMs: 250,
    });
  };

  beforeAll(async () => {
    rig = await startUpdateNoticeRig('unr');
  }, 120_000);

  afterAll(() => rig?.stop(agent));

  it('is sent once, not again after a SIGKILL and a restart, and resolved once after the deploy', async () => {
    const { name, registry, repo, app, configFile, port } = rig;
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
