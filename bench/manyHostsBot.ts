import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FakeDiscord, FakeMember } from '../test/support/fakeDiscord';
import { waitFor } from '../test/support/waitFor';
import { processMemory } from './agentProcess';
import { keepOutput, stopChild } from './childProcess';
import type { FinalEdit, ReplyClock } from './discordPsReplyClock';

/** How the bot finds the agents: a `bot.agents` list, or `bot.discovery` of one DNS name. */
export type BotFleetConfig =
  { kind: 'list'; agents: readonly { name: string; url: string }[] } | { kind: 'dns'; name: string; port: number };

/** What one `dockwatch bot` process of the bench is started with. */
export type BotProcessOptions = {
  cliPath: string;
  nodeArgs: readonly string[];
  fake: FakeDiscord;
  clock: ReplyClock;
  /** The fake's bot token (guards nothing). */
  botToken: string;
  /** The agents' `agent.token`. */
  agentToken: string;
  /** The Discord role id the admin role is given to, and the member who holds it. */
  adminRoleId: string;
  member: FakeMember;
  fleet: BotFleetConfig;
  commandTimeoutSeconds: number;
  /** Its own directory (config and data dir). */
  dir: string;
  readyTimeoutMs: number;
};

/** One `ps` as the member sent it through Discord: round-trip time and what the final edit showed. */
export type PsRound = { ms: number; edit: FinalEdit };

/** The bot YAML: the fleet, one admin role, no throttling, an alert channel (so the alert feed polls, as deployed). */
function botYaml(o: BotProcessOptions): string {
  const fleet =
    o.fleet.kind === 'list'
      ? [
          '  agents:',
          ...o.fleet.agents.map((a) => `    - { name: ${a.name}, url: "${a.url}", token: ${o.agentToken} }`),
        ]
      : [`  discovery: { dns: ${o.fleet.name}, port: ${o.fleet.port}, token: ${o.agentToken}, interval: 30s }`];
  return [
    'agent:',
    `  dataDir: ${JSON.stringify(join(o.dir, 'data'))}`,
    '  logLevel: warn',
    'bot:',
    ...fleet,
    `  commandTimeout: ${o.commandTimeoutSeconds}s`,
    '  rateLimit: { commands: 1000000, per: 1m }',
    '  discord:',
    `    token: ${o.botToken}`,
    `    guilds: ["${o.fake.guildId}"]`,
    `    alertChannel: "${o.fake.alertChannelId}"`,
    `    apiUrl: ${o.fake.apiUrl}`,
    '  roles: { admin: { commands: ["*"] } }',
    `  members: [{ role: admin, discordRoles: ["${o.adminRoleId}"] }]`,
    '',
  ].join('\n');
}

/** `dockwatch bot` in its own process (with the binary's node flags), logged in to the bench's fake Discord. */
export class BotProcess {
  private readonly log: () => string;
  private ending = false;

  private constructor(
    private readonly options: BotProcessOptions,
    private readonly child: ChildProcess,
  ) {
    this.log = keepOutput(child, 8000);
  }

  /** Writes the config, starts the bot and resolves once it has registered its slash commands with the fake. */
  static async start(options: BotProcessOptions): Promise<BotProcess> {
    mkdirSync(options.dir, { recursive: true });
    const config = join(options.dir, 'bot.yaml');
    writeFileSync(config, botYaml(options));
    const puts = () => options.fake.requests.filter((r) => r.method === 'PUT').length;
    const before = puts();
    const child = spawn(process.execPath, [...options.nodeArgs, options.cliPath, 'bot', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const bot = new BotProcess(options, child);
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`it exited: ${bot.output()}`);
          return puts() > before;
        },
        { what: 'the bot to register its slash commands', timeoutMs: options.readyTimeoutMs, intervalMs: 50 },
      );
      return bot;
    } catch (err) {
      await bot.stop();
      throw err;
    }
  }

  /** Process id of the bot. */
  get pid(): number {
    return this.child.pid ?? NaN;
  }

  /** The tail of the bot's output (for errors). */
  output(): string {
    return this.log();
  }

  /** `/ps` as the member, timed from the fake's dispatch to the fake having the final edit of the reply. */
  async ps(timeoutMs: number): Promise<PsRound> {
    const { fake, clock, member } = this.options;
    const start = performance.now();
    const id = await fake.sendSlashCommand(member, 'ps');
    const edit = await clock.finalEdit(id, timeoutMs);
    return { ms: edit.at - start, edit };
  }

  /** Resident memory of the bot now, in bytes. */
  rssBytes(): number {
    return processMemory(this.pid).rssBytes;
  }

  /** SIGTERM, then SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    await stopChild(this.child, 10_000);
  }

  /** SIGKILL without waiting (the last resort of an exit handler). */
  killNow(): void {
    this.child.kill('SIGKILL');
  }
}
