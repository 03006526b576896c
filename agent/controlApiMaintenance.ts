import type http from 'node:http';
import type { AgentClient } from '../bot/agentClient';
import type { ExecOutcome } from '../bot/maintenanceTypes';
import { isUserFacing } from './controlApiContainers';
import { ApiError } from './controlApiError';
import { readJsonText, startNdjson } from './controlApiHttp';
import { parseExecRequest, parseRemoveImageRequest, parseRemoveRequest } from './controlApiMaintenanceRequests';
import { parseJsonBody } from './controlApiRequests';
import type { Logger } from './logger';

/** The control API's `rm`, `rmi` and `exec` endpoints. */
export type MaintenanceRouteName = 'removeContainer' | 'removeImage' | 'execContainer';

/** One NDJSON line of these endpoints: `rm`/`rmi` end with `result` (a sentence), `exec` with `exec`; or an error. */
export type MaintenanceStreamLine =
  { result: string } | { exec: ExecOutcome } | { error: string; kind: 'agent' | 'internal' };

const SHOWN_ID_CHARS = 64;

/**
 * Serves `POST …/containers/:id/rm`, `POST …/containers/:id/exec` and `POST /api/v1/images/remove`: the body is
 * validated and the container must be one the agent watches (400 and 404 as plain JSON, before the engine sees
 * anything); then one NDJSON line with the outcome, so a long exec keeps the connection open as actions do.
 */
export async function streamMaintenance(
  name: MaintenanceRouteName,
  agent: AgentClient,
  id: string | undefined,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  const body = parseJsonBody(await readJsonText(req));
  let run: () => Promise<MaintenanceStreamLine>;
  let by: string;
  if (name === 'removeImage') {
    const request = parseRemoveImageRequest(body);
    by = request.by;
    run = async () => ({ result: await agent.removeImage(request.image, { ...request, signal }) });
  } else if (name === 'removeContainer') {
    const request = parseRemoveRequest(body);
    const record = await known(agent, id ?? '');
    by = request.by;
    run = async () => ({ result: await agent.remove(record, { ...request, signal }) });
  } else {
    const request = parseExecRequest(body);
    const record = await known(agent, id ?? '');
    by = request.by;
    run = async () => ({ exec: await agent.exec(record, request.argv, { ...request, signal }) });
  }
  startNdjson(res);
  let line: MaintenanceStreamLine;
  try {
    line = await run();
  } catch (err) {
    if (isUserFacing(err)) line = { error: err.message, kind: 'agent' };
    else {
      logger.error(`control API ${name} failed`, { id, by, error: (err as Error).message });
      line = { error: "the action failed on the agent (the agent's log has the details)", kind: 'internal' };
    }
  }
  if (!res.destroyed && !res.writableEnded) res.end(`${JSON.stringify(line)}\n`);
}

async function known(agent: AgentClient, id: string): Promise<string> {
  if ((await agent.containers()).some((r) => r.id === id)) return id;
  const shown = id.length > SHOWN_ID_CHARS ? `${id.slice(0, SHOWN_ID_CHARS)}…` : id;
  throw new ApiError(404, `no container with id ${JSON.stringify(shown)} on ${agent.hostName()}`);
}
