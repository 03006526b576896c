import { readFileSync } from 'node:fs';
import type { AlertView, SilenceView } from './controlApiViews';
import type { DiskUsageReport } from '../agent/images/diskUsage';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import type { Alert } from '../alerts/alert';
import type { NewSilence, Silence } from '../alerts/silences';
import {
  AgentError,
  type ActionOptions,
  type AgentClient,
  type ContainerDetails,
  type ContainerStats,
  type DeployActionOptions,
  type HostSummary,
  type ImagesQuery,
  type LogFollowQuery,
  type LogLine,
  type LogQuery,
  type RemovedName,
  type Revision,
} from './agentClient';
import type { DeployReport } from './deployReport';
import type { ExecActionOptions, ExecOutcome, RemoveActionOptions, RemoveImageActionOptions } from './maintenanceTypes';
import { AgentHttp, errorOf, type AgentAnswer } from './remote/agentHttp';
import { remoteDeploy } from './remote/remoteDeploy';
import { remoteMaintenance } from './remote/remoteMaintenance';
import { streamedOutcome } from './remote/remoteOutcome';
import { diskUsageReportOf } from './remote/remoteImages';
import { followRemoteLogs } from './remote/remoteLogFollow';
import { remotePull } from './remote/remotePull';
import { alertFromView, arrayField, hostViewOf, objectOf, silenceFromView } from './remote/remoteViews';

/** Where one agent's control API is and how to talk to it (`bot.agents[]`, or one address found by discovery). */
export type RemoteAgentOptions = {
  /** `http(s)://host:port` of the agent's listener. */
  url: string;
  /** The host's name (`bot.agents[].name`); without it, the name the agent reports (see `identify`). */
  name?: string;
  /** The agent's `agent.token`. */
  token?: string;
  /** Path of a PEM CA file for an https agent whose certificate a private CA signed. */
  ca?: string;
  /** Longest wait for a read, default 15 s. */
  timeoutMs?: number;
  /** Longest silence during an action, default 10 min (the command's own timeout usually ends it first). */
  actionTimeoutMs?: number;
};

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_ACTION_TIMEOUT_MS = 600_000;
const SLOW_READ_TIMEOUT_MS = 300_000;
const CONTAINERS = '/api/v1/containers';
const REMOVED = '/api/v1/removed';

/** The AgentClient over an agent's control API (`dockwatch bot` reaching agents on other hosts). */
export class RemoteAgentClient implements AgentClient {
  private readonly http: AgentHttp;
  private name: string | undefined;
  private reported: string | undefined;

  /** Throws (plain Error) when the CA file cannot be read. */
  constructor(options: RemoteAgentOptions) {
    this.name = options.name;
    const ca = options.ca === undefined ? undefined : readCa(options.ca);
    this.http = new AgentHttp({
      url: options.url,
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(ca ? { ca } : {}),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      actionTimeoutMs: options.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS,
      hostName: () => this.hostName(),
    });
  }

  hostName(): string {
    return this.name ?? this.reported ?? this.http.address();
  }

  /** Asks the agent its name (`GET /api/v1/host`) and remembers it; the configured name still wins in hostName(). */
  async identify(signal?: AbortSignal): Promise<string> {
    const answer = await this.get('/api/v1/host', signal);
    this.reported = hostViewOf(answer.body, this.hostName()).hostName;
    return this.reported;
  }

  /** Names the host as the fleet lists it (discovery: the reported name, or `name@ip` on a clash). */
  rename(name: string): void {
    this.name = name;
  }

  /** Closes idle connections. */
  close(): void {
    this.http.close();
  }

  async hosts(): Promise<HostSummary[]> {
    const hosts = arrayField<HostSummary>((await this.get('/api/v1/hosts')).body, 'hosts', this.hostName());
    return hosts.map((h) => ({ ...h, name: this.hostName() }));
  }

  async containers(): Promise<ContainerRecord[]> {
    return arrayField<ContainerRecord>((await this.get(CONTAINERS)).body, 'containers', this.hostName());
  }

  async stats(id: string, signal: AbortSignal): Promise<ContainerStats | undefined> {
    const body = objectOf((await this.get(this.containerPath(id, 'stats'), signal)).body, this.hostName());
    return body.stats === undefined ? undefined : (objectOf(body.stats, this.hostName()) as ContainerStats);
  }

  async logs(id: string, query: LogQuery): Promise<LogLine[]> {
    const params = new URLSearchParams({ tail: String(query.tail) });
    if (query.sinceMs !== undefined) params.set('since', String(Math.max(0, Math.floor(query.sinceMs))));
    if (query.grep) params.set('grep', query.grep.source);
    const answer = await this.get(`${this.containerPath(id, 'logs')}?${params.toString()}`, query.signal);
    return arrayField<LogLine>(answer.body, 'lines', this.hostName());
  }

  followLogs(id: string, query: LogFollowQuery): AsyncIterable<LogLine> {
    return followRemoteLogs(this.http, this.containerPath(id, 'logs/follow'), query, () => this.hostName());
  }

  async inspect(id: string, signal: AbortSignal): Promise<ContainerDetails> {
    return objectOf(
      (await this.get(this.containerPath(id, 'inspect'), signal)).body,
      this.hostName(),
    ) as ContainerDetails;
  }

  async history(id: string, signal: AbortSignal): Promise<Revision[]> {
    return arrayField<Revision>(
      (await this.get(this.containerPath(id, 'history'), signal)).body,
      'revisions',
      this.hostName(),
    );
  }

  async removedNames(signal: AbortSignal): Promise<RemovedName[]> {
    return arrayField<RemovedName>((await this.get(REMOVED, signal)).body, 'removed', this.hostName());
  }

  async removedHistory(name: string, signal: AbortSignal): Promise<Revision[]> {
    const answer = await this.get(`${REMOVED}/${encodeURIComponent(name)}/history`, signal);
    return arrayField<Revision>(answer.body, 'revisions', this.hostName());
  }

  rollbackRemoved(name: string, to: number | undefined, options: ActionOptions): Promise<string> {
    const path = `${REMOVED}/${encodeURIComponent(name)}/rollback`;
    return this.actAt(path, 'rollback', { by: options.by, ...(to === undefined ? {} : { to }) }, options);
  }

  async images(query: ImagesQuery): Promise<DiskUsageReport> {
    const params = new URLSearchParams();
    if (query.filter !== undefined) params.set('filter', query.filter);
    if (query.dangling) params.set('dangling', 'true');
    const path = `/api/v1/images${params.size ? `?${params.toString()}` : ''}`;
    // The engine walks every layer and volume: a large host takes longer than a read; the command's deadline ends it.
    const answer = await this.http.json({ method: 'GET', path, signal: query.signal, timeoutMs: SLOW_READ_TIMEOUT_MS });
    return diskUsageReportOf(this.expect(answer, 200).body, this.hostName());
  }

  async alerts(): Promise<Alert[]> {
    return arrayField<AlertView>((await this.get('/api/v1/alerts')).body, 'alerts', this.hostName()).map(alertFromView);
  }

  async silences(): Promise<Silence[]> {
    const views = arrayField<SilenceView>((await this.get('/api/v1/silences')).body, 'silences', this.hostName());
    return views.map(silenceFromView);
  }

  async addSilence(input: NewSilence): Promise<Silence> {
    const body = {
      matchers: input.matchers,
      until: new Date(input.until).toISOString(),
      ...(input.comment === undefined ? {} : { comment: input.comment }),
      createdBy: input.createdBy,
    };
    const answer = this.expect(await this.http.json({ method: 'POST', path: '/api/v1/silences', body }), 201);
    return silenceFromView(objectOf(answer.body, this.hostName()) as SilenceView);
  }

  async removeSilence(id: string): Promise<boolean> {
    const path = `/api/v1/silences/${encodeURIComponent(id)}`;
    const answer = await this.http.json({ method: 'DELETE', path });
    if (answer.status === 404) return false;
    this.expect(answer, 204);
    return true;
  }

  start(id: string, options: ActionOptions): Promise<string> {
    return this.act(id, 'start', { by: options.by }, options);
  }

  stop(id: string, options: ActionOptions): Promise<string> {
    return this.act(id, 'stop', { by: options.by }, options);
  }

  restart(id: string, options: ActionOptions): Promise<string> {
    return this.act(id, 'restart', { by: options.by }, options);
  }

  rollback(id: string, to: number | undefined, options: ActionOptions): Promise<string> {
    return this.act(id, 'rollback', { by: options.by, ...(to === undefined ? {} : { to }) }, options);
  }

  deploy(id: string, image: string | undefined, options: DeployActionOptions): Promise<DeployReport> {
    const body = {
      by: options.by,
      ...(image === undefined ? {} : { image }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
    return remoteDeploy(this.http, this.containerPath(id, 'deploy'), body, options, () => this.hostName());
  }

  pull(ref: string, options: ActionOptions): Promise<string> {
    return remotePull(this.http, ref, options, () => this.hostName());
  }

  remove(id: string, options: RemoveActionOptions): Promise<string> {
    const { by, force, volumes, signal } = options;
    const path = this.containerPath(id, 'rm');
    return remoteMaintenance(this.http, path, { by, force, volumes }, signal, 'result', () => this.hostName());
  }

  removeImage(ref: string, options: RemoveImageActionOptions): Promise<string> {
    const { by, force, nameable, signal } = options;
    const body = { image: ref, by, force, nameable };
    return remoteMaintenance(this.http, '/api/v1/images/remove', body, signal, 'result', () => this.hostName());
  }

  exec(id: string, argv: readonly string[], options: ExecActionOptions): Promise<ExecOutcome> {
    const { by, timeoutMs, signal } = options;
    const path = this.containerPath(id, 'exec');
    return remoteMaintenance(this.http, path, { argv, by, timeoutMs }, signal, 'exec', () => this.hostName());
  }

  private act(id: string, action: string, body: object, options: ActionOptions): Promise<string> {
    return this.actAt(this.containerPath(id, action), action, body, options);
  }

  private async actAt(path: string, action: string, body: object, options: ActionOptions): Promise<string> {
    const fields = await streamedOutcome(
      this.http,
      { method: 'POST', path, body, signal: options.signal },
      {
        isOutcome: (line) => typeof line.result === 'string',
        onProgress: options.onProgress,
        missing: `ended the ${action} without a result; check the container's state before retrying`,
      },
      () => this.hostName(),
    );
    return fields.result as string;
  }

  private async get(path: string, signal?: AbortSignal): Promise<AgentAnswer> {
    return this.expect(await this.http.json({ method: 'GET', path, ...(signal ? { signal } : {}) }), 200);
  }

  /** The answer when it has the expected status; its 4xx message (the agent's own words) as an AgentError otherwise. */
  private expect(answer: AgentAnswer, status: number): AgentAnswer {
    if (answer.status === status) return answer;
    throw new AgentError(errorOf(answer.body) ?? `host ${this.hostName()} answered ${answer.status}`);
  }

  private containerPath(id: string, what: string): string {
    return `${CONTAINERS}/${encodeURIComponent(id)}/${what}`;
  }
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(
      `cannot read the CA file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}
