import type http from 'node:http';
import type { ActionOptions, AgentClient } from '../bot/agentClient';
import { closestMatch } from '../config/suggest';
import { ApiError } from './controlApiError';
import { readJsonText, startNdjson } from './controlApiHttp';
import { isUserFacing, type ActionStreamLine } from './controlApiError';
import { MAX_BY_LENGTH } from './controlApiContainerRequests';
import { parseJsonBody } from './controlApiRequests';
import { ImageRefError, parseImageRef } from '../agent/registry/imageRef';
import type { Logger } from '../shared/logger';

/** `POST /api/v1/images/pull`: the reference to pull and who asked. */
export type PullRequest = { ref: string; by: string };

const FIELDS = ['ref', 'by'] as const;
const SHOWN_CHARS = 80;
const INTERNAL_PULL_ERROR = "the pull failed on the agent (the agent's log has the details)";

/** Reads the pull body `{ref, by}`; a 400 naming every bad field (an invalid reference with the parser's reason). */
export function parsePullRequest(body: unknown): PullRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'the request body must be a JSON object such as {"ref": "app:v1", "by": "alice"}');
  }
  const fields = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(fields)) {
    if ((FIELDS as readonly string[]).includes(key)) continue;
    const guess = closestMatch(key, FIELDS);
    problems.push(
      `${shown(key)}: unknown field (${guess ? `did you mean ${JSON.stringify(guess)}?` : 'pull takes ref, by'})`,
    );
  }
  const { ref, by } = fields;
  if (typeof by !== 'string' || by.trim() === '') problems.push('by: required, the name of who asked');
  else if (by.length > MAX_BY_LENGTH) problems.push(`by: longer than ${MAX_BY_LENGTH} characters`);
  if (typeof ref !== 'string') problems.push('ref: required, an image reference such as app:v1');
  else {
    try {
      parseImageRef(ref);
    } catch (err) {
      if (!(err instanceof ImageRefError)) throw err;
      problems.push(`ref: ${err.message}`);
    }
  }
  if (problems.length) throw new ApiError(400, problems.join('; '));
  return { ref: ref as string, by: by as string };
}

/**
 * Runs a pull and streams it as NDJSON (see ActionStreamLine): headers with the first progress line, a line per
 * progress step, then the summary or the error. A bad request is a plain 400 before anything reaches the engine; a
 * failure before any progress (engine unreachable, reference unknown, access denied) is a plain JSON error with its
 * status (503, 404, 422), as the control API answers other failures.
 */
export async function streamPull(
  agent: AgentClient,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  const request = parsePullRequest(parseJsonBody(await readJsonText(req)));
  let started = false;
  const send = (line: ActionStreamLine) => {
    if (!started) {
      started = true;
      startNdjson(res);
    }
    if (!res.destroyed && !res.writableEnded) res.write(`${JSON.stringify(line)}\n`);
  };
  const options: ActionOptions = { by: request.by, signal, onProgress: (progress) => send({ progress }) };
  try {
    send({ result: await agent.pull(request.ref, options) });
  } catch (err) {
    if (!started) throw err;
    if (isUserFacing(err)) send({ error: err.message, kind: 'agent' });
    else {
      logger.error('control API pull failed', { ref: request.ref, by: request.by, error: (err as Error).message });
      send({ error: INTERNAL_PULL_ERROR, kind: 'internal' });
    }
  } finally {
    if (started && !res.destroyed) res.end();
  }
}

function shown(value: string): string {
  return JSON.stringify(value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value);
}
