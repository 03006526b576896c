import type { Logger } from '../shared/logger';
import type { Store } from '../agent/store/database';
import type { BotConfig } from '../config/botSchema';
import type { Fleet } from './fleet';
import { COMMANDS } from './commands/commandTable';
import { AuditLog } from './core/audit';
import { CommandCore } from './core/commandCore';

/** What the bot's command core is built from. */
export type CommandCoreDeps = {
  bot: BotConfig;
  /** The agents the commands reach (one in process, or many over their control APIs). */
  fleet: Fleet;
  /** The store the audit lives in (the agent's). */
  store: Store;
  logger: Logger;
  /** The deadline of start/stop/restart/rollback; default 5 minutes. */
  actionTimeoutMs?: number;
  now?: () => number;
};

/** Actions (stop waits for the container's stop timeout, rollback for health) get this long by default. */
export const DEFAULT_ACTION_TIMEOUT_MS = 300_000;

/** The action deadline for an agent whose rollbacks may wait `rollbackTimeoutMs` for health: 2 minutes more, ≥ 5. */
export function actionTimeoutFor(rollbackTimeoutMs: number): number {
  return Math.max(DEFAULT_ACTION_TIMEOUT_MS, rollbackTimeoutMs + 120_000);
}

/** Builds the command core from the `bot:` config (the one wiring place of the core; adapters call into it). */
export function buildCommandCore(deps: CommandCoreDeps): CommandCore {
  const now = deps.now ?? Date.now;
  return new CommandCore({
    fleet: deps.fleet,
    policy: { roles: deps.bot.roles, members: deps.bot.members },
    commands: COMMANDS,
    audit: new AuditLog(deps.store, deps.logger, now),
    confirmTimeoutMs: deps.bot.confirmTimeout,
    commandTimeoutMs: deps.bot.commandTimeout,
    actionTimeoutMs: deps.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS,
    execTimeoutMs: deps.bot.execTimeout,
    rateLimit: { commands: deps.bot.rateLimit.commands, perMs: deps.bot.rateLimit.per },
    logger: deps.logger,
    now,
  });
}
