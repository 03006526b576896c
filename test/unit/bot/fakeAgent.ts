import { selectImages, type DiskUsageReport } from '../../../agent/images/diskUsage';
import type { ContainerRecord } from '../../../agent/inventory/containerRecord';
import type { Alert } from '../../../alerts/alert';
import { Silences } from '../../../alerts/silences';
import {
  AgentError,
  EngineUnavailableError,
  type AgentClient,
  type ContainerStats,
  type ImagesQuery,
  type LogFollowQuery,
  type LogLine,
  type LogQuery,
  type RemovedName,
} from '../../../bot/agentClient';
import type { DeployReport } from '../../../bot/deployReport';
import type { ExecOutcome } from '../../../bot/maintenanceTypes';

/** A container record with defaults, for the core's tests. */
export function record(name: string, extra: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    id: `${name.replace(/[^a-f0-9]/g, 'a').padEnd(12, '0')}${'f'.repeat(52)}`,
    name,
    image: 'app:1',
    imageId: 'sha256:1234567890abcdef',
    labels: {},
    state: 'running',
    health: 'none',
    restartCount: 0,
    startedAt: 1_767_225_600,
    createdAt: 1_767_225_000,
    pid: 1,
    cgroupParent: '',
    networkMode: 'bridge',
    tty: false,
    logDriver: 'json-file',
    spec: { cpuPeriod: 100000, cpuShares: 1024, memoryLimitBytes: 0 },
    ...extra,
  };
}

/** An in-memory agent: containers that start and stop, log lines, silences; `hang` makes actions never finish. */
export class FakeAgent implements AgentClient {
  readonly actions: string[] = [];
  hang = false;
  /** The host name it reports; `down` makes every read fail as an unreachable agent would. */
  host = 'host-a';
  down = false;
  /** The agent answers but its engine does not: container reads fail as the real agents' do (503 over HTTP). */
  engineDown = false;
  /** What `stats()` returns per container name (default: no sample). */
  statsByName: Record<string, ContainerStats> = {};
  /** What `alerts()` returns. */
  alertList: Alert[] = [];
  readonly silenceStore: Silences;

  constructor(
    readonly records: ContainerRecord[],
    private readonly lines: Record<string, LogLine[]> = {},
    now: () => number = Date.now,
  ) {
    this.silenceStore = new Silences([], now, () => 'sil-1');
  }

  hostName() {
    return this.host;
  }
  async hosts() {
    if (this.down) throw new AgentError(`host ${this.host} is unreachable: connect ECONNREFUSED`);
    if (this.engineDown) return [{ name: this.host, engineUp: false, engineVersion: '20.10' }];
    return [{ name: this.host, engineUp: true, engineVersion: '20.10', containers: this.records.length, running: 1 }];
  }
  async containers() {
    if (this.down) throw new AgentError(`host ${this.host} is unreachable: connect ECONNREFUSED`);
    if (this.engineDown) {
      throw new EngineUnavailableError('the Docker engine is unreachable (unix:///run/docker.sock: connect ENOENT)');
    }
    return this.records;
  }
  async stats(id: string) {
    const name = this.records.find((r) => r.id === id)?.name ?? '';
    return this.statsByName[name];
  }
  async logs(id: string, query: LogQuery) {
    if (this.hang) return new Promise<LogLine[]>(() => undefined);
    const name = this.records.find((r) => r.id === id)?.name ?? '';
    return (this.lines[name] ?? []).filter((l) => !query.grep || query.grep.test(l.text)).slice(-query.tail);
  }
  /** What `followLogs` yields for a container name; default: its stored lines, then the stream ends. */
  followSource?: (name: string, signal: AbortSignal) => AsyncIterable<LogLine>;
  async *followLogs(id: string, query: LogFollowQuery): AsyncGenerator<LogLine> {
    const name = this.records.find((r) => r.id === id)?.name ?? '';
    if (this.followSource) yield* this.followSource(name, query.signal);
    else yield* (this.lines[name] ?? []).filter((l) => !query.grep || query.grep.test(l.text));
  }
  async inspect(): Promise<never> {
    throw new AgentError('not in the fake');
  }
  async alerts(): Promise<Alert[]> {
    if (this.down) throw new AgentError(`host ${this.host} is unreachable: connect ECONNREFUSED`);
    return this.alertList.map((alert) => {
      const silence = this.silenceStore.silencing(alert.labels);
      return silence ? { ...alert, silencedBy: silence.id } : alert;
    });
  }
  async silences() {
    return this.silenceStore.list();
  }
  async addSilence(input: Parameters<Silences['add']>[0]) {
    return this.silenceStore.add(input);
  }
  async removeSilence(id: string) {
    return this.silenceStore.remove(id);
  }
  start(id: string) {
    return this.act('start', id, 'running');
  }
  stop(id: string) {
    return this.act('stop', id, 'exited');
  }
  restart(id: string) {
    return this.act('restart', id, 'running');
  }
  async rollback(): Promise<never> {
    throw new AgentError('rollback is not available in this build');
  }
  /** What `removedNames()` returns: names with kept revisions and no container. */
  removed: RemovedName[] = [];
  async removedNames() {
    if (this.down) throw new AgentError(`host ${this.host} is unreachable: connect ECONNREFUSED`);
    return this.removed;
  }
  async removedHistory(name: string) {
    const r = this.removed.find((x) => x.name === name);
    if (!r) throw new AgentError(`no container or recorded revisions named "${name}" on ${this.host}`);
    return r.revisions.map((v) => ({
      ...v,
      imageId: 'sha256:1234567890abcdef',
      recordedAt: 0,
      current: false,
      changes: [],
    }));
  }
  /** Records `rollback-removed <name> to <revision|default>` and answers that it was recreated. */
  async rollbackRemoved(name: string, to: number | undefined): Promise<string> {
    this.actions.push(`rollback-removed ${name} to ${to ?? 'default'}`);
    return `${name} recreated from revision ${to ?? 'default'}`;
  }
  /** What `deploy` answers instead of "deployed" (restored with its diagnosis, or up to date). */
  deployFailure?: DeployReport;
  /** `deploy` records `deploy <name> <image|own tag> [timeout ms]` and answers that it now runs the image. */
  async deploy(id: string, image: string | undefined, options: { timeoutMs?: number }): Promise<DeployReport> {
    const r = this.records.find((x) => x.id === id);
    if (!r) throw new AgentError('gone');
    const timeout = options.timeoutMs === undefined ? '' : ` ${options.timeoutMs}`;
    this.actions.push(`deploy ${r.name} ${image ?? 'own tag'}${timeout}`);
    return this.deployFailure ?? { outcome: 'deployed', message: `${r.name} now runs ${image ?? r.image}` };
  }
  async history(): Promise<never> {
    throw new AgentError('history is not available in this build');
  }
  /** What `images()` reads (the whole host; the query selects from it); without it, images fail. */
  imageReport?: DiskUsageReport;
  async images(query: ImagesQuery): Promise<DiskUsageReport> {
    if (this.down) throw new AgentError(`host ${this.host} is unreachable: connect ECONNREFUSED`);
    if (this.engineDown) {
      throw new EngineUnavailableError('the Docker engine is unreachable (unix:///run/docker.sock: connect ENOENT)');
    }
    if (!this.imageReport) throw new AgentError('not in the fake');
    return selectImages(this.imageReport, query);
  }

  /** `pull` records `pull <ref> by <who>`, reports two progress lines and answers that it pulled the ref. */
  async pull(ref: string, options: { by: string; onProgress?: (step: string) => void }): Promise<string> {
    if (this.down) throw new AgentError(`host ${this.host} is unreachable: connect ECONNREFUSED`);
    this.actions.push(`pull ${ref} by ${options.by}`);
    options.onProgress?.('layers 1/2, 1.0 MB / 2.0 MB');
    options.onProgress?.('layers 2/2, 2.0 MB / 2.0 MB');
    return `Pulled ${ref} on ${this.host}.`;
  }

  /** `rm` records `rm <name>[ force][ volumes] by <who>` and drops the container. */
  async remove(id: string, options: { by: string; force: boolean; volumes: boolean }): Promise<string> {
    const r = this.records.find((x) => x.id === id);
    if (!r) throw new AgentError('gone');
    const flags = `${options.force ? ' force' : ''}${options.volumes ? ' volumes' : ''}`;
    this.actions.push(`rm ${r.name}${flags} by ${options.by}`);
    this.records.splice(this.records.indexOf(r), 1);
    return `${r.name} removed.`;
  }

  /** The `nameable` container IDs of each `rmi`, in order. */
  readonly nameable: (readonly string[])[] = [];
  /** `rmi` records `rmi <ref>[ force] by <who>` (and `nameable`). */
  async removeImage(
    ref: string,
    options: { by: string; force: boolean; nameable: readonly string[] },
  ): Promise<string> {
    this.nameable.push(options.nameable);
    this.actions.push(`rmi ${ref}${options.force ? ' force' : ''} by ${options.by}`);
    return `Deleted image ${ref}.`;
  }

  /** What `exec` answers (output, exit code); every call records `exec <name> <argv as JSON> <timeout>`. */
  execOutput = { output: 'PID USER\n1 root\n', exitCode: 0 };
  async exec(id: string, argv: readonly string[], options: { timeoutMs: number }): Promise<ExecOutcome> {
    const r = this.records.find((x) => x.id === id);
    if (!r) throw new AgentError('gone');
    this.actions.push(`exec ${r.name} ${JSON.stringify(argv)} ${options.timeoutMs}`);
    const { output, exitCode } = this.execOutput;
    const bytes = Buffer.byteLength(output);
    return {
      container: r.name,
      argv: [...argv],
      exitCode,
      output,
      outputBytes: bytes,
      truncated: false,
      timedOut: false,
      durationMs: 5,
    };
  }

  private async act(action: string, id: string, state: ContainerRecord['state']): Promise<string> {
    if (this.hang) return new Promise<string>(() => undefined);
    const r = this.records.find((x) => x.id === id);
    if (!r) throw new AgentError('gone');
    this.actions.push(`${action} ${r.name}`);
    r.state = state;
    return `${r.name} ${state}.`;
  }
}
