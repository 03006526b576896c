import type { Alert } from '../alerts/alert';
import type { NewSilence, Silence } from '../alerts/silences';
import type { DiskUsageReport, ImageSelection } from '../agent/images/diskUsage';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import type { RemovedName } from '../agent/actions/removedName';
import type { ExecActionOptions, ExecOutcome, RemoveActionOptions, RemoveImageActionOptions } from './maintenanceTypes';
import type { DeployReport } from './deployReport';

/** One host as `hosts` lists it; the counts are absent while the engine is unreachable (they would be stale). */
export type HostSummary = {
  name: string;
  engineUp: boolean;
  engineVersion?: string;
  containers?: number;
  running?: number;
};

/** A container's latest figures; CPU % needs two samples and is absent until there are. */
export type ContainerStats = {
  id: string;
  timestampMs: number;
  cpuPercent?: number;
  memoryWorkingSetBytes?: number;
  memoryLimitBytes?: number;
  networkRxBytes?: number;
  networkTxBytes?: number;
  processes?: number;
};

/** Which log lines to fetch: the last `tail` lines, only those after `sinceMs` and matching `grep`. */
export type LogQuery = { tail: number; sinceMs?: number; grep?: RegExp; signal: AbortSignal };

/** One log line, demultiplexed. */
export type LogLine = { stream: 'stdout' | 'stderr'; time?: string; text: string };

/**
 * Which lines a live tail follows: the last `tail` lines first (default none: only new lines), or those after
 * `sinceMs`; only those matching `grep`. Aborting `signal` ends the iteration and closes the stream.
 */
export type LogFollowQuery = { tail?: number; sinceMs?: number; grep?: RegExp; signal: AbortSignal };

/** What `inspect` shows of a container; `env` as the engine has it (`KEY=VALUE`), redacted by the command. */
export type ContainerDetails = {
  id: string;
  name: string;
  image: string;
  imageId: string;
  state: string;
  health: string;
  createdAt: string;
  startedAt?: string;
  restartCount: number;
  command: string[];
  entrypoint: string[];
  env: string[];
  ports: string[];
  mounts: string[];
  networks: string[];
  labels: Record<string, string>;
  restartPolicy: string;
};

/** A recorded revision of a container name (from the revisions module); `changes` names what differs, never values. */
export type Revision = {
  revision: number;
  imageRef: string;
  imageId: string;
  recordedAt: number;
  current: boolean;
  /** Key paths that differ from the revision before: `Image` for a new image, else config only. */
  changes: string[];
  /** Why dockwatch recorded it, when it made the change (`rollback to revision 1`). */
  note?: string;
  /** How containers of its image and config last ran, when seen. */
  lastRun?: 'healthy' | 'failed';
};

export type { RemovedName } from '../agent/actions/removedName';

/** Which images `images` lists (a filter on `repository:tag`, only untagged ones); totals cover every image. */
export type ImagesQuery = ImageSelection & { signal: AbortSignal };

/** What an action needs besides its container: who asked (for the agent's own records), cancellation, progress. */
export type ActionOptions = { by: string; signal: AbortSignal; onProgress?: (step: string) => void };

/** A deploy's options: an action's, and how long the new container may take to be healthy (default the agent's). */
export type DeployActionOptions = ActionOptions & { timeoutMs?: number };

/** An agent-side failure whose message is safe and useful to show to the user (not found, not available, …). */
export class AgentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentError';
  }
}

/**
 * The host's Docker engine is unreachable, or connected but its inventory not yet synced: nothing read from it now
 * would be true, so reads and actions fail with this instead of answering as if it had no containers. The control
 * API answers it with 503; RemoteAgentClient turns that back into this error.
 */
export class EngineUnavailableError extends AgentError {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUnavailableError';
  }
}

/**
 * How the bot's commands reach one agent: in process (api/inProcessAgent.ts) or over the control API. Container
 * ids passed in are always ones resolved against `containers()`; methods reject with AgentError for what the user
 * should read, and every read of the engine's containers (containers, stats, logs, inspect, history) and every
 * action with EngineUnavailableError while the engine is unreachable or not yet synced. `hosts`, alerts and
 * silences keep answering then.
 */
export interface AgentClient {
  /** The agent's host name (`agent.hostName`). */
  hostName(): string;
  hosts(): Promise<HostSummary[]>;
  /** The inventory: every container, running or not. */
  containers(): Promise<ContainerRecord[]>;
  stats(id: string, signal: AbortSignal): Promise<ContainerStats | undefined>;
  logs(id: string, query: LogQuery): Promise<LogLine[]>;
  /**
   * The container's log lines as they are written, until the container stops (the engine ends the stream) or the
   * signal aborts; a slow reader slows the stream down rather than making it buffer.
   */
  followLogs(id: string, query: LogFollowQuery): AsyncIterable<LogLine>;
  inspect(id: string, signal: AbortSignal): Promise<ContainerDetails>;
  /** Pending and firing alerts (resolved ones too, while the engine keeps them). */
  alerts(): Promise<Alert[]>;
  silences(): Promise<Silence[]>;
  addSilence(input: NewSilence): Promise<Silence>;
  /** False when there is no such silence. */
  removeSilence(id: string): Promise<boolean>;
  start(id: string, options: ActionOptions): Promise<string>;
  stop(id: string, options: ActionOptions): Promise<string>;
  restart(id: string, options: ActionOptions): Promise<string>;
  /** Recreates the container from a recorded revision (the latest before the current one unless `to`). */
  rollback(id: string, to: number | undefined, options: ActionOptions): Promise<string>;
  /**
   * Pulls `image` (undefined: the container's own tag again) and recreates the container from it behind the health
   * gate: resolves with how it ended (deployed, up to date, or restored with the diagnosis apart from the message, so
   * the bot shows the log lines only to who may read them); rejects when it could not run (pull failed, …).
   */
  deploy(id: string, image: string | undefined, options: DeployActionOptions): Promise<DeployReport>;
  /** The recorded revisions of the container's name, newest first. */
  history(id: string, signal: AbortSignal): Promise<Revision[]>;
  /** Names with kept revisions that no watched container carries now (removed with rm), for history and rollback. */
  removedNames(signal: AbortSignal): Promise<RemovedName[]>;
  /** The recorded revisions of a removed name, newest first (none current); AgentError when it is not one. */
  removedHistory(name: string, signal: AbortSignal): Promise<Revision[]>;
  /**
   * Recreates a removed name's container from revision `to` (default: its newest kept one whose last run did not
   * fail) behind the health gate; rejects saying why when it did not come up (the new container is removed again).
   */
  rollbackRemoved(name: string, to: number | undefined, options: ActionOptions): Promise<string>;
  /** Removes the container (running: only with `force`); its last revision stays for rollback. */
  remove(id: string, options: RemoveActionOptions): Promise<string>;
  /** Removes an image or one of its names (`rmi`); refuses one in use or keep-tagged unless `force`. */
  removeImage(ref: string, options: RemoveImageActionOptions): Promise<string>;
  /** Runs an argv in the container (no shell, TTY or stdin), killed after `timeoutMs`. */
  exec(id: string, argv: readonly string[], options: ExecActionOptions): Promise<ExecOutcome>;
  /** The host's images the query selects and its disk use totals (`system df`, read now; viewer-level). */
  images(query: ImagesQuery): Promise<DiskUsageReport>;
  /**
   * Pulls an image reference (`app:v1`, `127.0.0.1:5000/app@sha256:…`) with the agent's registry credentials:
   * progress lines (`layers 3/5, 12.4 MB / 30.1 MB`) through `onProgress`, a one-line summary at the end; rejects
   * saying why (invalid reference, not found, denied, registry unreachable).
   */
  pull(ref: string, options: ActionOptions): Promise<string>;
}
