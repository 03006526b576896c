import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../agent/logger';
import { buildCommandCore } from '../../bot';
import type { ChatAdapter } from '../../bot/adapters/chatAdapter';
import { createDiscordAdapter } from '../../bot/adapters/discord/discordAdapter';
import { InProcessAgent } from '../../bot/inProcessAgent';
import { StaticFleet } from '../../bot/staticFleet';
import { loadConfig } from '../../config/load';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { testDocker } from '../support/engine';
import { FakeDiscord, textOf, type FakeMember, type FakeReply } from '../support/fakeDiscord';
import { pushFreshImage, startRegistry, type RunningRegistry } from '../support/registry';

const TOKEN = 'fake-bot-token-for-the-pull-test';
const PASSWORD = 'discord-pull-pw-4711';
const PULLERS = { id: '810000000000000001', name: 'Pullers' };
const VIEWERS = { id: '810000000000000002', name: 'Viewers' };
const alice: FakeMember = { id: '710000000000000001', username: 'alice', roles: [PULLERS.id] };
const bob: FakeMember = { id: '710000000000000002', username: 'bob', roles: [VIEWERS.id] };

/** The final answer, not a progress edit (`Running pull …`). */
const answered = (reply: FakeReply) => {
  const text = textOf(reply.message ?? reply.followUps[0]);
  return text !== '' && !text.startsWith('Running pull');
};

describe('pull from Discord (fake Discord, real engine and registry with htpasswd auth)', () => {
  let fake: FakeDiscord;
  let registry: RunningRegistry;
  let t: TestAgent;
  let adapter: ChatAdapter;
  let dir: string;

  beforeAll(async () => {
    [fake, registry] = await Promise.all([
      FakeDiscord.start({ token: TOKEN, roles: [PULLERS, VIEWERS], members: [alice, bob] }),
      startRegistry({ auth: { username: 'alice', password: PASSWORD } }),
    ]);
    const yaml = [
      'registries:',
      `  - { host: "${registry.host}", username: alice, password: ${PASSWORD} }`,
      'bot:',
      '  discord:',
      `    token: ${TOKEN}`,
      `    guilds: ["${fake.guildId}"]`,
      `    apiUrl: ${fake.apiUrl}`,
      '  roles:',
      '    puller: { commands: [pull, images] }',
      '    viewer: { commands: [ps, images] }',
      '  members:',
      `    - { role: puller, discordRoles: ["${PULLERS.id}"] }`,
      `    - { role: viewer, discordRoles: ["${VIEWERS.id}"] }`,
    ].join('\n');
    dir = mkdtempSync(join(tmpdir(), 'dockwatch-pull-discord-'));
    writeFileSync(join(dir, 'dockwatch.yaml'), yaml);
    const config = loadConfig({ file: join(dir, 'dockwatch.yaml'), env: {} });
    t = await startTestAgent(yaml);
    const logger = createLogger({ level: 'warn', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG });
    const agent = new InProcessAgent(t.agent, { config, actions: t.agent.actions, pulls: t.agent.pulls });
    const core = buildCommandCore({ bot: config.bot, fleet: new StaticFleet([agent]), store: t.agent.store, logger });
    const discord = config.bot.discord;
    if (!discord) throw new Error('the test config has no bot.discord');
    adapter = createDiscordAdapter({ config: discord, core, logger });
    await adapter.start();
  }, 120_000);

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await t?.stop();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers /pull with a required image option', () => {
    const pull = fake.registeredCommands().find((c) => c.name === 'pull') as { options: Record<string, unknown>[] };
    expect(pull.options).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'image', type: 3, required: true })]),
    );
  });

  it('pulls with the configured credentials and shows the layers; denies a role without pull', async () => {
    const image = await pushFreshImage(registry, 'team/app', 'v1', 400_000);
    try {
      const reply = await fake.waitForReply(await fake.sendSlashCommand(alice, 'pull', { image: image.ref }), answered);
      const text = textOf(reply.message ?? reply.followUps[0]);
      expect(text).toContain(`Pulled ${image.ref}`);
      expect(text).toMatch(/layers 3\/3, 400\.\d kB \/ 400\.\d kB/);
      expect(text).not.toContain(PASSWORD);
      expect((await testDocker().getImage(image.ref).inspect()).Id).toBe(image.imageId);

      const denied = await fake.waitForReply(await fake.sendSlashCommand(bob, 'pull', { image: image.ref }), answered);
      expect(textOf(denied.message ?? denied.followUps[0])).toContain('allows pull');
    } finally {
      await testDocker()
        .getImage(image.ref)
        .remove()
        .catch(() => undefined);
    }
  });

  it('says an unknown tag was not found', async () => {
    const ref = `${registry.host}/team/app:nope`;
    const reply = await fake.waitForReply(await fake.sendSlashCommand(alice, 'pull', { image: ref }), answered);
    expect(textOf(reply.message ?? reply.followUps[0])).toContain(`image ${ref} was not found`);
  });
});
