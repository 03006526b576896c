import type { ExecResult } from '../agent/actions/execTypes';
import type { ActionOptions } from './agentClient';

/** `rm`'s options through an AgentClient: `force` a running container, `volumes` its anonymous volumes too. */
export type RemoveActionOptions = ActionOptions & { force: boolean; volumes: boolean };

/**
 * `rmi`'s options through an AgentClient (the bot checked that the user's role may `force`); `nameable`: the IDs of
 * the containers whose names the answer may show (those the user's roles cover), the others are only counted.
 */
export type RemoveImageActionOptions = ActionOptions & { force: boolean; nameable: readonly string[] };

/** `exec`'s options through an AgentClient: the timeout after which the process is killed (`bot.execTimeout`). */
export type ExecActionOptions = ActionOptions & { timeoutMs: number };

/** How an exec ended, as the agent reports it (exit code, output kept, whether it was killed). */
export type ExecOutcome = ExecResult;
