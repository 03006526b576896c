/** Why an action was refused before it changed anything. */
export type ActionErrorCode = 'not-found' | 'engine-unreachable' | 'no-revision' | 'conflict' | 'failed';

/** An action that could not run, with a message safe to show in chat (names, never secrets). */
export class ActionError extends Error {
  constructor(
    readonly code: ActionErrorCode,
    message: string,
    /** Close container names, for a not-found name. */
    readonly suggestions: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

/** An engine error's message without dockerode's `(HTTP code …)` prefix. */
export const errorText = (err: unknown) => ((err as Error).message ?? String(err)).replace(/^\(HTTP code \d+\)\s*/, '');
