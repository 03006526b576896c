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
import { removeTestContainers, runTestContainer, waitFor, type TestContainer } from '../support/engine';
import { FakeDiscord, textOf, type FakeMember } from '../support/fakeDiscord';

const TOKEN = 'fake-exec-bot-token';
const OPS = { id: '810000000000000001', name: 'Ops' };
const ADMINS = { id: '810000000000000002', name: 'Admins' };
const olga: FakeMember = { id: '710000000000000001', username: 'olga', roles: [OPS.id] };
const adam: FakeMember = { id: '710000000000000002', username: 'adam', roles: [ADMINS.id] };

let fake: FakeDiscord;
let t: TestAgent;
let adapter: ChatAdapter;
let dir: string;
let box: TestContainer;

async function run(member: FakeMember, options: Record<string, string>) {
  const id = await fake.sendSlashCommand(member, 'exec', options);
  return fake.waitForReply(id, (reply) => textOf(reply.message) !== '');
}

beforeAll(async () => {
  fake = await FakeDiscord.start({ token: TOKEN, roles: [OPS, ADMINS], members: [olga, adam] });
  box = await runTestContainer({
    name: 'exec-discord',
    cmd: ['sh', '-c', 'mkdir -p /etc && echo "listen 80" > /etc/app.conf && exec sleep 600'],
  });
  const yaml = [
    'containers:',
    '  include: { labels: { dockwatch.test: "1" } }',
    'bot:',
    '  rateLimit: { commands: 100, per: 1m }',
    '  discord:',
    `    token: ${TOKEN}`,
    `    guilds: ["${fake.guildId}"]`,
    `    apiUrl: ${fake.apiUrl}`,
    '  roles:',
    "    ops: { commands: [exec], exec: ['cat /etc/*.conf'] }",
    '    admin: { commands: ["*"] }',
    '  members:',
    `    - { role: ops, discordRoles: ["${OPS.id}"] }`,
    `    - { role: admin, discordRoles: ["${ADMINS.id}"] }`,
  ].join('\n');
  dir = mkdtempSync(join(tmpdir(), 'dockwatch-exec-discord-'));
  writeFileSync(join(dir, 'dockwatch.yaml'), yaml);
  const config = loadConfig({ file: join(dir, 'dockwatch.yaml'), env: {} });
  t = await startTestAgent(yaml);
  const logger = createLogger({ level: 'warn', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG });
  const fleet = new StaticFleet([new InProcessAgent(t.agent, { config, actions: t.agent.actions })]);
  const core = buildCommandCore({ bot: config.bot, fleet, store: t.agent.store, logger });
  if (!config.bot.discord) throw new Error('no bot.discord');
  adapter = createDiscordAdapter({ config: config.bot.discord, core, logger });
  await adapter.start();
  await waitFor(async () => t.agent.inventory.all().some((r) => r.id === box.id), { what: 'the inventory' });
}, 120_000);

afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
  await removeTestContainers();
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('/exec on a fake Discord and the real engine', () => {
  it('registers the command as one required text option after the container', () => {
    const exec = fake.registeredCommands().find((c) => c.name === 'exec') as { options: Record<string, unknown>[] };
    expect(exec.options.map((o) => `${String(o.name)}:${String(o.type)}:${o.required === true}`)).toEqual([
      'container:3:true',
      'command:3:true',
      'host:3:false',
    ]);
  });

  it('runs the command line, tokenized as a command (quotes), only for the asker', async () => {
    const reply = await run(olga, { container: box.name, command: 'cat "/etc/app.conf"' });
    expect(reply.message?.ephemeral).toBe(true);
    const text = textOf(reply.message);
    expect(text).toContain('listen 80');
    expect(text).toContain('exit code 0');
  });

  it('refuses metacharacters and -- tricks in the option, with the patterns; admin without patterns is denied', async () => {
    for (const command of ['cat /etc/app.conf; id', 'cat /etc/app.conf $(id)', '-- cat /etc/app.conf', 'cat `id`']) {
      const text = textOf((await run(olga, { container: box.name, command })).message);
      expect({ command, denied: /matches none of your exec patterns|cannot start with "-"/.test(text) }).toEqual({
        command,
        denied: true,
      });
    }
    const unterminated = textOf((await run(olga, { container: box.name, command: 'cat "/etc/app.conf' })).message);
    expect(unterminated).toContain('unterminated quote');
    const admin = textOf((await run(adam, { container: box.name, command: 'cat /etc/app.conf' })).message);
    expect(admin).toContain('lists exec patterns (roles.<role>.exec); exec needs them');
  });
});
