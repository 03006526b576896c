import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../../shared/logger';
import { buildCommandCore } from '../../bot';
import type { ChatAdapter } from '../../bot/adapters/chatAdapter';
import { createDiscordAdapter } from '../../bot/adapters/discord/discordAdapter';
import { createSlackAdapter, type SlackAdapter } from '../../bot/adapters/slack/slackAdapter';
import type { AgentClient } from '../../bot/agentClient';
import type { Fleet } from '../../bot/fleet';
import { InProcessAgent } from '../../api/inProcessAgent';
import { RemoteAgentClient } from '../../bot/remoteAgentClient';
import { loadConfig } from '../../config/load';
import type { Config } from '../../config/schema';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import {
  removeTestContainers,
  runTestContainer,
  TEST_IMAGE_V1,
  testRunId,
  waitFor,
  type TestContainer,
} from '../support/engine';
import { FakeDiscord, textOf, type FakeMember } from '../support/fakeDiscord';
import { blocksText, FakeSlack } from '../support/fakeSlack';
import { copyImage, privateEngine, type PrivateEngine } from '../support/privateEngine';

/*
 * "When dockwatch cannot know, it says so": an agent whose engine nobody serves, and one whose dockerd is stopped
 * under it, read from every front end (control API, ctl, Discord, Slack; in process and over the control API).
 */

const CLI = join(__dirname, '../../dist/cli.js');
const exec = promisify(execFile);
const DISCORD_TOKEN = 'engine-down-discord-token';
const SLACK_TOKEN = 'xoxb-engine-down-test';
const SLACK_SECRET = 'engine-down-signing-secret';
const AGENT_TOKEN = 'engine-down-agent-token-0123456789';
const ADMINS = { id: '820000000000000001', name: 'Admins' };
const alice: FakeMember = { id: '720000000000000001', username: 'alice', roles: [ADMINS.id] };
const SLACK_ADMIN = 'U0ENGINEDOWN';
const UNREACHABLE = 'the Docker engine is unreachable';
const logger = createLogger({ level: 'error', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG });

/** The hosts the bot reaches; each test puts in the agents it is about. */
class TestFleet implements Fleet {
  agents: AgentClient[] = [];
  hostNames(): string[] {
    return this.agents.map((a) => a.hostName()).sort();
  }
  agent(host: string): AgentClient | undefined {
    return this.agents.find((a) => a.hostName() === host);
  }
  async close(): Promise<void> {}
}

const dir = mkdtempSync(join(tmpdir(), 'dockwatch-engine-down-'));
const nobodySocket = `unix://${join(dir, 'nobody-serves-this.sock')}`;
const fleet = new TestFleet();
let engine: PrivateEngine;
let discord: FakeDiscord;
let slack: FakeSlack;
let adapters: ChatAdapter[] = [];
let healthy: TestAgent;
let nobody: TestAgent;
let stopped: TestAgent;
let web: TestContainer;
let staleId: string;
const remotes: RemoteAgentClient[] = [];
const stale = `dwtest-stale-${testRunId.replace(/\W/g, '')}`;

/** The agent's part of the config: host name, token, and which engine. */
function agentYaml(hostName: string, dockerHost?: string): string {
  return [
    'agent:',
    `  hostName: ${hostName}`,
    `  token: ${AGENT_TOKEN}`,
    ...(dockerHost ? ['docker:', `  host: "${dockerHost}"`] : []),
  ].join('\n');
}

/** The config an in-process client of a harness agent is built from (the same host name, selector and engine). */
function configOf(hostName: string, dockerHost?: string): Config {
  const file = join(dir, `${hostName}.yaml`);
  writeFileSync(
    file,
    [
      agentYaml(hostName, dockerHost),
      'stats: { interval: 1s }',
      'containers: { include: { labels: { dockwatch.test: "1" } } }',
    ].join('\n'),
  );
  return loadConfig({ file, env: { DOCKER_HOST: process.env.DOCKER_HOST } });
}

function inProcess(t: TestAgent, hostName: string, dockerHost?: string): InProcessAgent {
  return new InProcessAgent(t.agent, { config: configOf(hostName, dockerHost), actions: t.agent.actions });
}

/** The agent over its control API, named as `bot.agents` would name it. */
function remote(t: TestAgent, name: string): RemoteAgentClient {
  const client = new RemoteAgentClient({ url: t.url, token: AGENT_TOKEN, name });
  remotes.push(client);
  return client;
}

/** `dockwatch ctl ps --as alice` (the built CLI) against `dockerHost`. */
async function ctlPs(dockerHost: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, `ctl-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    [
      'agent:',
      `  dataDir: ${join(dir, 'ctl-data')}`,
      '  hostName: ctl-host',
      'docker:',
      `  host: "${dockerHost}"`,
      'bot:',
      '  roles: { admin: { commands: ["*"] } }',
      '  members: [{ role: admin, consoleUsers: [alice] }]',
    ].join('\n'),
  );
  try {
    const { stdout, stderr } = await exec('node', [CLI, '--config', file, 'ctl', 'ps', '--as', 'alice'], {
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `/name options` on the fake Discord as alice: the reply's text. */
async function onDiscord(name: string, options: Record<string, string> = {}): Promise<string> {
  const id = await discord.sendSlashCommand(alice, name, options);
  const reply = await discord.waitForReply(id, (r) => textOf(r.message ?? r.followUps[0]) !== '');
  return textOf(reply.message ?? reply.followUps[0]);
}

/** `/dockwatch text` on the fake Slack: the reply's text. */
async function onSlack(text: string): Promise<string> {
  const sent = await slack.slashCommand({ userId: SLACK_ADMIN, channelId: 'C0OPS', text });
  const reply = await slack.reply(sent.n);
  return `${reply.text ?? ''}\n${blocksText(reply.blocks)}`;
}

/** GET on an agent's control API with its token. */
async function api(t: TestAgent, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.url}/api/v1${path}`, { headers: { authorization: `Bearer ${AGENT_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  engine = privateEngine();
  [discord, slack] = await Promise.all([
    FakeDiscord.start({ token: DISCORD_TOKEN, roles: [ADMINS], members: [alice] }),
    FakeSlack.start({ token: SLACK_TOKEN, signingSecret: SLACK_SECRET }),
    engine.start(),
  ]);
  copyImage(TEST_IMAGE_V1, engine.host);
  const created = await engine.docker.createContainer({
    name: stale,
    Image: TEST_IMAGE_V1,
    Cmd: ['sleep', '3600'],
    Labels: { 'dockwatch.test': '1' },
    HostConfig: { NetworkMode: 'none' },
  });
  await created.start();
  staleId = created.id;
  web = await runTestContainer({ name: 'engine-down-web', cmd: ['sleep', '3600'], stopTimeoutSeconds: 1 });
  [healthy, nobody, stopped] = await Promise.all([
    startTestAgent(agentYaml('dw-healthy')),
    startTestAgent(agentYaml('dw-nobody', nobodySocket)),
    startTestAgent(agentYaml('dw-stopped', engine.host)),
  ]);
  const botFile = join(dir, 'bot.yaml');
  writeFileSync(
    botFile,
    [
      'bot:',
      '  rateLimit: { commands: 1000, per: 1m }',
      '  discord:',
      `    token: ${DISCORD_TOKEN}`,
      `    guilds: ["${discord.guildId}"]`,
      `    apiUrl: ${discord.apiUrl}`,
      '  slack:',
      `    token: ${SLACK_TOKEN}`,
      `    signingSecret: ${SLACK_SECRET}`,
      '    listen: 127.0.0.1:0',
      `    apiUrl: ${slack.apiUrl}`,
      '  roles: { admin: { commands: ["*"] } }',
      '  members:',
      `    - { role: admin, discordRoles: ["${ADMINS.id}"], slackUsers: [${SLACK_ADMIN}] }`,
    ].join('\n'),
  );
  const bot = loadConfig({ file: botFile, env: {} }).bot;
  const core = buildCommandCore({ bot, fleet, store: healthy.agent.store, logger });
  if (!bot.discord || !bot.slack) throw new Error('the bot config has no discord or slack');
  const slackAdapter: SlackAdapter = createSlackAdapter({ config: bot.slack, core, logger });
  adapters = [createDiscordAdapter({ config: bot.discord, core, logger }), slackAdapter];
  await Promise.all(adapters.map((a) => a.start()));
  slack.appUrl = `http://127.0.0.1:${slackAdapter.address()?.port}/slack/events`;
}, 120_000);

afterAll(async () => {
  for (const client of remotes) client.close();
  await Promise.allSettled(adapters.map((a) => a.stop()));
  await discord?.close();
  await slack?.stop();
  await Promise.allSettled([healthy, nobody, stopped].map((t) => t?.stop()));
  await engine?.destroy();
  await removeTestContainers();
  rmSync(dir, { recursive: true, force: true });
});

describe('reads of a host whose engine nobody serves', () => {
  it('the control API answers 503 naming the engine, and hosts says unreachable without counts', async () => {
    const list = await api(nobody, '/containers');
    expect(list.status).toBe(503);
    expect(list.body).toEqual({ error: expect.stringContaining(`${UNREACHABLE} (${nobodySocket}: `), kind: 'agent' });
    expect((await api(nobody, '/hosts')).body).toEqual({ hosts: [{ name: 'dw-nobody', engineUp: false }] });
  });

  it('ctl ps exits non-zero naming the engine, never "No running containers"', async () => {
    const r = await ctlPs(nobodySocket);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`ctl-host: ${UNREACHABLE} (${nobodySocket}: connect ENOENT`);
    expect(r.stdout + r.stderr).not.toContain('No running containers');
  });

  it('Discord and Slack say the engine is unreachable, in process and over the control API', async () => {
    for (const agent of [inProcess(nobody, 'dw-nobody', nobodySocket), remote(nobody, 'dw-nobody')]) {
      fleet.agents = [agent];
      for (const text of [await onDiscord('ps'), await onSlack('ps')]) {
        expect(text).toContain(`dw-nobody: ${UNREACHABLE} (${nobodySocket}: connect ENOENT`);
        expect(text).not.toContain('No running containers');
      }
      const restart = await onDiscord('restart', { container: web.name });
      expect(restart).toContain(UNREACHABLE);
      expect(restart).not.toContain('unknown container');
    }
  });
});

describe('reads of a host whose dockerd stopped under the running agent', () => {
  it('list its containers while the engine runs, then say the engine is unreachable everywhere', async () => {
    fleet.agents = [inProcess(stopped, 'dw-stopped', engine.host)];
    await waitFor(async () => (await onDiscord('ps')).includes(stale), {
      what: 'the private engine container in /ps',
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    expect((await api(stopped, '/containers')).status).toBe(200);

    await engine.kill();
    await waitFor(async () => (await api(stopped, '/host')).body.engineUp === false, {
      what: 'the agent to see its engine gone',
      timeoutMs: 30_000,
    });

    const list = await api(stopped, '/containers');
    expect(list.status).toBe(503);
    expect(list.body.error).toContain(`${UNREACHABLE} (${engine.host}: `);
    expect((await api(stopped, `/containers/${staleId}/logs`)).status).toBe(503);

    for (const agent of [fleet.agents[0] as AgentClient, remote(stopped, 'dw-stopped')]) {
      fleet.agents = [agent];
      for (const text of [await onDiscord('ps'), await onSlack('ps'), await onSlack(`logs ${stale}`)]) {
        expect(text).toContain(`dw-stopped: ${UNREACHABLE} (${engine.host}: `);
        expect(text).not.toContain('No running containers');
        expect(text).not.toMatch(new RegExp(`${stale}\\s+running`));
      }
      const restart = await onDiscord('restart', { container: stale });
      expect(restart).toContain(UNREACHABLE);
      expect(restart).not.toContain('unknown container');
    }

    const ctl = await ctlPs(engine.host);
    expect(ctl.code).toBe(4);
    expect(ctl.stderr).toContain(`ctl-host: ${UNREACHABLE} (${engine.host}: `);
  }, 120_000);
});

describe('a bot reaching a healthy host and a host whose engine is down', () => {
  it('lists the healthy host and names the other under "Not answering", over the control API and in process', async () => {
    const fleets = [
      [remote(healthy, 'dw-healthy'), remote(nobody, 'dw-nobody')],
      [inProcess(healthy, 'dw-healthy'), remote(nobody, 'dw-nobody')],
    ];
    for (const agents of fleets) {
      fleet.agents = agents;
      for (const text of [await onDiscord('ps'), await onSlack('ps'), await onSlack('stats')]) {
        expect(text).toMatch(new RegExp(`dw-healthy\\s+${web.name}`));
        expect(text).toContain(`Not answering: dw-nobody: ${UNREACHABLE} (${nobodySocket}: connect ENOENT`);
      }
    }
  }, 60_000);
});
