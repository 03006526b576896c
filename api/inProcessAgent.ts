import type Docker from 'dockerode';
import type { Inventory } from '../agent/inventory/inventory';
import type { SampleStore } from '../agent/stats/sampleStore';
import type { EngineSupervisor } from '../agent/engine/engineSupervisor';
import type { AlertPipeline } from '../alerts/alertPipeline';
import type { ContainerActions } from '../agent/actions/containerActions';
import type { ImagePulls } from '../agent/actions/imagePull';
import type { DiskUsageReport } from '../agent/images/diskUsage';
import { EngineNoAnswerError } from '../agent/engine/engineWatchdog';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import type { Alert } from '../alerts/alert';
import type { NewSilence, Silence } from '../alerts/silences';
import { isWatched, type SelectableContainer } from '../config/containerSelector';
import type { Config } from '../config/schema';
import { containerDetails } from './containerDetails';
import {
  AgentError,
  EngineUnavailableError,
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
} from '../bot/agentClient';
import { deployReportOf, type DeployReport } from '../bot/deployReport';
import { followEngineLogs } from './followEngineLogs';
import { readImages } from './inProcessImages';
import { pullInProcess } from './inProcessPull';
import {
  clientRevision,
  removedHistory,
  rollbackRemoved,
  watchedRemovedNames,
  type RemovedNameDeps,
} from './inProcessRemoved';
import { progressText, rollbackThroughActions } from './inProcessRollback';
import { InProcessStats } from './inProcessStats';
import type {
  ExecActionOptions,
  ExecOutcome,
  RemoveActionOptions,
  RemoveImageActionOptions,
} from '../bot/maintenanceTypes';
import { splitLogLines } from './logLines';

/** The parts of a running agent the bot reads (and, for silences and actions, asks to change). */
export type InProcessAgentParts = {
  inventory: Inventory;
  samples: SampleStore;
  engine: EngineSupervisor;
  alerts: AlertPipeline;
};

/** What the in-process client is built from; `actions` is the agent's actions module once this build has one. */
export type InProcessAgentOptions = {
  config: Pick<Config, 'agent' | 'containers' | 'stats' | 'docker'>;
  actions?: ContainerActions;
  /** The agent's audited image pulls (the running agent's `pulls`); without it, pull is refused. */
  pulls?: ImagePulls;
  /**
   * The agent is passive (`dockwatch ctl`): its alert engine only shows the state the running agent last stored, so
   * silences are refused with this reason instead of being kept in a process that exits.
   */
  silencesRefused?: string;
  now?: () => number;
};

const EXPECTED_STOP_MS = 120_000;
const NOT_AVAILABLE = 'not available in this build';

/** The AgentClient over the agent in this process (`dockwatch run`, `dockwatch ctl`): reads its parts directly. */
export class InProcessAgent implements AgentClient {
  private readonly now: () => number;
  private readonly statsReader: InProcessStats;

  constructor(
    private readonly agent: InProcessAgentParts,
    private readonly options: InProcessAgentOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.statsReader = new InProcessStats(agent.samples, options.config.stats.interval, this.now);
  }

  hostName(): string {
    return this.options.config.agent.hostName;
  }

  async hosts(): Promise<HostSummary[]> {
    const version = this.agent.engine.info?.version;
    const up = this.agent.engine.up;
    const all = up ? this.watched() : [];
    return [
      {
        name: this.hostName(),
        engineUp: up,
        ...(version ? { engineVersion: version } : {}),
        ...(up ? { containers: all.length, running: all.filter((r) => r.state === 'running').length } : {}),
      },
    ];
  }

  async containers(): Promise<ContainerRecord[]> {
    this.requireEngine();
    return this.watched();
  }

  async stats(id: string, signal: AbortSignal): Promise<ContainerStats | undefined> {
    return this.statsReader.of(this.record(id), signal);
  }

  async logs(id: string, query: LogQuery): Promise<LogLine[]> {
    const record = this.record(id);
    const opts = {
      follow: false,
      stdout: true,
      stderr: true,
      timestamps: true,
      tail: query.tail,
      ...(query.sinceMs === undefined ? {} : { since: Math.floor(query.sinceMs / 1000) }),
      abortSignal: query.signal,
    };
    const docker = this.docker();
    const logs = () => docker.getContainer(record.id).logs(opts as { follow: false });
    const body = (await this.fromEngine(logs)) as unknown;
    const buffer = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
    return splitLogLines(buffer, record.tty, query.grep);
  }

  async *followLogs(id: string, query: LogFollowQuery): AsyncGenerator<LogLine> {
    const record = this.record(id);
    yield* followEngineLogs(this.docker(), record.id, record.tty, query);
  }

  async inspect(id: string, signal: AbortSignal): Promise<ContainerDetails> {
    const record = this.record(id);
    const docker = this.docker();
    const info = await this.fromEngine(() => docker.getContainer(record.id).inspect({ abortSignal: signal } as object));
    return containerDetails(info);
  }

  async alerts(): Promise<Alert[]> {
    const { engine } = this.agent.alerts;
    return engine.alerts().map((alert) => {
      const silencedBy = engine.silencedBy(alert.labels);
      return silencedBy === undefined ? alert : { ...alert, silencedBy };
    });
  }

  async silences(): Promise<Silence[]> {
    return this.agent.alerts.engine.silences.list();
  }

  async addSilence(input: NewSilence): Promise<Silence> {
    if (this.options.silencesRefused) throw new AgentError(this.options.silencesRefused);
    const silence = this.agent.alerts.engine.silences.add(input);
    this.agent.alerts.changed();
    return silence;
  }

  async removeSilence(id: string): Promise<boolean> {
    if (this.options.silencesRefused) throw new AgentError(this.options.silencesRefused);
    const { silences } = this.agent.alerts.engine;
    if (!silences.list().some((s) => s.id === id) || !silences.remove(id)) return false;
    this.agent.alerts.changed();
    return true;
  }

  async start(id: string, options: ActionOptions): Promise<string> {
    const record = this.record(id);
    const { actions } = this.options;
    if (actions) return (await actions.start(record.name, { requestedBy: options.by })).detail;
    if (record.state === 'running') return `${record.name} is already running.`;
    await this.docker()
      .getContainer(record.id)
      .start({ abortSignal: options.signal } as object);
    return `${record.name} started.`;
  }

  async stop(id: string, options: ActionOptions): Promise<string> {
    const record = this.record(id);
    const { actions } = this.options;
    if (actions) return (await actions.stop(record.name, { requestedBy: options.by })).detail;
    if (record.state !== 'running' && record.state !== 'restarting' && record.state !== 'paused') {
      return `${record.name} is not running (${record.state}).`;
    }
    this.agent.alerts.engine.expectStop(record.id, this.now() + EXPECTED_STOP_MS);
    await this.docker()
      .getContainer(record.id)
      .stop({ abortSignal: options.signal } as object);
    return `${record.name} stopped.`;
  }

  async restart(id: string, options: ActionOptions): Promise<string> {
    const record = this.record(id);
    const { actions } = this.options;
    if (actions) return (await actions.restart(record.name, { requestedBy: options.by })).detail;
    this.agent.alerts.engine.expectStop(record.id, this.now() + EXPECTED_STOP_MS);
    await this.docker()
      .getContainer(record.id)
      .restart({ abortSignal: options.signal } as object);
    return `${record.name} restarted.`;
  }

  async rollback(id: string, to: number | undefined, options: ActionOptions): Promise<string> {
    const record = this.record(id);
    return rollbackThroughActions(this.actionsFor('rollback'), record.name, to, options);
  }

  async deploy(id: string, image: string | undefined, options: DeployActionOptions): Promise<DeployReport> {
    const record = this.record(id);
    const result = await this.actionsFor('deploy').deploy(record.name, {
      requestedBy: options.by,
      signal: options.signal,
      ...(image === undefined ? {} : { image }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      onProgress: (p) => options.onProgress?.(progressText(p)),
    });
    return deployReportOf(result);
  }

  async history(id: string): Promise<Revision[]> {
    const record = this.record(id);
    return (await this.actionsFor('history').history(record.name)).map(clientRevision);
  }

  async removedNames(): Promise<RemovedName[]> {
    return watchedRemovedNames(this.removedDeps('history'));
  }

  async removedHistory(name: string): Promise<Revision[]> {
    return removedHistory(this.removedDeps('history'), name);
  }

  async rollbackRemoved(name: string, to: number | undefined, options: ActionOptions): Promise<string> {
    return rollbackRemoved(this.removedDeps('rollback'), name, to, options);
  }

  async images(query: ImagesQuery): Promise<DiskUsageReport> {
    const watched = (c: SelectableContainer) => isWatched(c, this.options.config.containers);
    const docker = this.docker();
    return this.fromEngine(() => readImages(docker, query, watched, this.options.config.docker.host, this.now));
  }

  async pull(ref: string, options: ActionOptions): Promise<string> {
    this.docker();
    const { pulls } = this.options;
    if (!pulls) throw new AgentError(`pull is ${NOT_AVAILABLE}`);
    return pullInProcess(pulls, ref, options);
  }

  async remove(id: string, options: RemoveActionOptions): Promise<string> {
    const record = this.record(id);
    const { force, volumes, by } = options;
    return (await this.actionsFor('rm').remove(record.name, { requestedBy: by, force, volumes })).detail;
  }

  async removeImage(ref: string, options: RemoveImageActionOptions): Promise<string> {
    this.requireEngine();
    const { force, by, nameable } = options;
    return (await this.actionsFor('rmi').removeImage(ref, { requestedBy: by, force, nameable })).detail;
  }

  async exec(id: string, argv: readonly string[], options: ExecActionOptions): Promise<ExecOutcome> {
    const record = this.record(id);
    const { timeoutMs, signal, by } = options;
    return this.actionsFor('exec').exec(record.name, argv, { requestedBy: by, timeoutMs, signal });
  }

  private removedDeps(what: string): RemovedNameDeps {
    this.requireEngine();
    return { actions: this.actionsFor(what), containers: this.options.config.containers, hostName: this.hostName() };
  }

  private actionsFor(what: string): ContainerActions {
    if (!this.options.actions) throw new AgentError(`${what} is ${NOT_AVAILABLE}`);
    return this.options.actions;
  }

  private watched(): ContainerRecord[] {
    return this.agent.inventory.all().filter((r) => isWatched(r, this.options.config.containers));
  }

  /**
   * Refuses every read of the inventory while the engine is not up: `up` turns true only after the full resync that
   * follows each (re)connection, so until then the inventory is empty (before the first connection) or stale.
   */
  private requireEngine(): void {
    const { engine } = this.agent;
    if (engine.up) return;
    const why = engine.lastFailure ?? 'not connected yet';
    const state = engine.notAnswering ? 'does not answer' : 'is unreachable';
    throw new EngineUnavailableError(`the Docker engine ${state} (${this.options.config.docker.host}: ${why})`);
  }

  /**
   * A read of the engine that fails as the engine being unavailable when it went down meanwhile (cut or stalled), or
   * when it was refused because too many requests already wait on an engine that does not answer.
   */
  private async fromEngine<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (err instanceof AgentError) throw err;
      this.requireEngine();
      if (err instanceof EngineNoAnswerError) {
        throw new EngineUnavailableError(
          `the Docker engine does not answer (${this.options.config.docker.host}: ${err.message})`,
        );
      }
      throw err;
    }
  }

  private record(id: string): ContainerRecord {
    this.requireEngine();
    const record = this.agent.inventory.get(id);
    if (!record || !isWatched(record, this.options.config.containers)) {
      throw new AgentError(`container ${id.slice(0, 12)} is gone`);
    }
    return record;
  }

  private docker(): Docker {
    this.requireEngine();
    const docker = this.agent.engine.client;
    if (!docker)
      throw new EngineUnavailableError(`the Docker engine is unreachable (${this.options.config.docker.host})`);
    return docker;
  }
}
