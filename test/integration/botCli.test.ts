import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/freePort';
import { removeTestContainers, runTestContainer, waitFor, type TestContainer } from '../support/engine';
import { buttonsOf, FakeDiscord, textOf, type FakeMember, type FakeReply } from '../support/fakeDiscord';

const CLI = join(__dirname, '../../dist/cli.js');
const TOKEN = 'cli-test-bot-token';
const AGENT_TOKEN = 'cli-test-agent-token';
const ADMINS = { id: '810000000000000001', name: 'Admins' };
const alice: FakeMember = { id: '710000000000000001', username: 'alice', roles: [ADMINS.id] };

let fake: FakeDiscord;
let dir: string;
let web: TestContainer;
const children: ChildProcess[] = [];

function start(args: string[]): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn('node', [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  children.push(child);
  return { child, output: () => output };
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

function configFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

function discordLines(): string[] {
  return [
    '  discord:',
    `    token: ${TOKEN}`,
    `    guilds: ["${fake.guildId}"]`,
    `    alertChannel: "${fake.alertChannelId}"`,
    `    apiUrl: ${fake.apiUrl}`,
    '  roles: { admin: { commands: ["*"] } }',
    `  members: [{ role: admin, discordRoles: ["${ADMINS.id}"] }]`,
  ];
}

/** Resolves once a (new) bot has registered its slash commands with the fake. */
async function botRegistered(before: number): Promise<void> {
  await waitFor(async () => fake.requests.filter((r) => r.method === 'PUT').length > before, {
    what: 'the bot to register its slash commands',
    timeoutMs: 30_000,
  });
}

const registrations = () => fake.requests.filter((r) => r.method === 'PUT').length;

async function slash(name: string, options: Record<string, string | number | boolean> = {}): Promise<string> {
  const id = await fake.sendSlashCommand(alice, name, options);
  const reply: FakeReply = await fake.waitForReply(id, (r) => textOf(r.message ?? r.followUps[0]) !== '');
  return textOf(reply.message ?? reply.followUps[0]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dockwatch-botcli-'));
  fake = await FakeDiscord.start({ token: TOKEN, roles: [ADMINS], members: [alice] });
  web = await runTestContainer({ name: 'cli-web', cmd: ['sleep', '3600'], stopTimeoutSeconds: 1 });
}, 60_000);

afterAll(async () => {
  for (const child of children) await stop(child);
  await fake?.close();
  await removeTestContainers();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dockwatch run and dockwatch bot (built dist/cli.js, fake Discord, real engine)', () => {
  it('run: the agent and the Discord bot in one process answer /ps and post a crash alert with buttons', async () => {
    const port = await freePort();
    const config = configFile('run.yaml', [
      'agent:',
      `  listen: 127.0.0.1:${port}`,
      `  dataDir: ${join(dir, 'run-data')}`,
      '  hostName: cli-run-host',
      '  logLevel: warn',
      'stats: { interval: 1s }',
      'containers: { include: { labels: { dockwatch.test: "1" } } }',
      'alerts:',
      '  groupWait: 0s',
      '  rules: [{ name: crashed, kind: event, event: die }]',
      'bot:',
      ...discordLines(),
    ]);
    const before = registrations();
    const run = start(['run', '--config', config]);
    await botRegistered(before);
    await waitFor(async () => (await slash('ps')).includes(web.name), { what: '/ps to list the test container' });

    const crasher = await runTestContainer({ name: 'cli-crasher', cmd: ['sh', '-c', 'sleep 1; exit 3'] });
    const alert = await waitFor(
      async () => fake.channelMessages(fake.alertChannelId).find((m) => textOf(m).includes(crasher.name)),
      { what: 'the crash alert in the alert channel', timeoutMs: 30_000 },
    );
    expect(textOf(alert)).toContain('Firing: crashed');
    expect(buttonsOf(alert).map((b) => b.label)).toEqual(['Restart', 'Logs', 'Silence 1h']);
    expect(await stop(run.child)).toBe(0);
    expect(run.output()).not.toContain(TOKEN);
  }, 90_000);

  it('bot: a separate bot process reaches an agent over its control API', async () => {
    const port = await freePort();
    const agentConfig = configFile('agent.yaml', [
      'agent:',
      `  listen: 127.0.0.1:${port}`,
      `  dataDir: ${join(dir, 'agent-data')}`,
      '  hostName: cli-remote-host',
      `  token: ${AGENT_TOKEN}`,
      '  logLevel: warn',
      'containers: { include: { labels: { dockwatch.test: "1" } } }',
    ]);
    const botConfig = configFile('bot.yaml', [
      'agent:',
      `  dataDir: ${join(dir, 'bot-data')}`,
      '  logLevel: warn',
      'bot:',
      `  agents: [{ name: cli-remote-host, url: "http://127.0.0.1:${port}", token: ${AGENT_TOKEN} }]`,
      ...discordLines(),
    ]);
    const agent = start(['agent', '--config', agentConfig]);
    const before = registrations();
    const bot = start(['bot', '--config', botConfig]);
    await botRegistered(before);
    await waitFor(async () => (await slash('hosts')).includes('cli-remote-host'), { what: '/hosts to list the agent' });
    await waitFor(async () => (await slash('ps')).includes(web.name), { what: '/ps over the control API' });
    expect(await stop(bot.child)).toBe(0);
    expect(await stop(agent.child)).toBe(0);
    expect(bot.output()).not.toContain(AGENT_TOKEN);
  }, 90_000);

  it('bot: refuses to start (exit 2) without a chat platform or without agents, naming what is missing', () => {
    const none = configFile('none.yaml', ['bot: { agents: [{ name: a, url: "http://127.0.0.1:1" }] }']);
    const r1 = spawnSync('node', [CLI, 'bot', '--config', none], { encoding: 'utf8', timeout: 20_000 });
    expect(r1.status).toBe(2);
    expect(r1.stderr).toContain('dockwatch bot needs bot.discord or bot.slack');
    const lonely = configFile('lonely.yaml', ['bot:', ...discordLines()]);
    const r2 = spawnSync('node', [CLI, 'bot', '--config', lonely], { encoding: 'utf8', timeout: 20_000 });
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('bot: no agents to reach (list them in bot.agents or set bot.discovery)');
  });
});
