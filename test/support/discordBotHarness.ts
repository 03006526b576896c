import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../shared/logger';
import { buildCommandCore } from '../../bot';
import type { ChatAdapter } from '../../bot/adapters/chatAdapter';
import { createDiscordAdapter } from '../../bot/adapters/discord/discordAdapter';
import type { CommandCore } from '../../bot/core/commandCore';
import { InProcessAgent } from '../../api/inProcessAgent';
import { StaticFleet } from '../../bot/staticFleet';
import { loadConfig } from '../../config/load';
import type { Config } from '../../config/schema';
import { startTestAgent, type TestAgent } from './agentHarness';
import {
  buttonsOf,
  FakeDiscord,
  textOf,
  type FakeMember,
  type FakeMessage,
  type FakeReply,
  type FakeRole,
} from './fakeDiscord';
import { waitFor } from './waitFor';

/** How to set up a bot on the fake Discord (the YAML is built from these lines, in this order). */
export type DiscordBotOptions = {
  /** The fake guild's roles. */
  guildRoles: FakeRole[];
  /** The fake guild's members. */
  guildMembers: FakeMember[];
  /** Lines under `bot.roles`, e.g. `deployer: { commands: [ps, deploy] }`. */
  roles: string[];
  /** Entries of `bot.members`: a bot role and the Discord role ids (or names) that map to it. */
  members: { role: string; discordRoles: string[] }[];
  /** Top-level YAML lines before `bot:` (containers, agent, registries, …). */
  config?: string[];
  /** Lines under `bot:` before `discord:`, e.g. `rateLimit: { commands: 100, per: 1m }`. */
  bot?: string[];
  /** Posts alerts to the fake's alert channel (`bot.discord.alertChannel`). */
  alertChannel?: boolean;
  /** Gives the in-process agent the agent's image pulls (else pull is refused). */
  pulls?: boolean;
  /** The command core's action deadline (`buildCommandCore`'s actionTimeoutMs). */
  actionTimeoutMs?: number;
  /** The bot token the fake accepts; a fixed test token by default. */
  token?: string;
};

/** A started bot: the fake Discord, the agent, the wiring between them, and helpers to talk to it. */
export type DiscordBot = {
  fake: FakeDiscord;
  t: TestAgent;
  adapter: ChatAdapter;
  core: CommandCore;
  fleet: StaticFleet;
  /** The config loaded from the YAML the bot was built from. */
  config: Config;
  logger: Logger;
  /** Sends `/name options…` as `member` and waits for a reply that satisfies `until` (default: {@link answered}). */
  command(
    member: FakeMember,
    name: string,
    options?: Record<string, string | number | boolean>,
    until?: (reply: FakeReply) => boolean,
    timeoutMs?: number,
  ): Promise<FakeReply>;
  /** Presses the button labelled `label` on `message` as `member` (throws if there is none) and waits as `command`. */
  press(
    member: FakeMember,
    message: FakeMessage,
    label: string,
    until?: (reply: FakeReply) => boolean,
    timeoutMs?: number,
  ): Promise<FakeReply>;
  /** The options the fake registered for `/name` (throws if it is not registered). */
  registeredOptions(name: string): Record<string, unknown>[];
  /** Waits until the agent's inventory lists every container named (by name or id). */
  waitForContainers(...namesOrIds: string[]): Promise<void>;
  /** Stops the adapter, the fake and the agent, and removes the config's directory. */
  stop(): Promise<void>;
};

/** The message the user sees, or else the first follow-up. */
export const shown = (reply: FakeReply): FakeMessage | undefined => reply.message ?? reply.followUps[0];

/** A reply predicate on the text the user sees ({@link shown}). */
export const showing =
  (test: (text: string) => boolean) =>
  (reply: FakeReply): boolean =>
    test(textOf(shown(reply)));

/** The user sees some text. */
export const answered = showing((text) => text !== '');

const DEFAULT_TOKEN = 'fake-discord-bot-token';

/** The bot's YAML: `config`, then `bot:` with its lines, the fake's discord block, roles and members. */
function botYaml(options: DiscordBotOptions, fake: FakeDiscord, token: string): string {
  return [
    ...(options.config ?? []),
    'bot:',
    ...(options.bot ?? []).map((line) => `  ${line}`),
    '  discord:',
    `    token: ${token}`,
    `    guilds: ["${fake.guildId}"]`,
    ...(options.alertChannel ? [`    alertChannel: "${fake.alertChannelId}"`] : []),
    `    apiUrl: ${fake.apiUrl}`,
    '  roles:',
    ...options.roles.map((line) => `    ${line}`),
    '  members:',
    ...options.members.map(
      (m) => `    - { role: ${m.role}, discordRoles: [${m.discordRoles.map((r) => `"${r}"`).join(', ')}] }`,
    ),
  ].join('\n');
}

/**
 * Starts a fake Discord, an in-process agent and the Discord adapter over the real command core, all from one YAML
 * (written to a temp file and loaded as the CLI does); on a failure part way, stops what it had started.
 */
export async function startDiscordBot(options: DiscordBotOptions): Promise<DiscordBot> {
  const token = options.token ?? DEFAULT_TOKEN;
  const fake = await FakeDiscord.start({ token, roles: options.guildRoles, members: options.guildMembers });
  const dir = mkdtempSync(join(tmpdir(), 'dockwatch-discord-bot-'));
  let t: TestAgent | undefined;
  let adapter: ChatAdapter | undefined;
  const stop = async () => {
    await adapter?.stop();
    await fake.close();
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const yaml = botYaml(options, fake, token);
    writeFileSync(join(dir, 'dockwatch.yaml'), yaml);
    const config = loadConfig({ file: join(dir, 'dockwatch.yaml'), env: {} });
    const agent = await startTestAgent(yaml);
    t = agent;
    const logger = createLogger({ level: 'warn', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG });
    const pulls = options.pulls ? { pulls: agent.agent.pulls } : {};
    const fleet = new StaticFleet([
      new InProcessAgent(agent.agent, { config, actions: agent.agent.actions, ...pulls }),
    ]);
    const deadline = options.actionTimeoutMs === undefined ? {} : { actionTimeoutMs: options.actionTimeoutMs };
    const core = buildCommandCore({ bot: config.bot, fleet, store: agent.agent.store, logger, ...deadline });
    if (!config.bot.discord) throw new Error('the test config has no bot.discord');
    const started = createDiscordAdapter({ config: config.bot.discord, core, logger });
    adapter = started;
    await started.start();
    const command: DiscordBot['command'] = async (member, name, opts = {}, until = answered, timeoutMs) =>
      fake.waitForReply(await fake.sendSlashCommand(member, name, opts), until, timeoutMs);
    const press: DiscordBot['press'] = async (member, message, label, until = answered, timeoutMs) => {
      const button = buttonsOf(message).find((b) => b.label === label);
      if (!button) throw new Error(`no button ${label} on the message (${JSON.stringify(buttonsOf(message))})`);
      return fake.waitForReply(await fake.pressButton(member, message, button.customId), until, timeoutMs);
    };
    const registeredOptions = (name: string) => {
      const found = fake.registeredCommands().find((c) => c.name === name) as
        { options: Record<string, unknown>[] } | undefined;
      if (!found) throw new Error(`/${name} is not registered`);
      return found.options;
    };
    const waitForContainers = async (...namesOrIds: string[]) => {
      const listed = (x: string) => agent.agent.inventory.all().some((c) => c.name === x || c.id === x);
      await waitFor(async () => namesOrIds.every(listed), { what: `the inventory to list ${namesOrIds.join(', ')}` });
    };
    return {
      fake,
      t: agent,
      adapter: started,
      core,
      fleet,
      config,
      logger,
      command,
      press,
      registeredOptions,
      waitForContainers,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
