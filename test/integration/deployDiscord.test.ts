import { randomBytes } from 'node:crypto';
import { docker, dockerRun } from '../support/dockerRun';
import { removeTestContainers, TEST_RUN_LABEL, testDocker, testRunId } from '../support/engine';
import { answered, shown, startDiscordBot, type DiscordBot } from '../support/discordBotHarness';
import { buttonsOf, textOf, type FakeMember, type FakeMessage } from '../support/fakeDiscord';
import { removeKeepTags } from '../support/keepTags';
import { pushTestApp, startRegistry, type PushedTestApp, type RunningRegistry } from '../support/registry';

const DEPLOYERS = { id: '810000000000000001', name: 'Deployers' };
const OPS = { id: '810000000000000002', name: 'Ops' };
const alice: FakeMember = { id: '710000000000000001', username: 'alice', roles: [DEPLOYERS.id] };
const bob: FakeMember = { id: '710000000000000002', username: 'bob', roles: [OPS.id] };
const suffix = randomBytes(3).toString('hex');

describe('deploy through Discord (fake Discord, real engine and registry)', () => {
  let bot: DiscordBot;
  let registry: RunningRegistry;
  let app: PushedTestApp;
  const name = `dwtest-deploy-discord-${suffix}`;

  const command = (member: FakeMember, options: Record<string, string>) =>
    bot.command(member, 'deploy', options, answered);

  beforeAll(async () => {
    registry = await startRegistry();
    app = await pushTestApp(registry, `dwtest/discord-${suffix}`);
    await dockerRun(name, app.versions.v1.ref, ['--stop-timeout', '1']);
    bot = await startDiscordBot({
      guildRoles: [DEPLOYERS, OPS],
      guildMembers: [alice, bob],
      config: ['containers:', `  include: { labels: { ${TEST_RUN_LABEL}: "${testRunId}" } }`],
      roles: ['deployer: { commands: [ps, deploy] }', 'operator: { commands: [ps, restart, rollback] }'],
      members: [
        { role: 'deployer', discordRoles: [DEPLOYERS.id] },
        { role: 'operator', discordRoles: [OPS.id] },
      ],
    });
    await bot.waitForContainers(name);
  }, 180_000);

  afterAll(async () => {
    await bot?.stop();
    await removeTestContainers();
    await removeKeepTags([name]);
    const refs = Object.values(app?.versions ?? {}).map((v) => v.ref);
    await docker('rmi', '--no-prune', ...refs).catch(() => undefined);
    await registry?.stop();
  });

  it('registers /deploy with the container, the image and --timeout', () => {
    expect(bot.registeredOptions('deploy').map((o) => [o.name, o.required ?? false])).toEqual([
      ['container', true],
      ['image', false],
      ['timeout', false],
      ['host', false],
    ]);
  });

  it('denies a role without deploy, and asks alice to confirm before it deploys v2', async () => {
    const denied = await command(bob, { container: name, image: app.versions.v2.ref });
    expect(textOf(shown(denied))).toContain('allows deploy');

    const asked = await command(alice, { container: name, image: app.versions.v2.ref, timeout: '45s' });
    expect(textOf(asked.message)).toContain(`Really deploy ${name}?`);
    expect(buttonsOf(asked.message).map((b) => b.label)).toEqual(['Yes, deploy', 'Cancel']);
    const before = await testDocker().getContainer(name).inspect();
    expect(before.Config.Image).toBe(app.versions.v1.ref);

    const confirm = asked.message as FakeMessage;
    const done = await bot.press(alice, confirm, 'Yes, deploy', (r) => textOf(r.message).includes('Deployed'), 90_000);
    expect(textOf(done.message)).toContain(`${name} now runs ${app.versions.v2.ref}`);
    const after = await testDocker().getContainer(name).inspect();
    expect(after.Image).toBe(app.versions.v2.imageId);
    expect(after.State.Health?.Status).toBe('healthy');
  });
});
