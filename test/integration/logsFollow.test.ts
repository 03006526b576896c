import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../shared/logger';
import { buildCommandCore } from '../../bot';
import { runCtl } from '../../app/ctl';
import type { ChatAdapter } from '../../bot/adapters/chatAdapter';
import { createDiscordAdapter } from '../../bot/adapters/discord/discordAdapter';
import { createSlackAdapter, type SlackAdapter } from '../../bot/adapters/slack/slackAdapter';
import type { CommandCore } from '../../bot/core/commandCore';
import type { Identity } from '../../bot/core/identity';
import { InProcessAgent } from '../../api/inProcessAgent';
import { plainCost } from '../../bot/live/liveLines';
import { pumpLive } from '../../bot/live/livePump';
import { RemoteAgentClient } from '../../bot/remoteAgentClient';
import { StaticFleet } from '../../bot/staticFleet';
import { loadConfig } from '../../config/load';
import type { Config } from '../../config/schema';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { removeTestContainers, runTestContainer, testDocker, waitFor, type TestContainer } from '../support/engine';
import { buttonsOf, FakeDiscord, textOf, type FakeMember, type FakeMessage } from '../support/fakeDiscord';
import { blocksText, buttonsIn, FakeSlack } from '../support/fakeSlack';

const HOST = 'follow-host';
const AGENT_TOKEN = 'follow-agent-token-0123456789';
const DISCORD_TOKEN = 'follow-discord-token-not-a-secret';
const SLACK_TOKEN = 'xoxb-follow-test';
const SLACK_SECRET = 'follow-signing-secret-0123456789';
const ADMINS = { id: '810000000000000001', name: 'Admins' };
const alice: FakeMember = { id: '710000000000000001', username: 'alice', roles: [ADMINS.id] };
const carol: FakeMember = { id: '710000000000000002', username: 'carol', roles: [ADMINS.id] };
const SLACK_ALICE = 'U0ALICE';
const SLACK_CAROL = 'U0CAROL';
const CHANNEL = 'C0OPS';
/** A numbered line every 200 ms. */
const TICKER = ['sh', '-c', 'i=1; while true; do echo "n $i"; i=$((i+1)); sleep 0.2; done'];

const logger = createLogger({ level: 'warn', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG });
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-follow-'));
let t: TestAgent;
let config: Config;
let core: CommandCore;
let ticker: TestContainer;

/** The highest `n N` in a text. */
function highest(text: string): number {
  return Math.max(0, ...[...text.matchAll(/\bn (\d+)\b/g)].map((m) => Number(m[1])));
}

/** Runs a command through a core and shows its live part as the console would: resolves with the lines and the end. */
async function follow(c: CommandCore, identity: Identity, text: string) {
  const reply = await c.handle({ identity, text });
  if (!reply.live) throw new Error(`no live reply: ${JSON.stringify(reply)}`);
  const lines: string[] = [];
  const final = pumpLive(reply.live, {
    intervalMs: 0,
    budget: Infinity,
    cost: plainCost,
    send: async (batch) => {
      lines.push(...batch.lines);
    },
  });
  return { reply, lines, final };
}

beforeAll(async () => {
  ticker = await runTestContainer({ name: 'ticker', cmd: TICKER, stopTimeoutSeconds: 1 });
  const yaml = [
    'agent:',
    `  hostName: ${HOST}`,
    `  token: ${AGENT_TOKEN}`,
    `  dataDir: ${join(dir, 'data')}`,
    'containers:',
    '  include: { labels: { dockwatch.test: "1" } }',
    'bot:',
    '  commandTimeout: 2s',
    '  rateLimit: { commands: 100, per: 1m }',
    '  roles:',
    '    admin: { commands: ["*"] }',
    '  members:',
    `    - { role: admin, discordRoles: ["${ADMINS.id}"], slackUsers: [${SLACK_ALICE}, ${SLACK_CAROL}], consoleUsers: [alice] }`,
  ].join('\n');
  writeFileSync(join(dir, 'dockwatch.yaml'), yaml);
  config = loadConfig({ file: join(dir, 'dockwatch.yaml'), env: {} });
  t = await startTestAgent(yaml);
  const agent = new InProcessAgent(t.agent, { config, actions: t.agent.actions });
  core = buildCommandCore({ bot: config.bot, fleet: new StaticFleet([agent]), store: t.agent.store, logger });
  await waitFor(async () => (await agent.containers()).some((c) => c.id === ticker.id), {
    what: 'the ticker in the inventory',
    timeoutMs: 30_000,
  });
}, 60_000);

afterAll(async () => {
  core?.stopLive();
  await removeTestContainers();
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** In a describe block: a Discord adapter over the shared core on its own fake Discord, with `extra` adapter options. */
function discordOnFake(extra: { replyEditLifetimeMs?: number } = {}) {
  const env = {} as { fake: FakeDiscord; adapter: ChatAdapter };
  beforeAll(async () => {
    env.fake = await FakeDiscord.start({ token: DISCORD_TOKEN, roles: [ADMINS], members: [alice, carol] });
    env.adapter = createDiscordAdapter({
      config: { token: DISCORD_TOKEN, guilds: [env.fake.guildId], apiUrl: env.fake.apiUrl },
      core,
      logger,
      ...extra,
    } as Parameters<typeof createDiscordAdapter>[0]);
    await env.adapter.start();
  });

  afterAll(async () => {
    await env.adapter?.stop();
    await env.fake?.close();
  });
  return env;
}

describe('logs --follow on Discord (real discord.js, fake Discord, real engine)', () => {
  const env = discordOnFake();

  it('edits the reply with new lines at most about once a second, refuses another user’s Stop, stops on the requester’s', async () => {
    const started = Date.now();
    const id = await env.fake.sendSlashCommand(alice, 'logs', { container: ticker.name, follow: '1m' });
    const first = await env.fake.waitForReply(id, (r) => highest(textOf(r.message)) > 0);
    const message = first.message as FakeMessage;
    expect(textOf(message)).toContain(`Logs of ${ticker.name}`);
    expect(buttonsOf(message).map((b) => b.label)).toEqual(['Stop']);
    const seen = highest(textOf(message));
    const later = await env.fake.waitForReply(id, (r) => highest(textOf(r.message)) >= seen + 10);
    expect(textOf(later.message)).toMatch(new RegExp(`n ${seen + 5}\\b`));

    const stop = buttonsOf(later.message)[0]?.customId ?? '';
    const refused = await env.fake.waitForReply(
      await env.fake.pressButton(carol, later.message as FakeMessage, stop),
      (r) => r.followUps.length > 0,
    );
    expect(refused.followUps[0]?.ephemeral).toBe(true);
    expect(textOf(refused.followUps[0])).toContain(
      `Only discord:${alice.id}, who started this live tail, may stop it.`,
    );
    const still = highest(textOf((await env.fake.waitForReply(id)).message));
    await env.fake.waitForReply(id, (r) => highest(textOf(r.message)) > still + 3);

    await env.fake.pressButton(alice, later.message as FakeMessage, stop);
    const done = await env.fake.waitForReply(id, (r) => textOf(r.message).includes('Stopped following'));
    const elapsedS = (Date.now() - started) / 1000;
    expect(textOf(done.message)).toMatch(new RegExp(`stopped by discord:${alice.id}\\. \\d+ lines shown\\.`));
    expect(buttonsOf(done.message)).toEqual([]);
    const edits = env.fake.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
    expect(edits.length).toBeLessThanOrEqual(Math.ceil(elapsedS) + 3);
  }, 60_000);
});

describe('logs --follow on Discord past the time a reply may be edited', () => {
  const env = discordOnFake({ replyEditLifetimeMs: 1500 });

  it('goes on in a channel message the bot posts and edits, and stops from its Stop button', async () => {
    const id = await env.fake.sendSlashCommand(alice, 'logs', { container: ticker.name, follow: '1m' });
    await env.fake.waitForReply(id, (r) => highest(textOf(r.message)) > 0);
    const moved = await env.fake.waitForChannelMessage(env.fake.commandChannelId);
    expect(buttonsOf(moved).map((b) => b.label)).toEqual(['Stop']);
    const reply = await env.fake.waitForReply(id, (r) => textOf(r.message).includes('Continued in the message below'));
    expect(buttonsOf(reply.message)).toEqual([]);
    const at = highest(textOf(moved));
    await waitFor(async () => highest(textOf(env.fake.channelMessages(env.fake.commandChannelId)[0])) >= at + 8, {
      what: 'the channel message edited with new lines',
      timeoutMs: 20_000,
    });
    await env.fake.pressButton(alice, moved, buttonsOf(moved)[0]?.customId ?? '');
    const done = await waitFor(
      async () => {
        const message = env.fake.channelMessages(env.fake.commandChannelId)[0];
        return textOf(message).includes('Stopped following') ? message : undefined;
      },
      { what: 'the final state in the channel message' },
    );
    expect(textOf(done)).toContain(`stopped by discord:${alice.id}`);
    expect(buttonsOf(done)).toEqual([]);
    expect(env.fake.channelMessages(env.fake.commandChannelId)).toHaveLength(1);
  }, 60_000);
});

describe('logs --follow on Slack (real @slack/bolt, fake Slack, real engine)', () => {
  let fake: FakeSlack;
  let adapter: SlackAdapter;

  beforeAll(async () => {
    fake = await FakeSlack.start({ token: SLACK_TOKEN, signingSecret: SLACK_SECRET });
    adapter = createSlackAdapter({
      config: {
        token: SLACK_TOKEN,
        signingSecret: SLACK_SECRET,
        listen: '127.0.0.1:0',
        apiUrl: fake.apiUrl,
        command: '/dockwatch',
        socketMode: false,
      } as Parameters<typeof createSlackAdapter>[0]['config'],
      core,
      logger,
    });
    await adapter.start();
    fake.appUrl = `http://127.0.0.1:${adapter.address()?.port}/slack/events`;
  });

  afterAll(async () => {
    await adapter?.stop();
    await fake?.stop();
  });

  it('posts the lines in a thread under the heading, refuses another user’s Stop, ends on the requester’s', async () => {
    const before = fake.callsOf('chat.postMessage').length;
    await fake.slashCommand({ userId: SLACK_ALICE, channelId: CHANNEL, text: `logs ${ticker.name} --follow 1m` });
    const heading = await fake.nextCall('chat.postMessage', before);
    expect(heading.params.channel).toBe(CHANNEL);
    expect(heading.params.thread_ts).toBeUndefined();
    const stop = buttonsIn(heading.params.blocks as never).find((b) => b.label === 'Stop');
    expect(stop?.actionId).toMatch(/^stop:/);
    const headingTs = await waitFor(
      async () => {
        const posts = fake.callsOf('chat.postMessage').slice(before + 1);
        return posts.length >= 3 ? String(posts[0]?.params.thread_ts) : undefined;
      },
      { what: 'three thread posts', timeoutMs: 20_000 },
    );
    const thread = () => fake.callsOf('chat.postMessage').filter((c) => c.params.thread_ts === headingTs);
    const text = thread()
      .map((c) => blocksText(c.params.blocks as never))
      .join('\n');
    const numbers = [...text.matchAll(/\bn (\d+)\b/g)].map((m) => Number(m[1]));
    expect(numbers.length).toBeGreaterThan(3);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));

    const refused = await fake.pressButton({ userId: SLACK_CAROL, channelId: CHANNEL, actionId: stop?.actionId ?? '' });
    const refusal = await fake.reply(refused.n);
    expect(refusal.response_type).toBe('ephemeral');
    expect(blocksText(refusal.blocks)).toContain(`Only slack:${SLACK_ALICE}, who started`);

    await fake.pressButton({ userId: SLACK_ALICE, channelId: CHANNEL, actionId: stop?.actionId ?? '' });
    const update = await fake.nextCall('chat.update', 0);
    expect(update.params.text).toMatch(new RegExp(`stopped by slack:${SLACK_ALICE}\\. \\d+ lines shown`));
    expect(buttonsIn(update.params.blocks as never)).toEqual([]);
  }, 60_000);
  it('ends the follow and says so privately when the bot may not post in the channel', async () => {
    fake.notInChannels.add('C0PRIVATE');
    const sent = await fake.slashCommand({
      userId: SLACK_ALICE,
      channelId: 'C0PRIVATE',
      text: `logs ${ticker.name} --follow 1m`,
    });
    const reply = await fake.reply(sent.n);
    expect(reply.response_type).toBe('ephemeral');
    expect(blocksText(reply.blocks)).toContain(
      'dockwatch cannot post in this channel (An API error occurred: not_in_channel); invite it to follow logs here',
    );
    const audit = () =>
      t.agent.store
        .prepare("SELECT detail FROM audit WHERE user_id = ? AND detail LIKE 'live tail ended (ended by%'")
        .all(SLACK_ALICE);
    const ended = await waitFor(async () => (audit().length > 0 ? audit() : undefined), {
      what: 'the audit of the ended follow',
    });
    expect(JSON.stringify(ended)).toContain('ended by the chat adapter: dockwatch cannot post in this channel');
  }, 30_000);
});

describe('logs --follow on the console (dockwatch ctl)', () => {
  it('streams lines as they come and ends when the container stops', async () => {
    const short = await runTestContainer({
      name: 'short',
      cmd: ['sh', '-c', 'sleep 2; i=1; while [ $i -le 10 ]; do echo "n $i"; i=$((i+1)); sleep 0.2; done'],
      stopTimeoutSeconds: 1,
    });
    const writes: { at: number; text: string }[] = [];
    const result = await runCtl(
      config,
      {
        words: ['logs', short.name, '--follow', '1m'],
        user: 'alice',
        yes: false,
        write: (text) => void writes.push({ at: Date.now(), text }),
      },
      logger,
    );
    expect(result.exitCode).toBe(0);
    expect(writes[0]?.text).toContain(`Following for up to 1m`);
    const lines = writes.slice(1).map((w) => w.text);
    expect(lines.join('')).toBe(Array.from({ length: 10 }, (_, i) => `n ${i + 1}\n`).join(''));
    expect(lines.length).toBeGreaterThan(3);
    expect(result.output).toMatch(/the container stopped \(its log stream ended\)\. 10 lines shown\./);
  }, 60_000);

  it('shows every line of a writer that floods its log and exits while it is followed', async () => {
    // 20,000 lines in a burst, then the exit: the follow that was open must still bring each line once, in order
    // (dockerd 20.10 can end it early when the container stops; the rest is then read once more).
    const count = 20_000;
    const flood = await runTestContainer({
      name: 'flood',
      cmd: ['sh', '-c', `sleep 2; awk 'BEGIN { for (i = 1; i <= ${count}; i++) print "n " i }'`],
    });
    const writes: string[] = [];
    const result = await runCtl(
      config,
      { words: ['logs', flood.name, '--follow', '1m'], user: 'alice', yes: false, write: (t) => void writes.push(t) },
      logger,
    );
    expect(result.exitCode).toBe(0);
    const lines = writes.slice(1).join('').split('\n').slice(0, -1);
    const off = lines.findIndex((t, k) => t !== `n ${k + 1}`);
    expect({ lines: lines.length, around: off < 0 ? undefined : lines.slice(Math.max(0, off - 2), off + 3) }).toEqual({
      lines: count,
      around: undefined,
    });
    expect(result.output).toMatch(/the container stopped \(its log stream ended\)/);
  }, 60_000);

  it('ends when its duration runs out', async () => {
    const writes: string[] = [];
    const result = await runCtl(
      config,
      {
        words: ['logs', ticker.name, '--follow', '2s'],
        user: 'alice',
        yes: false,
        write: (text) => void writes.push(text),
      },
      logger,
    );
    expect(result.exitCode).toBe(0);
    expect(result.output).toMatch(/after 2s: its duration of 2s ran out\. \d+ lines shown\./);
    expect(highest(writes.join(''))).toBeGreaterThan(0);
  }, 30_000);
});

describe('logs --follow through the control API (RemoteAgentClient, as dockwatch bot)', () => {
  let remote: RemoteAgentClient;
  let remoteCore: CommandCore;
  const operator: Identity = { platform: 'console', userId: 'alice' };

  beforeAll(() => {
    remote = new RemoteAgentClient({ url: t.url, token: AGENT_TOKEN, name: HOST });
    remoteCore = buildCommandCore({ bot: config.bot, fleet: new StaticFleet([remote]), store: t.agent.store, logger });
  });

  afterAll(() => remote?.close());

  it('streams lines incrementally and closes the stream on Stop', async () => {
    const run = await follow(remoteCore, operator, `logs ${ticker.name} --follow 1m --tail 1`);
    await waitFor(async () => run.lines.length >= 6, { what: 'six lines over the control API', timeoutMs: 20_000 });
    const numbers = run.lines.map((l) => highest(l));
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe((numbers[i - 1] ?? 0) + 1);
    expect((await remoteCore.press(run.reply.live?.stopButton?.id ?? '', operator)).status).toBe('ok');
    const final = await run.final;
    expect(final.text).toContain('stopped by console:alice');
    const count = run.lines.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(run.lines.length).toBe(count);
  }, 30_000);

  it('ends when the container stops, as the agent says', async () => {
    const brief = await runTestContainer({
      name: 'brief',
      cmd: ['sh', '-c', 'sleep 1; i=1; while [ $i -le 5 ]; do echo "n $i"; i=$((i+1)); sleep 0.2; done; sleep 1'],
      stopTimeoutSeconds: 1,
    });
    await waitFor(async () => (await remote.containers()).some((c) => c.id === brief.id && c.state === 'running'), {
      what: 'brief running in the remote inventory',
    });
    const run = await follow(remoteCore, operator, `logs ${brief.name} --follow 1m`);
    const final = await run.final;
    expect(run.lines).toEqual(['n 1', 'n 2', 'n 3', 'n 4', 'n 5']);
    expect(final.text).toMatch(/the container stopped \(its log stream ended\)\. 5 lines shown\./);
    await testDocker().getContainer(brief.id).remove({ force: true });
  }, 30_000);

  it('answers 400 for a bad parameter and 404 for an unknown container before streaming', async () => {
    const headers = { authorization: `Bearer ${AGENT_TOKEN}` };
    const bad = await fetch(`${t.url}/api/v1/containers/${ticker.id}/logs/follow?tial=3`, { headers });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('did you mean "tail"?');
    const unknown = await fetch(`${t.url}/api/v1/containers/${'0'.repeat(64)}/logs/follow`, { headers });
    expect(unknown.status).toBe(404);
    const open = await fetch(`${t.url}/api/v1/containers/${ticker.id}/logs/follow`);
    expect([401, 403]).toContain(open.status);
  });
});
