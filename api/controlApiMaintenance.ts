import type http from 'node:http';
import type { AgentClient } from '../bot/agentClient';
import type { ExecOutcome } from '../bot/maintenanceTypes';
import { streamAction } from './controlApiActionStream';
import { knownContainer } from './controlApiContainers';
import { readJsonText } from './controlApiHttp';
import { parseExecRequest, parseRemoveImageRequest, parseRemoveRequest } from './controlApiMaintenanceRequests';
import { parseJsonBody } from './controlApiRequests';
import type { Logger } from '../shared/logger';

/** The control API's `rm`, `rmi` and `exec` endpoints. */
export type MaintenanceRouteName = 'removeContainer' | 'removeImage' | 'execContainer';

/** One NDJSON line of these endpoints: `rm`/`rmi` end with `result` (a sentence), `exec` with `exec`; or an error. */
export type MaintenanceStreamLine =
  { result: string } | { exec: ExecOutcome } | { error: string; kind: 'agent' | 'internal' };

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
    const { id: record } = await knownContainer(agent, id ?? '');
    by = request.by;
    run = async () => ({ result: await agent.remove(record, { ...request, signal }) });
  } else {
    const request = parseExecRequest(body);
    const { id: record } = await knownContainer(agent, id ?? '');
    by = request.by;
    run = async () => ({ exec: await agent.exec(record, request.argv, { ...request, signal }) });
  }
  const runOnce = async (_options: unknown, send: (line: MaintenanceStreamLine) => void) => send(await run());
  await streamAction(res, { by, signal }, runOnce, (err) => {
    logger.error(`control API ${name} failed`, { id, by, error: (err as Error).message });
  });
}
