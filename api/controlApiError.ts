import type { DeployReport } from '../bot/deployReport';
import { ActionError } from '../agent/actions/actionError';

/** A request the control API refuses: the HTTP status and a message safe to show (it never holds a secret). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One line of an action's NDJSON answer: progress steps, then exactly one result (a deploy's report) or error. */
export type ActionStreamLine =
  { progress: string } | { result: string } | { deploy: DeployReport } | { error: string; kind: 'agent' | 'internal' };

/**
 * A failure whose message the user should read: the AgentClient's AgentError (EngineUnavailableError among them:
 * the engine is unreachable or not yet synced), the actions module's ActionError.
 */
export type UserFacingError = Error & { name: 'AgentError' | 'EngineUnavailableError' | 'ActionError' };

/** Whether an error's message is meant for the user (checked by name: both classes live on either side of the API). */
export function isUserFacing(err: unknown): err is UserFacingError {
  return (
    err instanceof Error &&
    (err.name === 'AgentError' || err.name === 'EngineUnavailableError' || err instanceof ActionError)
  );
}
