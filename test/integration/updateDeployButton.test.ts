import { randomBytes } from 'node:crypto';
import { AlertFeed } from '../../bot/alertFeed';
import { AlertPostStore } from '../../bot/alertPostStore';
import { removeTestContainers, testDocker, testRunId, waitFor } from '../support/engine';
import { answered, showing, shown, startDiscordBot, type DiscordBot } from '../support/discordBotHarness';
import { buttonsOf, textOf, type FakeMember, type FakeMessage } from '../support/fakeDiscord';
import { removeKeepTags } from '../support/keepTags';
import { dockerCli, pushTestApp, startRegistry, type PushedTestApp, type RunningRegistry } from '../support/registry';
import { retag } from '../support/registryManifests';

const HOST = 'update-host';
const DEPLOYERS = { id: '820000000000000001', name: 'Deployers' };
const VIEWERS = { id: '820000000000000002', name: 'Viewers' };
const alice: FakeMember = { id: '720000000000000001', username: 'alice', roles: [DEPLOYERS.id] };
const bob: FakeMember = { id: '720000000000000002', username: 'bob', roles: [VIEWERS.id] };

describe('the Deploy button of an update notice (fake Discord, real engine and registry)', () => {
  let bot: DiscordBot;
  let registry: RunningRegistry;
  let app: PushedTestApp;
  let feed: AlertFeed;
  const repo = `upd-deploy-${randomBytes(3).toString('hex')}`;
  const name = `dwtest-upd-deploy-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    registry = await startRegistry();
    app = await pushTestApp(registry, repo);
    await retag(registry, repo, 'v1', 'latest');
    await dockerCli(['pull', `${app.name}:latest`]);
    await testDocker().createContainer({
      name,
      Image: `${app.name}:latest`,
      Labels: { 'dockwatch.test': '1', 'dockwatch.test.run': testRunId },
      HostConfig: { RestartPolicy: { Name: 'no' } },
    });
    await testDocker().getContainer(name).start();
    bot = await startDiscordBot({
      guildRoles: [DEPLOYERS, VIEWERS],
      guildMembers: [alice, bob],
      config: [
        'agent:',
        `  hostName: ${HOST}`,
        `containers: { include: { labels: { dockwatch.test.run: "${testRunId}" } } }`,
        'revisions: { rollbackTimeout: 30s }',
        'images: { updateCheck: { interval: 10s } }',
        'alerts:',
        '  groupWait: 0s',
        '  rules: [{ name: update, kind: event, event: update-available }]',
      ],
      alertChannel: true,
      roles: ['deployer: { commands: [ps, logs, deploy, silence] }', 'viewer: { commands: [ps, logs] }'],
      members: [
        { role: 'deployer', discordRoles: [DEPLOYERS.id] },
        { role: 'viewer', discordRoles: [VIEWERS.id] },
      ],
      actionTimeoutMs: 120_000,
    });
    feed = new AlertFeed({
      fleet: bot.fleet,
      adapters: [bot.adapter],
      posts: new AlertPostStore(bot.t.agent.store),
      intervalMs: 3_600_000,
      logger: bot.logger,
    });
  }, 180_000);

  afterAll(async () => {
    await bot?.stop();
    await removeTestContainers();
    await removeKeepTags([name]);
    await registry?.stop();
  });

  it('posts the notice with Deploy; a viewer is refused, a deployer confirms and the container runs the new image', async () => {
    const { fake, t } = bot;
    await waitFor(async () => t.agent.inventory.all().some((c) => c.name === name), { what: 'the agent to see it' });
    await retag(registry, repo, 'v2', 'latest');
    expect((await t.agent.updates.checkNow()).results.update).toBe(1);
    await waitFor(async () => t.agent.alerts.engine.alerts().some((a) => a.state === 'firing'), {
      what: 'the update-available alert to fire',
    });
    await feed.tick();
    const posted = await fake.waitForChannelMessage(fake.alertChannelId);
    expect(textOf(posted)).toContain(`Firing: update on ${name}`);
    expect(textOf(posted)).toContain(app.versions.v2.digest);
    expect(buttonsOf(posted).map((b) => b.label)).toEqual(['Deploy', 'Logs', 'Silence 1h']);

    const denied = await bot.press(bob, posted, 'Deploy', answered);
    expect(textOf(shown(denied))).toMatch(/may not|not allowed|denied|cannot/i);

    const asked = await bot.press(
      alice,
      posted,
      'Deploy',
      showing((s) => s.includes('Really')),
    );
    const confirm = asked.message as FakeMessage;
    expect(textOf(confirm)).toContain(`Really deploy ${name}`);
    expect(buttonsOf(confirm).map((b) => b.label)).toEqual(['Yes, deploy', 'Cancel']);
    const done = await bot.press(
      alice,
      confirm,
      'Yes, deploy',
      showing((s) => /Deployed|failed|up to date/i.test(s)),
    );
    expect(textOf(done.message)).toContain(`Deployed ${name}`);

    const info = await testDocker().getContainer(name).inspect();
    expect(info.Image).toBe(app.versions.v2.imageId);
    expect(info.Config.Image).toBe(`${app.name}:latest`);
    await waitFor(async () => t.agent.inventory.all().some((c) => c.name === name && c.imageId === info.Image), {
      what: 'the inventory to see the deployed container',
    });
    expect((await t.agent.updates.checkNow()).results).toMatchObject({ current: 1, update: 0 });
    await waitFor(async () => !t.agent.alerts.engine.alerts().some((a) => a.state === 'firing'), {
      what: 'the notice to resolve',
    });
    await feed.tick();
    const resolved = await fake.waitForChannelMessage(fake.alertChannelId, 2);
    expect(textOf(resolved)).toContain('Resolved: update');
  }, 150_000);
});
