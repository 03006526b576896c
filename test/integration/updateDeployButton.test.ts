import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../agent/logger';
import { buildCommandCore } from '../../bot';
import type { ChatAdapter } from '../../bot/adapters/chatAdapter';
import { createDiscordAdapter } from '../../bot/adapters/discord/discordAdapter';
import { AlertFeed } from '../../bot/alertFeed';
import { AlertPostStore } from '../../bot/alertPostStore';
import { InProcessAgent } from '../../bot/inProcessAgent';
import { StaticFleet } from '../../bot/staticFleet';
import { loadConfig } from '../../config/load';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { removeTestContainers, testDocker, testRunId, waitFor } from '../support/engine';
import { buttonsOf, FakeDiscord, textOf, type FakeMember, type FakeMessage } from '../support/fakeDiscord';
import { removeKeepTags } from '../support/keepTags';
import { dockerCli, pushTestApp, startRegistry, type PushedTestApp, type RunningRegistry } from '../support/registry';
import { retag } from '../support/registryManifests';

const TOKEN = 'update-button-bot-token';
const HOST = 'update-host';
const DEPLOYERS = { id: '820000000000000001', name: 'Deployers' };
const VIEWERS = { id: '820000000000000002', name: 'Viewers' };
const alice: FakeMember = { id: '720000000000000001', username: 'alice', roles: [DEPLOYERS.id] };
const bob: FakeMember = { id: '720000000000000002', username: 'bob', roles: [VIEWERS.id] };

describe('the Deploy button of an update notice (fake Discord, real engine and registry)', () => {
  let fake: FakeDiscord;
  let registry: RunningRegistry;
  let app: PushedTestApp;
  let t: TestAgent;
  let adapter: ChatAdapter;
  let feed: AlertFeed;
  let dir: string;
  const repo = `upd-deploy-${randomBytes(3).toString('hex')}`;
  const name = `dwtest-upd-deploy-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ token: TOKEN, roles: [DEPLOYERS, VIEWERS], members: [alice, bob] });
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
    const yaml = [
      'agent:',
      `  hostName: ${HOST}`,
      `containers: { include: { labels: { dockwatch.test.run: "${testRunId}" } } }`,
      'revisions: { rollbackTimeout: 30s }',
      'images: { updateCheck: { interval: 10s } }',
      'alerts:',
      '  groupWait: 0s',
      '  rules: [{ name: update, kind: event, event: update-available }]',
      'bot:',
      '  discord:',
      `    token: ${TOKEN}`,
      `    guilds: ["${fake.guildId}"]`,
      `    alertChannel: "${fake.alertChannelId}"`,
      `    apiUrl: ${fake.apiUrl}`,
      '  roles:',
      '    deployer: { commands: [ps, logs, deploy, silence] }',
      '    viewer: { commands: [ps, logs] }',
      '  members:',
      `    - { role: deployer, discordRoles: ["${DEPLOYERS.id}"] }`,
      `    - { role: viewer, discordRoles: ["${VIEWERS.id}"] }`,
    ].join('\n');
    dir = mkdtempSync(join(tmpdir(), 'dockwatch-update-button-'));
    writeFileSync(join(dir, 'dockwatch.yaml'), yaml);
    const config = loadConfig({ file: join(dir, 'dockwatch.yaml'), env: {} });
    t = await startTestAgent(yaml);
    const logger = createLogger({ level: 'warn', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG });
    const fleet = new StaticFleet([new InProcessAgent(t.agent, { config, actions: t.agent.actions })]);
    const core = buildCommandCore({ bot: config.bot, fleet, store: t.agent.store, logger, actionTimeoutMs: 120_000 });
    adapter = createDiscordAdapter({ config: config.bot.discord!, core, logger });
    await adapter.start();
    feed = new AlertFeed({
      fleet,
      adapters: [adapter],
      posts: new AlertPostStore(t.agent.store),
      intervalMs: 3_600_000,
      logger,
    });
  }, 180_000);

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await t?.stop();
    await removeTestContainers();
    await removeKeepTags([name]);
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('posts the notice with Deploy; a viewer is refused, a deployer confirms and the container runs the new image', async () => {
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

    const press = async (member: FakeMember, message: FakeMessage, label: string, until: (text: string) => boolean) => {
      const button = buttonsOf(message).find((b) => b.label === label);
      if (!button) throw new Error(`no ${label} button`);
      const id = await fake.pressButton(member, message, button.customId);
      return fake.waitForReply(id, (r) => until(textOf(r.message ?? r.followUps[0])));
    };
    const denied = await press(bob, posted, 'Deploy', (s) => s !== '');
    expect(textOf(denied.message ?? denied.followUps[0])).toMatch(/may not|not allowed|denied|cannot/i);

    const asked = await press(alice, posted, 'Deploy', (s) => s.includes('Really'));
    const confirm = asked.message as FakeMessage;
    expect(textOf(confirm)).toContain(`Really deploy ${name}`);
    expect(buttonsOf(confirm).map((b) => b.label)).toEqual(['Yes, deploy', 'Cancel']);
    const done = await press(alice, confirm, 'Yes, deploy', (s) => /Deployed|failed|up to date/i.test(s));
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
