import type { ExecOptions, ExecResult } from './execTypes';
import type { RemovedName } from './removedName';
import type { RemoveImageOptions, RemoveImageResult, RemoveOptions, RemoveResult } from './removeTypes';

/** The actions that write to the engine. */
export type ActionName = 'start' | 'stop' | 'restart' | 'rollback' | 'deploy' | 'rm' | 'rmi' | 'exec';

/** One audit record of an action: written when it starts and when it ends. Times are ms since the epoch. */
export type ActionAuditEntry = {
  action: ActionName;
  /** The container name as resolved against the inventory. */
  container: string;
  containerId: string;
  phase: 'started' | 'succeeded' | 'failed';
  at: number;
  /** Who asked (the bot's user), when known. */
  requestedBy?: string;
  /** What happened, in one line (never env values or other secrets). */
  detail?: string;
};

/** Receives every audit entry (the bot's audit store, the log). */
export type ActionAuditHook = (entry: ActionAuditEntry) => void;

/** Options every action takes. */
export type ActionOptions = { requestedBy?: string };

/** `stop` and `restart`: seconds the engine waits before it kills (the container's own StopTimeout, else 10). */
export type StopOptions = ActionOptions & { timeoutSeconds?: number };

/**
 * Steps of a rollback (`choose`: which revision a plain rollback picked, and why), then those of restoring the
 * previous container when a step failed.
 */
export type RollbackStep =
  | 'choose'
  | 'stop'
  | 'rename'
  | 'create'
  | 'start'
  | 'wait'
  | 'remove-old'
  | 'remove-new'
  | 'rename-back'
  | 'start-old';

/** One progress report of a rollback. */
export type RollbackProgress = {
  step: RollbackStep;
  status: 'started' | 'done' | 'failed';
  /** A line for people, e.g. `renamed to app-dockwatch-old-1718…` or the engine's error. */
  detail?: string;
  at: number;
};

/** `rollback`: the revision to bring back (default: the one before the running one) and where progress goes. */
export type RollbackOptions = ActionOptions & {
  toRevision?: number;
  onProgress?: (progress: RollbackProgress) => void;
  /** How long the new container may take to run (and be healthy); default `revisions.rollbackTimeout`. */
  timeoutMs?: number;
  /** Only a removed name's recreate (authorized as such): refused when a container carries the name again. */
  onlyRemoved?: boolean;
};

/** Steps of a deploy: pull the image, record the current container as a revision, then those of a replacement. */
export type DeployStep = 'pull' | 'record' | Exclude<RollbackStep, 'choose'>;

/** One progress report of a deploy; `progress` repeats while the pull runs (layers and bytes in `detail`). */
export type DeployProgress = {
  step: DeployStep;
  status: 'started' | 'progress' | 'done' | 'failed';
  detail?: string;
  at: number;
};

/** `deploy`: the image (default: re-pull the container's own tag), the health gate's deadline, where progress goes. */
export type DeployOptions = ActionOptions & {
  image?: string;
  /** How long the new container may take to run and be healthy; default `revisions.rollbackTimeout`. */
  timeoutMs?: number;
  onProgress?: (progress: DeployProgress) => void;
  /** Cancels the pull; once the container is being replaced the deploy runs to its end. */
  signal?: AbortSignal;
};

/**
 * How a deploy ended: `deployed` (the new image runs), `up-to-date` (the pulled image is the one running; nothing
 * changed), `restored` (the new container did not come up and the previous one is back; `reason` says why) or
 * `restore-failed` (and part of restoring failed too; `message` says what).
 */
export type DeployResult = {
  outcome: 'deployed' | 'up-to-date' | 'restored' | 'restore-failed';
  container: string;
  /** The image reference deployed, as given (or the container's own). */
  image: string;
  /** The pulled image's ID. */
  imageId?: string;
  /** The revision of the container it replaced. */
  fromRevision?: number;
  /** The revision recorded for the new container, when deployed and this process records revisions. */
  newRevision?: number;
  /** The container under the name now. */
  containerId?: string;
  /** Why the new container failed: the step, the gate's words, its exit code, last health output and log lines. */
  reason?: { step: string; message: string; exitCode?: number; health?: string; logs: string[] };
  steps: DeployProgress[];
  message: string;
};

/** The state of a container after an action. */
export type ActionResult = { container: string; containerId: string; state: string; detail: string };

/**
 * How a rollback ended: `rolled-back` (the chosen revision runs), `restored` (a step failed and the previous
 * container is back as it was) or `restore-failed` (a step failed and so did part of restoring; `message` says what).
 */
export type RollbackResult = {
  outcome: 'rolled-back' | 'restored' | 'restore-failed';
  container: string;
  fromRevision?: number;
  toRevision: number;
  /** The container under the name now (the new one, or the restored previous one). */
  containerId?: string;
  /** The revision recorded for the new container, when rolled back and this process records revisions. */
  newRevision?: number;
  steps: RollbackProgress[];
  message: string;
};

/** One revision as `history` shows it: what changed, never the values (env may hold secrets). */
export type RevisionSummary = {
  revision: number;
  imageRef: string;
  imageId: string;
  recordedAt: number;
  containerId: string;
  /** Key paths that differ from the revision before (`Image`, `Config.Env`, …); empty for the first one. */
  changes: string[];
  /** Whether this revision's container runs under the name now. */
  current: boolean;
  note?: string;
  /** Whether its image is held: by its keep tag, or by the current container (a rollback to it can run). */
  kept: boolean;
  /** How containers of its image and config last ran, when seen (a plain rollback passes over `failed` ones). */
  lastRun?: 'healthy' | 'failed';
};

/** Every write to the engine goes through here: names resolved against the inventory, audited, alerts told. */
export interface ContainerActions {
  /** Starts a stopped container. */
  start(name: string, options?: ActionOptions): Promise<ActionResult>;
  /** Stops a container; its exit is expected (no "unexpected stop" alert). */
  stop(name: string, options?: StopOptions): Promise<ActionResult>;
  /** Restarts a container; its exit is expected. */
  restart(name: string, options?: StopOptions): Promise<ActionResult>;
  /**
   * Recreates the container from a recorded revision, restoring the previous one if any step fails; a removed name
   * (kept revisions, no container) is recreated, and the new container removed again if it does not come up.
   */
  rollback(name: string, options?: RollbackOptions): Promise<RollbackResult>;
  /** Pulls an image and recreates the container from it behind a health gate, restoring it when the gate fails. */
  deploy(name: string, options?: DeployOptions): Promise<DeployResult>;
  /** The kept revisions of a name, newest first. */
  history(name: string): Promise<RevisionSummary[]>;
  /** The names with kept revisions that no watched container carries now (their containers were removed). */
  removedNames(): RemovedName[];
  /** Removes a container (a running one only with `force`); its last revision is kept for rollback. */
  remove(name: string, options?: RemoveOptions): Promise<RemoveResult>;
  /** Removes an image or one of its names; refuses one in use or held by a keep tag unless `force`. */
  removeImage(ref: string, options?: RemoveImageOptions): Promise<RemoveImageResult>;
  /** Runs an argv in a container (no shell, no TTY, no stdin), killed after `timeoutMs`. */
  exec(name: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
}
