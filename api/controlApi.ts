import type http from 'node:http';
import type { AlertEngine } from '../alerts/alertEngine';
import type { AlertPipeline } from '../alerts/alertPipeline';
import { SilenceError, type NewSilence } from '../alerts/silences';
import type { AgentClient } from '../bot/agentClient';
import type { Config } from '../config/schema';
import {
  AUTH_FAILURE_WINDOW_MS,
  AuthFailureThrottle,
  clientKey,
  type FailureNote,
} from '../shared/authFailureThrottle';
import { accessPolicy, type AccessDecision, type AccessRequest } from './controlApiAccess';
import { ContainerRoutes, userFacingStatus } from './controlApiContainers';
import { isUserFacing } from './controlApiError';
import { ApiError } from './controlApiError';
import { streamMaintenance } from './controlApiMaintenance';
import { imagesAnswer } from './controlApiImages';
import { streamPull } from './controlApiPull';
import { listRemoved, removedHistory, streamRemovedRollback } from './controlApiRemoved';
import { readJsonText, sendJson } from './controlApiHttp';
import { parseJsonBody, parseMaintenanceRequest, parseSilenceRequest } from './controlApiRequests';
import { API_PREFIX, matchRoute, type RouteName } from './controlApiRoutes';
import { agentVersion } from './controlApiVersion';
import { alertView, silenceView, type HostView } from '../bot/controlApiViews';
import type { Logger } from '../shared/logger';

/** What the control API reads and changes. */
export type ControlApiDeps = {
  /** The rule engine: its alerts and its silences. */
  engine: Pick<AlertEngine, 'alerts' | 'silences' | 'silencedBy'>;
  /** Told after every change of the silences (re-evaluate and store them now). */
  changed: () => void;
  hostName: string;
  version: string;
  engineUp: () => boolean;
  /** `agent.token`; without it only loopback clients are answered. */
  token: string | undefined;
  logger: Logger;
  /** The agent as the bot sees it, serving the container endpoints (absent: those answer 404). */
  agent?: AgentClient;
  now?: () => number;
};

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

const SHOWN_PATH_CHARS = 200;

/**
 * The agent's JSON control API under /api/v1 (alerts, silences, maintenance windows, host), served on the agent's
 * listener: every request is authorized first, then routed, then validated.
 */
export class ControlApi {
  private readonly access: (req: AccessRequest) => AccessDecision;
  private readonly now: () => number;
  private readonly containers: ContainerRoutes | undefined;
  /** Slows down addresses that keep sending wrong tokens. */
  private readonly throttle = new AuthFailureThrottle();

  constructor(private readonly deps: ControlApiDeps) {
    this.access = accessPolicy(deps.token);
    this.now = deps.now ?? Date.now;
    this.containers = deps.agent ? new ContainerRoutes(deps.agent, deps.logger) : undefined;
  }

  /** Answers one request whose path starts with /api; never throws. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? '';
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const search = mark < 0 ? '' : url.slice(mark + 1);
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort(new Error('the client closed the connection'));
    });
    try {
      const remote = clientKey(req.socket.remoteAddress);
      const gate = this.throttle.check(remote, this.now());
      if (!gate.allowed) return sendJson(res, 429, ...throttled(gate.retryAfterSeconds));
      const decision = this.access({
        remoteAddress: req.socket.remoteAddress,
        host: req.headers.host,
        authorization: req.headers.authorization,
      });
      if (!decision.allowed) {
        // Only a credential that was given and wrong counts: a request without one guesses nothing.
        const fields = { method, path, remote, status: decision.status };
        if (req.headers.authorization !== undefined) this.logRefusal(this.throttle.failed(remote, this.now()), fields);
        else this.deps.logger.debug('control API request refused', fields);
        return sendJson(res, decision.status, { error: decision.error }, decision.headers);
      }
      this.throttle.succeeded(remote);
      const match = matchRoute(method, path);
      if (match.kind === 'not-found') throw new ApiError(404, `no such endpoint: ${shownPath(path)}`);
      if (match.kind === 'wrong-method') {
        const allow = match.allow.join(', ');
        throw new ApiError(405, `${method} is not allowed on ${shownPath(path)} (allowed: ${allow})`, { allow });
      }
      const answer = await this.run(match.name, match.params, req, res, new URLSearchParams(search), gone.signal);
      if (answer !== 'streamed') sendJson(res, answer.status, answer.body, answer.headers);
    } catch (err) {
      if (res.headersSent || res.destroyed) return;
      if (err instanceof ApiError) return sendJson(res, err.status, { error: err.message }, err.headers);
      if (err instanceof SilenceError) return sendJson(res, 400, { error: err.message });
      if (isUserFacing(err)) return sendJson(res, userFacingStatus(err), { error: err.message, kind: 'agent' });
      this.deps.logger.error('control API request failed', { method, path, error: (err as Error).message });
      sendJson(res, 500, { error: 'internal error' });
    }
  }

  private async run(
    name: RouteName,
    params: Record<string, string>,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    query: URLSearchParams,
    signal: AbortSignal,
  ): Promise<Answer | 'streamed'> {
    const { engine } = this.deps;
    switch (name) {
      case 'hosts':
        return this.served().hosts();
      case 'listContainers':
        return this.served().list();
      case 'listImages':
        if (!this.deps.agent) throw new ApiError(404, 'this agent does not serve the image endpoints');
        return imagesAnswer(this.deps.agent, query, signal);
      case 'pullImage':
        if (!this.deps.agent) throw new ApiError(404, 'this agent does not serve the image endpoints');
        await streamPull(this.deps.agent, req, res, signal, this.deps.logger);
        return 'streamed';
      case 'listRemoved':
        return listRemoved(this.servedAgent(), signal);
      case 'removedHistory':
        return removedHistory(this.servedAgent(), params.name ?? '', signal);
      case 'removedRollback':
        await streamRemovedRollback(this.servedAgent(), params.name ?? '', req, res, signal, this.deps.logger);
        return 'streamed';
      case 'removeImage':
      case 'removeContainer':
      case 'execContainer':
        await streamMaintenance(name, this.servedAgent(), params.id, req, res, signal, this.deps.logger);
        return 'streamed';
      case 'containerStats':
      case 'containerLogs':
      case 'containerInspect':
      case 'containerHistory':
        return this.served().read(name, params.id ?? '', query, signal);
      case 'containerFollowLogs':
        await this.served().follow(params.id ?? '', query, res, signal);
        return 'streamed';
      case 'start':
      case 'stop':
      case 'restart':
      case 'rollback':
      case 'deploy':
        await this.served().act(name, params.id ?? '', req, res, signal);
        return 'streamed';
      case 'listAlerts':
        return {
          status: 200,
          body: { alerts: engine.alerts().map((a) => alertView(a, engine.silencedBy(a.labels))) },
        };
      case 'listSilences':
        return { status: 200, body: { silences: engine.silences.list().map(silenceView) } };
      case 'addSilence':
        return this.add(parseSilenceRequest(parseJsonBody(await readJsonText(req)), this.now()), 'silence');
      case 'addMaintenance': {
        const body = parseJsonBody(await readJsonText(req));
        return this.add(parseMaintenanceRequest(body, this.now(), this.deps.hostName), 'maintenance window');
      }
      case 'removeSilence':
        return this.remove(params.id ?? '');
      case 'host': {
        const host: HostView = {
          hostName: this.deps.hostName,
          version: this.deps.version,
          engineUp: this.deps.engineUp(),
        };
        return { status: 200, body: host };
      }
    }
  }

  /** Logs the first refusal of an address in a window and the one that starts answering it 429, no others. */
  private logRefusal(note: FailureNote, fields: Record<string, unknown>): void {
    if (note.log === 'first') this.deps.logger.warn('control API request refused', fields);
    if (note.log === 'blocked') {
      this.deps.logger.warn('control API: too many refused requests from one address, answering it 429 for a while', {
        ...fields,
        refused: note.failures,
        windowSeconds: AUTH_FAILURE_WINDOW_MS / 1000,
      });
    }
  }

  private servedAgent(): AgentClient {
    if (!this.deps.agent) throw new ApiError(404, 'this agent does not serve the container and image endpoints');
    return this.deps.agent;
  }

  private served(): ContainerRoutes {
    if (!this.containers) throw new ApiError(404, 'this agent does not serve the container endpoints');
    return this.containers;
  }

  private add(input: NewSilence, what: string): Answer {
    const silence = this.deps.engine.silences.add(input);
    this.deps.changed();
    this.deps.logger.info(`${what} added`, {
      id: silence.id,
      matchers: silence.matchers,
      until: new Date(silence.until).toISOString(),
      createdBy: silence.createdBy,
    });
    const location = `${API_PREFIX}/silences/${encodeURIComponent(silence.id)}`;
    return { status: 201, body: silenceView(silence), headers: { location } };
  }

  private remove(id: string): Answer {
    const { silences } = this.deps.engine;
    if (!silences.list().some((s) => s.id === id) || !silences.remove(id)) {
      throw new ApiError(404, `no silence with id ${JSON.stringify(shownPath(id))}`);
    }
    this.deps.changed();
    this.deps.logger.info('silence removed', { id });
    return { status: 204 };
  }
}

/** The control API of a running agent: what app/agent.ts hands to the MetricsServer. */
export function agentControlApi(
  config: Config,
  alerts: Pick<AlertPipeline, 'engine' | 'changed'>,
  engine: { readonly up: boolean },
  logger: Logger,
  agent?: AgentClient,
): ControlApi {
  return new ControlApi({
    ...(agent ? { agent } : {}),
    engine: alerts.engine,
    changed: () => alerts.changed(),
    hostName: config.agent.hostName,
    version: agentVersion(),
    engineUp: () => engine.up,
    token: config.agent.token,
    logger,
  });
}

function throttled(retryAfterSeconds: number): [{ error: string }, Record<string, string>] {
  const error = `too many refused requests from this address: retry in ${retryAfterSeconds} s`;
  return [{ error }, { 'retry-after': String(retryAfterSeconds) }];
}

function shownPath(path: string): string {
  return path.length > SHOWN_PATH_CHARS ? `${path.slice(0, SHOWN_PATH_CHARS)}…` : path;
}
