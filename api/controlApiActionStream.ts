import type http from 'node:http';
import type { ActionOptions } from '../bot/agentClient';
import { isUserFacing, type ActionStreamLine } from './controlApiError';
import { startNdjson } from './controlApiHttp';

/** What an action that failed inside the agent answers: the details stay in the agent's log. */
export const INTERNAL_ACTION_ERROR = "the action failed on the agent (the agent's log has the details)";

/**
 * Streams an action as NDJSON: headers at once, a `progress` line per step (through the options `run` is given),
 * then what `run` sends (lines of type `L`, {@link ActionStreamLine} by default); a user-facing error as
 * `{error, kind: 'agent'}`, any other handed to `logInternal` and answered with {@link INTERNAL_ACTION_ERROR}. The
 * answer ends whatever happens.
 */
export async function streamAction<L extends object = ActionStreamLine>(
  res: http.ServerResponse,
  request: { by: string; signal: AbortSignal },
  run: (options: ActionOptions, send: (line: L) => void) => Promise<void>,
  logInternal: (err: unknown) => void,
): Promise<void> {
  startNdjson(res);
  const send = (line: L | ActionStreamLine) => {
    if (!res.destroyed && !res.writableEnded) res.write(`${JSON.stringify(line)}\n`);
  };
  const options: ActionOptions = {
    by: request.by,
    signal: request.signal,
    onProgress: (progress) => send({ progress }),
  };
  try {
    await run(options, send);
  } catch (err) {
    if (isUserFacing(err)) send({ error: err.message, kind: 'agent' });
    else {
      logInternal(err);
      send({ error: INTERNAL_ACTION_ERROR, kind: 'internal' });
    }
  } finally {
    if (!res.destroyed) res.end();
  }
}
