import type http from 'node:http';
import type { ActionOptions, AgentClient } from '../bot/agentClient';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import { ActionError } from '../agent/actions/actionError';
import { streamAction } from './controlApiActionStream';
import { ApiError, isUserFacing, type ActionStreamLine, type UserFacingError } from './controlApiError';
import { readJsonText } from './controlApiHttp';
import { parseActionRequest, parseLogRequest, type ActionRequest } from './controlApiContainerRequests';
import { parseFollowRequest, streamLogFollow } from './controlApiLogFollow';
import { parseJsonBody } from './controlApiRequests';
import type { ContainerActionName, ContainerReadName } from './controlApiRoutes';
import type { Logger } from '../shared/logger';

/** What a container route answers with, unless it streams. */
export type ContainerAnswer = { status: number; body: unknown };

const SHOWN_ID_CHARS = 64;

/** The HTTP status for a user-facing failure of a read: 503 when the engine cannot be read, an ActionError's code. */
export function userFacingStatus(err: UserFacingError): number {
  if (err.name === 'EngineUnavailableError') return 503;
  if (!(err instanceof ActionError)) return 422;
  switch (err.code) {
    case 'not-found':
      return 404;
    case 'engine-unreachable':
      return 503;
    case 'no-revision':
    case 'conflict':
      return 409;
    case 'failed':
      return 422;
  }
}

/**
 * The container endpoints over an AgentClient: the :id must be a container the agent watches (404 otherwise, and
 * the engine never sees it). Reads answer JSON; actions stream NDJSON (see {@link ActionStreamLine}).
 */
export class ContainerRoutes {
  constructor(
    private readonly agent: AgentClient,
    private readonly logger: Logger,
  ) {}

  /** `GET /api/v1/containers`: every watched container. */
  async list(): Promise<ContainerAnswer> {
    return { status: 200, body: { containers: await this.agent.containers() } };
  }

  /** `GET /api/v1/hosts`: this host's summary, as the bot's `hosts` shows it. */
  async hosts(): Promise<ContainerAnswer> {
    return { status: 200, body: { hosts: await this.agent.hosts() } };
  }

  /** One read about a known container. */
  async read(
    name: ContainerReadName,
    id: string,
    query: URLSearchParams,
    signal: AbortSignal,
  ): Promise<ContainerAnswer> {
    const record = await this.known(id);
    switch (name) {
      case 'containerStats': {
        const stats = await this.agent.stats(record.id, signal);
        return { status: 200, body: stats === undefined ? {} : { stats } };
      }
      case 'containerLogs': {
        const request = parseLogRequest(query);
        return { status: 200, body: { lines: await this.agent.logs(record.id, { ...request, signal }) } };
      }
      case 'containerInspect':
        return { status: 200, body: await this.agent.inspect(record.id, signal) };
      case 'containerHistory':
        return { status: 200, body: { revisions: await this.agent.history(record.id, signal) } };
    }
  }

  /** `GET …/:id/logs/follow`: a known container's log lines streamed as NDJSON as they come (see controlApiLogFollow). */
  async follow(id: string, query: URLSearchParams, res: http.ServerResponse, signal: AbortSignal): Promise<void> {
    const request = parseFollowRequest(query);
    const record = await this.known(id);
    await streamLogFollow(this.agent, record, request, res, signal, this.logger, isUserFacing);
  }

  /**
   * Runs an action on a known container and streams it: headers as soon as it starts, a line per progress step,
   * then the result or the error. Validation failures throw before anything is sent (a plain JSON error answer).
   */
  async act(
    action: ContainerActionName,
    id: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    const request = parseActionRequest(parseJsonBody(await readJsonText(req)), action);
    const record = await this.known(id);
    const run = async (options: ActionOptions, send: (line: ActionStreamLine) => void) => {
      if (action === 'deploy') {
        send({ deploy: await this.agent.deploy(record.id, request.image, { ...options, ...deployTimeout(request) }) });
      } else {
        const result =
          action === 'rollback'
            ? await this.agent.rollback(record.id, request.to, options)
            : await this.agent[action](record.id, options);
        send({ result });
      }
    };
    await streamAction(res, { by: request.by, signal }, run, (err) => {
      const error = (err as Error).message;
      this.logger.error('control API action failed', { action, container: record.name, by: request.by, error });
    });
  }

  private known(id: string): Promise<ContainerRecord> {
    return knownContainer(this.agent, id);
  }
}

/** The watched container with this full ID; an ApiError 404 naming the host for any other. */
export async function knownContainer(agent: AgentClient, id: string): Promise<ContainerRecord> {
  const record = (await agent.containers()).find((r) => r.id === id);
  if (record) return record;
  const shown = id.length > SHOWN_ID_CHARS ? `${id.slice(0, SHOWN_ID_CHARS)}…` : id;
  throw new ApiError(404, `no container with id ${JSON.stringify(shown)} on ${agent.hostName()}`);
}

function deployTimeout(request: ActionRequest): { timeoutMs?: number } {
  return request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs };
}
