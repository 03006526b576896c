import type { RemovedName } from '../../agent/actions/removedName';
import type { ContainerRecord } from '../../agent/inventory/containerRecord';
import type { SelectableContainer } from '../../config/containerSelector';
import type { AgentClient } from '../agentClient';
import type { Fleet } from '../fleet';
import type { AuditLog } from './audit';
import type { CommandName } from '../../config/commandNames';
import type { CommandSpec, ParsedCommand } from './commandSpec';
import type { HostResult } from './hostScope';
import type { Identity } from './identity';
import type { Reply } from './reply';

/** A removed name the container word resolved to (already authorized on `revision`, the one the command acts on). */
export type RemovedTarget = { name: string; host: string; agent: AgentClient; removed: RemovedName; revision: number };

/** What a command gets to run: the hosts in scope, who asks, what they may do, the resolved container, a deadline. */
export type CommandContext = {
  fleet: Fleet;
  /** The hosts the command covers: the one `--host` names, else every host of the fleet. */
  hosts: readonly string[];
  /** Whether the fleet has more than one host (replies then name the host). */
  manyHosts: boolean;
  /** Runs `fn` on every host in scope in parallel; a host that fails yields its error instead of failing the rest. */
  across<T>(fn: (agent: AgentClient, host: string) => Promise<T>): Promise<HostResult<T>[]>;
  identity: Identity;
  command: ParsedCommand;
  /** The container the command's container word resolved to (already authorized), with its host and agent. */
  target?: { container: ContainerRecord; host: string; agent: AgentClient };
  /** Instead of `target`, for a command with `removedRevision`: the removed name the word named. */
  removed?: RemovedTarget;
  /** Whether the role that allowed this command may see secret values (env). */
  seeSecrets: boolean;
  /** Whether a role that allowed this command may use `--force` (`roles.X.force`; rm, rmi). */
  mayForce: boolean;
  /** The exec patterns of the roles that allowed this command (`roles.X.exec`; empty for other commands' roles). */
  execPatterns: readonly string[];
  /** `bot.execTimeout`: how long an exec runs before its process is killed. */
  execTimeoutMs: number;
  /** Whether the user may run `command` on `container` (lists show only what the user may act on). */
  may: (command: CommandName, container?: SelectableContainer) => boolean;
  /** Every command's grammar, for `help`. */
  specs: readonly CommandSpec[];
  audit: AuditLog;
  /** Aborted when the command times out. */
  signal: AbortSignal;
  /** Steps of a slow command as they happen (shown by adapters that can). */
  onProgress?: (step: string) => void;
  now: () => number;
};

/** One bot command: its grammar plus what it does. Implementations live one per file under bot/commands/. */
export type BotCommand = CommandSpec & { run(ctx: CommandContext): Promise<Reply> };

/** The resolved container of a container command (the core guarantees one), or a programming error. */
export function targetOf(ctx: CommandContext): NonNullable<CommandContext['target']> {
  if (!ctx.target) throw new Error(`${ctx.command.name} runs on a resolved container`);
  return ctx.target;
}
