import type Docker from 'dockerode';
import type { RunningAgent } from '../agent';
import type { ContainerActions } from '../agent/actions/containerActions';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import type { Alert } from '../alerts/alert';
import type { NewSilence, Silence } from '../alerts/silences';
import { isWatched } from '../config/containerSelector';
import type { Config } from '../config/schema';
import { containerDetails } from './containerDetails';
import {
  AgentError,
  type ActionOptions,
  type AgentClient,
  type ContainerDetails,
  type ContainerStats,
  type HostSummary,
  type LogLine,
  type LogQuery,
  type Revision,
} from './agentClient';
import { splitLogLines } from './logLines';

/** The parts of a running agent the bot reads (and, for silences and actions, asks to change). */
export type InProcessAgentParts = Pick<RunningAgent, 'inventory' | 'samples' | 'engine' | 'alerts'>;

/** What the in-process client is built from; `actions` is the agent's actions module once this build has one. */
export type InProcessAgentOptions = {
  config: Pick<Config, 'agent' | 'containers' | 'stats'>;
  actions?: ContainerActions;
  now?: () => number;
};

type CpuPoint = { generation: number; usageSeconds: number; timestampMs: number };

const POLL_MS = 100;
const EXPECTED_STOP_MS = 120_000;
const NOT_AVAILABLE = 'not available in this build';

/** The AgentClient over the agent in this process (`dockwatch run`, `dockwatch ctl`): reads its parts directly. */
export class InProcessAgent implements AgentClient {
  private readonly cpu = new Map<string, { prev?: CpuPoint; last: CpuPoint }>();
  private readonly now: () => number;

  constructor(
    private readonly agent: InProcessAgentParts,
    private readonly options: InProcessAgentOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  hostName(): string {
    return this.options.config.agent.hostName;
  }

  async hosts(): Promise<HostSummary[]> {
    const all = this.watched();
    const version = this.agent.engine.info?.version;
    return [
      {
        name: this.hostName(),
        engineUp: this.agent.engine.up,
        ...(version ? { engineVersion: version } : {}),
        containers: all.length,
        running: all.filter((r) => r.state === 'running').length,
      },
    ];
  }

  async containers(): Promise<ContainerRecord[]> {
    return this.watched();
  }

  async stats(id: string, signal: AbortSignal): Promise<ContainerStats | undefined> {
    const { samples } = this.agent;
    let sample = samples.get(id);
    if (!sample) return undefined;
    this.observeAll();
    if (sample.cpu && !this.cpu.get(id)?.prev) {
      const seen = samples.generation;
      const deadline = this.now() + this.options.config.stats.interval + 2000;
      while (samples.generation === seen && this.now() < deadline && !signal.aborted) await pause(POLL_MS);
      sample = samples.get(id) ?? sample;
      this.observeAll();
    }
    const points = this.cpu.get(id);
    const elapsed = points?.prev ? (points.last.timestampMs - points.prev.timestampMs) / 1000 : 0;
    const cpuPercent =
      points?.prev && elapsed > 0
        ? (Math.max(0, points.last.usageSeconds - points.prev.usageSeconds) / elapsed) * 100
        : undefined;
    const network = sample.network ?? [];
    const record = this.agent.inventory.get(id);
    return {
      id,
      timestampMs: sample.timestampMs,
      ...(cpuPercent === undefined ? {} : { cpuPercent }),
      ...(sample.memory ? { memoryWorkingSetBytes: sample.memory.workingSetBytes } : {}),
      ...(record?.spec.memoryLimitBytes ? { memoryLimitBytes: record.spec.memoryLimitBytes } : {}),
      ...(sample.network
        ? {
            networkRxBytes: network.reduce((sum, n) => sum + n.rxBytes, 0),
            networkTxBytes: network.reduce((sum, n) => sum + n.txBytes, 0),
          }
        : {}),
      ...(sample.processes === undefined ? {} : { processes: sample.processes }),
    };
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
    const body = (await this.docker()
      .getContainer(record.id)
      .logs(opts as { follow: false })) as unknown;
    const buffer = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
    return splitLogLines(buffer, record.tty, query.grep);
  }

  async inspect(id: string, signal: AbortSignal): Promise<ContainerDetails> {
    const record = this.record(id);
    const info = await this.docker()
      .getContainer(record.id)
      .inspect({ abortSignal: signal } as object);
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
    const silence = this.agent.alerts.engine.silences.add(input);
    this.agent.alerts.changed();
    return silence;
  }

  async removeSilence(id: string): Promise<boolean> {
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
    const { actions } = this.options;
    if (!actions) throw new AgentError(`rollback is ${NOT_AVAILABLE}`);
    const result = await actions.rollback(record.name, {
      requestedBy: options.by,
      ...(to === undefined ? {} : { toRevision: to }),
      onProgress: (p) => options.onProgress?.(`${p.step}: ${p.status}${p.detail ? ` (${p.detail})` : ''}`),
    });
    if (result.outcome !== 'rolled-back') throw new AgentError(result.message);
    return result.message;
  }

  async history(id: string): Promise<Revision[]> {
    const record = this.record(id);
    const { actions } = this.options;
    if (!actions) throw new AgentError(`history is ${NOT_AVAILABLE}`);
    return (await actions.history(record.name)).map((r) => ({
      revision: r.revision,
      imageRef: r.imageRef,
      imageId: r.imageId,
      recordedAt: r.recordedAt,
      current: r.current,
      changes: r.changes,
    }));
  }

  private watched(): ContainerRecord[] {
    return this.agent.inventory.all().filter((r) => isWatched(r, this.options.config.containers));
  }

  private record(id: string): ContainerRecord {
    const record = this.agent.inventory.get(id);
    if (!record || !isWatched(record, this.options.config.containers)) {
      throw new AgentError(`container ${id.slice(0, 12)} is gone`);
    }
    return record;
  }

  private docker(): Docker {
    const docker = this.agent.engine.client;
    if (!docker) throw new AgentError('the Docker engine is unreachable');
    return docker;
  }

  /** Keeps the last two CPU readings of every sampled container, so CPU % needs no wait after the first. */
  private observeAll(): void {
    const { samples } = this.agent;
    const generation = samples.generation;
    const seen = new Set<string>();
    for (const sample of samples.all()) {
      seen.add(sample.id);
      if (!sample.cpu) continue;
      const point = { generation, usageSeconds: sample.cpu.usageSeconds, timestampMs: sample.timestampMs };
      const known = this.cpu.get(sample.id);
      if (known?.last.generation === generation) continue;
      this.cpu.set(sample.id, { ...(known ? { prev: known.last } : {}), last: point });
    }
    for (const id of this.cpu.keys()) if (!seen.has(id)) this.cpu.delete(id);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
