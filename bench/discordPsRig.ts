import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAgent, type RunningAgent } from '../app/agent';
import { createLogger } from '../shared/logger';
import { buildCommandCore } from '../bot';
import type { ChatAdapter } from '../bot/adapters/chatAdapter';
import { createDiscordAdapter } from '../bot/adapters/discord/discordAdapter';
import type { CommandCore } from '../bot/core/commandCore';
import type { Identity } from '../bot/core/identity';
import { InProcessAgent } from '../api/inProcessAgent';
import { StaticFleet } from '../bot/staticFleet';
import { loadConfig } from '../config/load';
import { FakeDiscord, type FakeMember } from '../test/support/fakeDiscord';
import { waitFor } from '../test/support/waitFor';
import { BENCH_LABEL } from './benchFleet';
import { ReplyClock } from './discordPsReplyClock';

/** The bot token the fake accepts; it guards nothing. */
const TOKEN = 'bench-bot-token-not-a-secret';
const ADMINS = { id: '800000000000000001', name: 'Admins' };
const OPERATOR: FakeMember = { id: '700000000000000001', username: 'operator', roles: [ADMINS.id] };

/** What the bench drives at one container count: the fake Discord and the real bot behind it. */
export type DiscordPsRig = {
  fake: FakeDiscord;
  clock: ReplyClock;
  core: CommandCore;
  /** The member who sends /ps (holds the admin role). */
  member: FakeMember;
  /** The same member as the core sees them when the adapter builds the identity, for direct calls. */
  identity: Identity;
  /** From startAgent until the agent's inventory listed every bench container. */
  agentReadyMs: number;
  stop(): Promise<void>;
};

/** How the rig is started. */
export type DiscordPsRigOptions = {
  /** The bench containers the agent must list before the rig is ready. */
  containers: number;
  readyTimeoutMs: number;
};

/** The agent and bot config: only the bench containers, a free loopback port, no command throttling, one admin role. */
function rigYaml(dataDir: string, fake: FakeDiscord): string {
  return [
    'agent:',
    '  hostName: bench',
    '  listen: 127.0.0.1:0',
    `  dataDir: ${JSON.stringify(dataDir)}`,
    '  logLevel: error',
    'containers:',
    `  include: { labels: { ${BENCH_LABEL}: "1" } }`,
    'bot:',
    '  rateLimit: { commands: 1000000, per: 1m }',
    '  discord:',
    `    token: ${TOKEN}`,
    `    guilds: ["${fake.guildId}"]`,
    `    apiUrl: ${fake.apiUrl}`,
    '  roles:',
    '    admin: { commands: ["*"] }',
    '  members:',
    `    - { role: admin, discordRoles: ["${ADMINS.id}"] }`,
  ].join('\n');
}

/**
 * Starts the fake Discord (timing replies through its request hook), an agent in this process on DOCKER_HOST that
 * watches only the bench containers, the command core over it, and the real Discord adapter logged in to the fake;
 * resolves once the agent lists `containers` running bench containers. Stops what it started if a step fails.
 */
export async function startDiscordPsRig(opts: DiscordPsRigOptions): Promise<DiscordPsRig> {
  const clock = new ReplyClock();
  const fake = await FakeDiscord.start({
    token: TOKEN,
    roles: [ADMINS],
    members: [OPERATOR],
    onRequest: clock.onRequest,
  });
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-discord-ps-'));
  let agent: RunningAgent | undefined;
  let adapter: ChatAdapter | undefined;
  const stop = async () => {
    await adapter?.stop().catch(() => undefined);
    await fake.close().catch(() => undefined);
    await agent?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const file = join(dir, 'dockwatch.yaml');
    writeFileSync(file, rigYaml(join(dir, 'data'), fake));
    const config = loadConfig({ file, env: { DOCKER_HOST: process.env.DOCKER_HOST } });
    const discord = config.bot.discord;
    if (!discord) throw new Error('the rig config has no bot.discord');
    const logger = createLogger({ level: 'error', format: 'text' });
    const started = performance.now();
    const running = await startAgent(config, logger);
    agent = running;
    const client = new InProcessAgent(running, { config, actions: running.actions });
    await waitFor(
      async () => (await client.containers()).filter((r) => r.state === 'running').length === opts.containers,
      { what: `the agent to list ${opts.containers} running bench containers`, timeoutMs: opts.readyTimeoutMs },
    );
    const agentReadyMs = performance.now() - started;
    const core = buildCommandCore({ bot: config.bot, fleet: new StaticFleet([client]), store: running.store, logger });
    adapter = createDiscordAdapter({ config: discord, core, logger });
    await adapter.start();
    const identity: Identity = {
      platform: 'discord',
      userId: OPERATOR.id,
      roleIds: [ADMINS.id, ADMINS.name],
      channelId: fake.commandChannelId,
    };
    return { fake, clock, core, member: OPERATOR, identity, agentReadyMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
