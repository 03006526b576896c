import { ctlHistory, runCtl, startAgentProcess, type AgentProcess } from '../support/ctlProcess';
import { testDocker, waitFor } from '../support/engine';
import { agentMetric } from '../support/exposition';
import { pushTestAppAs } from '../support/registry';
import { startUpdateNoticeRig, type UpdateNoticeRig } from '../support/updateNoticeRig';

// With the registry stalled (SIGSTOP: it accepts and never answers) and then down: an update notice already sent
// stays up and is not resolved (dockwatch cannot know the tag did not move), the failed checks are counted, and a
// deploy fails naming the registry, leaving the container and its history as they were.

describe('the update check and deploy with the registry stalled, then down (agent process, ctl)', () => {
  let rig: UpdateNoticeRig;
  let agent: AgentProcess | undefined;

  const updateAvailable = () => agentMetric(rig.port, 'dockwatch_image_update_available', { name: rig.name });
  const failedChecks = async () =>
    (await agentMetric(rig.port, 'dockwatch_image_update_checks_total', { result: 'error' })) ?? 0;
  const rounds = async () => (await agentMetric(rig.port, 'dockwatch_image_update_rounds_total')) ?? 0;

  /** The container under the name as `ctl deploy` must leave it when the registry cannot be reached. */
  const expectUnchanged = async (id: string, image: string) => {
    const now = await testDocker().getContainer(rig.name).inspect();
    expect(now.Id).toBe(id);
    expect(now.Image).toBe(image);
    expect(now.State.Running).toBe(true);
  };

  beforeAll(async () => {
    rig = await startUpdateNoticeRig('rgf');
  }, 120_000);

  afterAll(() => rig?.stop(agent));

  it('keeps the notice, counts the failures and refuses the deploy, stalled and down', async () => {
    const { name, registry, repo, configFile, port, statuses } = rig;
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
