import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../../agent/logger';
import { buildCommandCore } from '../../bot';
import type { ChatAdapter } from '../../bot/adapters/chatAdapter';
import { createDiscordAdapter } from '../../bot/adapters/discord/discordAdapter';
import { InProcessAgent } from '../../bot/inProcessAgent';
import { StaticFleet } from '../../bot/staticFleet';
import { loadConfig } from '../../config/load';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { removeTestContainers, TEST_LABEL, TEST_RUN_LABEL, testDocker, testRunId, waitFor } from '../support/engine';
import { buttonsOf, FakeDiscord, textOf, type FakeMember, type FakeMessage } from '../support/fakeDiscord';
import { removeKeepTags } from '../support/keepTags';
import { pushTestApp, startRegistry, type PushedTestApp, type RunningRegistry } from '../support/registry';

const TOKEN = 'fake-bot-token-for-deploy';
const DEPLOYERS = { id: '810000000000000001', name: 'Deployers' };
const OPS = { id: '810000000000000002', name: 'Ops' };
const alice: FakeMember = { id: '710000000000000001', username: 'alice', roles: [DEPLOYERS.id] };
const bob: FakeMember = { id: '710000000000000002', username: 'bob', roles: [OPS.id] };
const run = promisify(execFile);
const docker = (...args: string[]) => run('docker', args).then((r) => r.stdout.trim());
const suffix = randomBytes(3).toString('hex');

describe('deploy through Discord (fake Discord, real engine and registry)', () => {
  let fake: FakeDiscord;
  let registry: RunningRegistry;
  let app: PushedTestApp;
  let t: TestAgent;
  let adapter: ChatAdapter;
  let dir: string;
  const name = `dwtest-deploy-discord-${suffix}`;

  const command = async (member: FakeMember, options: Record<string, string>) => {
    const id = await fake.sendSlashCommand(member, 'deploy', options);
    return fake.waitForReply(id, (r) => textOf(r.message ?? r.followUps[0]) !== '');
  };

  beforeAll(async () => {
    fake = await FakeDiscord.start({ token: TOKEN, roles: [DEPLOYERS, OPS], members: [alice, bob] });
    registry = await startRegistry();
    app = await pushTestApp(registry, `dwtest/discord-${suffix}`);
    const labels = ['--label', `${TEST_LABEL}=1`, '--label', `${TEST_RUN_LABEL}=${testRunId}`];
    await docker('run', '-d', '--name', name, ...labels, '--stop-timeout', '1', app.versions.v1.ref);
    const yaml = [
      'containers:',
      `  include: { labels: { ${TEST_RUN_LABEL}: "${testRunId}" } }`,
      'bot:',
      '  discord:',
      `    token: ${TOKEN}`,
      `    guilds: ["${fake.guildId}"]`,
      `    apiUrl: ${fake.apiUrl}`,
      '  roles:',
      '    deployer: { commands: [ps, deploy] }',
      '    operator: { commands: [ps, restart, rollback] }',
      '  members:',
      `    - { role: deployer, discordRoles: ["${DEPLOYERS.id}"] }`,
      `    - { role: operator, discordRoles: ["${OPS.id}"] }`,
    ].join('\n');
    dir = mkdtempSync(join(tmpdir(), 'dockwatch-deploy-discord-'));
    writeFileSync(join(dir, 'dockwatch.yaml'), yaml);
    const config = loadConfig({ file: join(dir, 'dockwatch.yaml'), env: {} });
    t = await startTestAgent(yaml);
    const logger = createLogger({ level: 'warn', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG });
    const fleet = new StaticFleet([new InProcessAgent(t.agent, { config, actions: t.agent.actions })]);
    const core = buildCommandCore({ bot: config.bot, fleet, store: t.agent.store, logger });
    if (!config.bot.discord) throw new Error('the test config has no bot.discord');
    adapter = createDiscordAdapter({ config: config.bot.discord, core, logger });
    await adapter.start();
    await waitFor(async () => t.agent.inventory.all().some((r) => r.name === name), { what: 'the container listed' });
  }, 180_000);

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await t?.stop();
    await removeTestContainers();
    await removeKeepTags([name]);
    const refs = Object.values(app?.versions ?? {}).map((v) => v.ref);
    await docker('rmi', '--no-prune', ...refs).catch(() => undefined);
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers /deploy with the container, the image and --timeout', () => {
    const deploy = fake.registeredCommands().find((c) => c.name === 'deploy') as { options: Record<string, unknown>[] };
    expect(deploy.options.map((o) => [o.name, o.required ?? false])).toEqual([
      ['container', true],
      ['image', false],
      ['timeout', false],
      ['host', false],
    ]);
  });

  it('denies a role without deploy, and asks alice to confirm before it deploys v2', async () => {
    const denied = await command(bob, { container: name, image: app.versions.v2.ref });
    expect(textOf(denied.message ?? denied.followUps[0])).toContain('allows deploy');

    const asked = await command(alice, { container: name, image: app.versions.v2.ref, timeout: '45s' });
    expect(textOf(asked.message)).toContain(`Really deploy ${name}?`);
    expect(buttonsOf(asked.message).map((b) => b.label)).toEqual(['Yes, deploy', 'Cancel']);
    const before = await testDocker().getContainer(name).inspect();
    expect(before.Config.Image).toBe(app.versions.v1.ref);

    const confirm = asked.message as FakeMessage;
    const button = buttonsOf(confirm).find((b) => b.label === 'Yes, deploy');
    const id = await fake.pressButton(alice, confirm, button?.customId ?? '');
    const done = await fake.waitForReply(id, (r) => textOf(r.message).includes('Deployed'), 90_000);
    expect(textOf(done.message)).toContain(`${name} now runs ${app.versions.v2.ref}`);
    const after = await testDocker().getContainer(name).inspect();
    expect(after.Image).toBe(app.versions.v2.imageId);
    expect(after.State.Health?.Status).toBe('healthy');
  });
});
