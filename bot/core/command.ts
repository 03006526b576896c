import type { ContainerRecord } from '../../agent/inventory/containerRecord';
import type { SelectableContainer } from '../../config/containerSelector';
import type { AgentClient } from '../agentClient';
import type { AuditLog } from './audit';
import type { CommandName } from './commandNames';
import type { CommandSpec, ParsedCommand } from './commandSpec';
import type { Identity } from './identity';
import type { Reply } from './reply';

/** What a command gets to run: the agent, who asks, what they may do, the resolved container, a deadline signal. */
export type CommandContext = {
  agent: AgentClient;
  identity: Identity;
  command: ParsedCommand;
  /** The container the command's container word resolved to (already authorized). */
  container?: ContainerRecord;
  /** Whether the role that allowed this command may see secret values (env). */
  seeSecrets: boolean;
  /** Whether the user may run `command` on `container` (lists show only what the user may act on). */
  may: (command: CommandName, container?: SelectableContainer) => boolean;
  /** Every command's grammar, for `help`. */
  specs: readonly CommandSpec[];
  audit: AuditLog;
  /** Aborted when the command times out. */
  signal: AbortSignal;
  now: () => number;
};

/** One bot command: its grammar plus what it does. Implementations live one per file under bot/commands/. */
export type BotCommand = CommandSpec & { run(ctx: CommandContext): Promise<Reply> };
