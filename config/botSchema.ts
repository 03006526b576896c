import { z } from 'zod';
import { COMMAND_NAMES } from './commandNames';
import { parseExecPattern } from './execPatterns';
import { duration, flag, hostPort, integer, secret, selector, stringList, text, whenValid } from './fields';
import { isMapping } from './keyPath';
import { closestMatch } from './suggest';

const SECOND = 1000;
const MAX_EXEC_TIMEOUT_MS = 240_000;

type Ctx = z.core.$RefinementCtx;

const roleSchema = z.strictObject({
  commands: stringList().prefault([]),
  containers: selector().optional(),
  inherits: text().optional(),
  seeSecrets: flag().prefault(false),
  channels: stringList().optional(),
  /** The argv patterns `exec` may run (config/execPatterns.ts); none: no exec, even with `commands: ['*']`. */
  exec: stringList().prefault([]),
  /** May use `--force` with `rm` and `rmi` (deny by default). */
  force: flag().prefault(false),
});

const memberSchema = z.strictObject({
  role: text(),
  discordRoles: stringList().optional(),
  discordUsers: stringList().optional(),
  slackUsers: stringList().optional(),
  slackGroups: stringList().optional(),
  consoleUsers: stringList().optional(),
  channels: stringList().optional(),
});

/** An http(s) URL, echoed in errors (agent and API addresses are not secrets). */
function httpUrl() {
  return z.string().superRefine((s, ctx) => {
    const url = URL.canParse(s) ? new URL(s) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not an http:// or https:// URL` });
    }
  });
}

const discordSchema = z.strictObject({
  token: secret(text()),
  guilds: stringList().min(1, 'list at least one guild id (slash commands are registered per guild)'),
  alertChannel: text().optional(),
  apiUrl: httpUrl().prefault('https://discord.com/api'),
});

const slackSchema = z
  .strictObject({
    token: secret(text()),
    signingSecret: secret(text()).optional(),
    appToken: secret(text()).optional(),
    socketMode: flag().prefault(false),
    listen: hostPort().prefault('127.0.0.1:3000'),
    command: z
      .string()
      .regex(/^\/[a-z0-9_-]{1,31}$/, 'a slash command such as /dockwatch')
      .prefault('/dockwatch'),
    alertChannel: text().optional(),
    apiUrl: httpUrl().prefault('https://slack.com/api/'),
  })
  .superRefine(
    (slack, ctx) => {
      if (slack.socketMode === true && slack.appToken === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['appToken'],
          message: 'required when socketMode is true (an xapp- token)',
        });
      }
      if (slack.socketMode !== true && slack.signingSecret === undefined) {
        ctx.addIssue({ code: 'custom', path: ['signingSecret'], message: 'required in HTTP mode (socketMode: false)' });
      }
    },
    whenValid('socketMode', 'appToken', 'signingSecret'),
  );

const agentEntrySchema = z.strictObject({
  name: text(),
  url: httpUrl(),
  token: secret(text()).optional(),
  ca: text().optional(),
});

const discoverySchema = z.strictObject({
  dns: text(),
  port: integer(1).pipe(z.int().max(65535)),
  scheme: z.enum(['http', 'https']).prefault('http'),
  token: secret(text()).optional(),
  ca: text().optional(),
  interval: duration(SECOND).prefault('30s'),
});

const rateLimitSchema = z.strictObject({
  commands: integer(1).prefault(10),
  per: duration(SECOND).prefault('1m'),
});

/**
 * The `bot:` section's command core: roles (commands, containers, inheritance, secrets, channels), who holds them,
 * confirmation and command timeouts, and the per-user rate limit. Durations parse to ms. Deny by default: someone no
 * member entry names may run nothing.
 */
export const botSchema = z
  .strictObject({
    discord: discordSchema.optional(),
    slack: slackSchema.optional(),
    agents: z.array(agentEntrySchema).prefault([]),
    discovery: discoverySchema.optional(),
    confirmTimeout: duration(SECOND).prefault('60s'),
    commandTimeout: duration(SECOND).prefault('30s'),
    /** How long `exec` runs before its process is killed (at most 4m, inside the bot's 5m action deadline). */
    execTimeout: duration(SECOND)
      .pipe(z.number().max(MAX_EXEC_TIMEOUT_MS, 'at most 4m (the bot waits at most 5m for an action)'))
      .prefault('30s'),
    rateLimit: rateLimitSchema.prefault({}),
    roles: z.record(z.string(), roleSchema).prefault({}),
    members: z.array(memberSchema).prefault([]),
  })
  .superRefine((bot, ctx) => checkReferences(bot.roles, bot.members, ctx), whenValid('roles', 'members'))
  .superRefine((bot, ctx) => checkAgentNames(bot.agents, ctx), whenValid('agents'));

function checkAgentNames(agents: unknown[], ctx: Ctx): void {
  if (!Array.isArray(agents)) return;
  const seen = new Set<string>();
  agents.forEach((agent, i) => {
    if (!isMapping(agent) || typeof agent.name !== 'string') return;
    if (seen.has(agent.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['agents', i, 'name'],
        message: `${JSON.stringify(agent.name)} is listed twice`,
      });
    }
    seen.add(agent.name);
  });
}

function checkReferences(roles: Record<string, unknown>, members: unknown[], ctx: Ctx): void {
  if (!isMapping(roles) || !Array.isArray(members)) return;
  const names = Object.keys(roles);
  const unknownRole = (name: string) => {
    const guess = closestMatch(name, names);
    const hint = guess ? `did you mean ${JSON.stringify(guess)}?` : `roles: ${names.join(', ') || 'none are defined'}`;
    return `${JSON.stringify(name)} is not a defined role (${hint})`;
  };
  for (const [name, role] of Object.entries(roles)) {
    if (!isMapping(role)) continue;
    const commands = Array.isArray(role.commands) ? role.commands : [];
    commands.forEach((command, i) => {
      if (typeof command !== 'string' || command === '*' || (COMMAND_NAMES as readonly string[]).includes(command)) {
        return;
      }
      const guess = closestMatch(command, COMMAND_NAMES);
      const hint = guess ? `did you mean ${JSON.stringify(guess)}?` : `commands: ${COMMAND_NAMES.join(', ')}, *`;
      ctx.addIssue({
        code: 'custom',
        path: ['roles', name, 'commands', i],
        message: `${JSON.stringify(command)} is not a command (${hint})`,
      });
    });
    checkExecPatterns(name, role.exec, ctx);
    if (typeof role.inherits === 'string' && !names.includes(role.inherits)) {
      ctx.addIssue({ code: 'custom', path: ['roles', name, 'inherits'], message: unknownRole(role.inherits) });
    }
  }
  for (const cycle of inheritanceCycles(roles)) {
    const message = `inheritance cycle: ${[...cycle, cycle[0]].join(' → ')}`;
    ctx.addIssue({ code: 'custom', path: ['roles', cycle[0] as string, 'inherits'], message });
  }
  members.forEach((member, i) => {
    if (isMapping(member) && typeof member.role === 'string' && !names.includes(member.role)) {
      ctx.addIssue({ code: 'custom', path: ['members', i, 'role'], message: unknownRole(member.role) });
    }
  });
}

/** Every `roles.X.exec` pattern must parse (config/execPatterns.ts); the message names the pattern. */
function checkExecPatterns(role: string, patterns: unknown, ctx: Ctx): void {
  if (!Array.isArray(patterns)) return;
  patterns.forEach((source, i) => {
    if (typeof source !== 'string') return;
    const parsed = parseExecPattern(source);
    if (!parsed.ok) {
      const message = `${JSON.stringify(source)} is not an exec pattern: ${parsed.error}`;
      ctx.addIssue({ code: 'custom', path: ['roles', role, 'exec', i], message });
    }
  });
}

/** Each inheritance cycle once, starting at its alphabetically first role. */
function inheritanceCycles(roles: Record<string, unknown>): string[][] {
  const parent = (name: string): string | undefined => {
    const role = roles[name];
    return isMapping(role) && typeof role.inherits === 'string' && role.inherits in roles ? role.inherits : undefined;
  };
  const cycles = new Map<string, string[]>();
  for (const start of Object.keys(roles)) {
    const path: string[] = [];
    let at: string | undefined = start;
    while (at !== undefined && !path.includes(at)) {
      path.push(at);
      at = parent(at);
    }
    if (at === undefined) continue;
    const cycle = path.slice(path.indexOf(at));
    const first = [...cycle].sort()[0] as string;
    const from = cycle.indexOf(first);
    cycles.set(first, [...cycle.slice(from), ...cycle.slice(0, from)]);
  }
  return [...cycles.values()];
}

/** The validated `bot:` section with defaults applied; durations are milliseconds. */
export type BotConfig = z.output<typeof botSchema>;

/** One role as configured. */
export type RoleConfig = BotConfig['roles'][string];

/** `bot.discord`: the Discord adapter's token, guilds, alert channel and API base (a fake one in tests). */
export type DiscordConfig = NonNullable<BotConfig['discord']>;

/** `bot.slack`: the Slack adapter (HTTP mode with a signing secret, or Socket Mode with an app token). */
export type SlackConfig = NonNullable<BotConfig['slack']>;

/** One agent the bot talks to over its control API. */
export type AgentEntryConfig = BotConfig['agents'][number];

/** `bot.discovery`: agents found as every A record of a DNS name. */
export type DiscoveryConfig = NonNullable<BotConfig['discovery']>;

/** One member entry: who (per platform) holds a role, optionally only in some channels. */
export type MemberConfig = BotConfig['members'][number];
