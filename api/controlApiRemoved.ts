import type http from 'node:http';
import type { ActionOptions, AgentClient } from '../bot/agentClient';
import { CONTAINER_NAME } from '../agent/actions/removedName';
import { parseActionRequest } from './controlApiContainerRequests';
import { streamAction } from './controlApiActionStream';
import type { ContainerAnswer } from './controlApiContainers';
import type { ActionStreamLine } from './controlApiError';
import { ApiError } from './controlApiError';
import { readJsonText } from './controlApiHttp';
import { parseJsonBody } from './controlApiRequests';
import type { Logger } from '../shared/logger';

/** The endpoints about names whose container was removed but whose revisions are kept (`/api/v1/removed`). */
export type RemovedRouteName = 'listRemoved' | 'removedHistory' | 'removedRollback';

const SHOWN_CHARS = 80;

/** `GET /api/v1/removed`: the removed names the agent watches, with their kept revisions' labels. */
export async function listRemoved(agent: AgentClient, signal: AbortSignal): Promise<ContainerAnswer> {
  return { status: 200, body: { removed: await agent.removedNames(signal) } };
}

/** `GET /api/v1/removed/:name/history`: a removed name's kept revisions (400 for a bad name, 404 for an unknown one). */
export async function removedHistory(agent: AgentClient, name: string, signal: AbortSignal): Promise<ContainerAnswer> {
  await known(agent, name, signal);
  return { status: 200, body: { revisions: await agent.removedHistory(name, signal) } };
}

/**
 * `POST /api/v1/removed/:name/rollback` with `{by, to?}`: recreates the removed name's container, streamed as NDJSON
 * like the container actions. The body and the name are validated before anything is sent (plain JSON 400/404).
 */
export async function streamRemovedRollback(
  agent: AgentClient,
  name: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  const request = parseActionRequest(parseJsonBody(await readJsonText(req)), 'rollback');
  await known(agent, name, signal);
  const run = async (options: ActionOptions, send: (line: ActionStreamLine) => void) => {
    send({ result: await agent.rollbackRemoved(name, request.to, options) });
  };
  await streamAction(res, { by: request.by, signal }, run, (err) => {
    logger.error('control API rollback of a removed name failed', { name, by: request.by, error: String(err) });
  });
}

async function known(agent: AgentClient, name: string, signal: AbortSignal): Promise<void> {
  const shown = JSON.stringify(name.length > SHOWN_CHARS ? `${name.slice(0, SHOWN_CHARS)}…` : name);
  if (!CONTAINER_NAME.test(name)) throw new ApiError(400, `${shown} is not a container name`);
  const removed = await agent.removedNames(signal);
  if (removed.some((r) => r.name === name)) return;
  throw new ApiError(404, `no container or recorded revisions named ${shown} on ${agent.hostName()}`);
}
