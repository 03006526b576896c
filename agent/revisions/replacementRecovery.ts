import type Docker from 'dockerode';
import { readiness } from '../actions/readiness';
import type { Logger } from '../../shared/logger';
import {
  decideRecovery,
  type RecoveredContainer,
  type RecoveryAction,
  type RecoveryFacts,
} from './replacementRecoveryPlan';
import type { Replacement, ReplacementOutcome, ReplacementStore } from './replacementStore';

/** What recovery works with. */
export type ReplacementRecoveryDeps = {
  replacements: ReplacementStore;
  /** This process's id in the markers. */
  holder: string;
  docker: () => Docker | undefined;
  /** Settles ended markers now when this process writes revisions (the revision recorder's `settleEnded`). */
  settle: () => Promise<void>;
  /** A container recovery removes or stops is the operator's exit, not a crash. */
  expectStop: (containerId: string, until: number) => void;
  logger: Logger;
  /** Longest wait for a new container that may still become ready (`revisions.rollbackTimeout`). */
  maxWaitMs: number;
  /** A new container without a healthcheck counts as ready once it ran this long. */
  settleMs?: number;
  /** How far a marker's `expiresAt` lies past the replacement's own deadline (replacementRunner's margin). */
  markerMarginMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  intervalMs?: number;
};

const POLL_MS = 250;
const STOP_GRACE_MS = 30_000;

/**
 * Ends the replacements (rollbacks, deploys, recreates) whose process died half way, on the engine: a marker without
 * an outcome whose process is gone (or whose time ran out) is claimed by one process in the store, then finished (the
 * new container is ready: the old one is removed) or undone (the new one is removed, the old one renamed back and
 * started if it ran) after {@link decideRecovery}; the marker then gets its outcome and the revisions writer settles
 * it (a revision only for a finished one). Runs when the engine connects, before the process acts, and every few
 * seconds for processes that die while this one runs.
 */
export class ReplacementRecovery {
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: ReplacementRecoveryDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Recovers every abandoned replacement now (one pass at a time); never throws, failures are logged and retried. */
  recoverAll(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Looks for abandoned replacements every few seconds while the engine is connected. */
  start(): void {
    this.timer = setInterval(() => {
      if (this.deps.docker() && this.deps.replacements.abandoned().length) void this.recoverAll();
    }, this.deps.intervalMs ?? 2000);
    this.timer.unref();
  }

  /** Stops looking and waits for a pass under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    let recovered = false;
    for (const marker of this.deps.replacements.abandoned()) {
      const docker = this.deps.docker();
      if (!docker) return;
      recovered = (await this.recover(docker, marker)) || recovered;
    }
    if (recovered) {
      await this.deps.settle().catch((err: Error) => {
        this.deps.logger.warn('recovered replacement not settled', { error: err.message });
      });
    }
  }

  private async recover(docker: Docker, marker: Replacement): Promise<boolean> {
    const { replacements, holder, logger } = this.deps;
    const now = this.now();
    const waitUntil = Math.min(
      now + this.deps.maxWaitMs,
      Math.max(now + (this.deps.settleMs ?? 1000) + POLL_MS, marker.expiresAt - this.deps.markerMarginMs),
    );
    if (!replacements.claim(marker, holder, waitUntil + this.deps.markerMarginMs)) return false;
    const what = marker.deployImage === undefined ? 'rollback' : 'deploy';
    try {
      for (;;) {
        const facts = await this.factsOf(docker, marker, this.now() >= waitUntil);
        const plan = decideRecovery(facts);
        if (plan.kind === 'wait') {
          await this.sleep(POLL_MS);
          continue;
        }
        if (plan.kind === 'finish' && facts.underName) {
          replacements.setNewContainer(marker.name, holder, facts.underName.id);
        }
        const problems = [...(plan.problem ? [plan.problem] : [])];
        for (const action of plan.actions) {
          const failed = await this.apply(docker, action);
          if (failed) problems.push(failed);
        }
        const outcome: ReplacementOutcome =
          plan.kind === 'finish'
            ? marker.deployImage === undefined
              ? 'rolled-back'
              : 'deployed'
            : problems.length
              ? 'restore-failed'
              : 'undone';
        const done = plan.actions.map(describe).join(', ') || 'nothing to change';
        const detail = `interrupted (its process stopped); ${plan.kind === 'finish' ? 'finished' : 'undone'}: ${plan.why}`;
        replacements.finish(
          marker.name,
          holder,
          outcome,
          problems.length ? `${detail}; ${problems.join('; ')}` : detail,
        );
        const meta = { container: marker.name, outcome, why: plan.why, done, ...(problems.length && { problems }) };
        if (problems.length) logger.error(`an interrupted ${what} could not be put right`, meta);
        else logger.warn(`an interrupted ${what} was ${plan.kind === 'finish' ? 'finished' : 'undone'}`, meta);
        return true;
      }
    } catch (err) {
      replacements.release(marker.name, holder);
      logger.warn(`an interrupted ${what} could not be recovered yet; retrying`, {
        container: marker.name,
        error: (err as Error).message,
      });
      return false;
    }
  }

  /** Reads the containers of a marker: under its name, the old one and the noted new one (404 = gone). */
  private async factsOf(docker: Docker, marker: Replacement, final: boolean): Promise<RecoveryFacts> {
    const look = async (ref: string | undefined) => {
      if (!ref) return undefined;
      try {
        return recovered(await docker.getContainer(ref).inspect(), this.deps.settleMs ?? 1000, this.now());
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    };
    const underName = await look(marker.name);
    const [old, noted] = [await look(marker.oldContainerId), await look(marker.newContainerId)];
    return {
      name: marker.name,
      oldContainerId: marker.oldContainerId,
      ...(marker.oldRunning !== undefined && { oldRunning: marker.oldRunning }),
      startedAt: marker.startedAt,
      ...(marker.newContainerId !== undefined && { newContainerId: marker.newContainerId }),
      ...(underName?.name === marker.name && { underName }),
      ...(old && { old }),
      ...(noted && { noted }),
      final,
      now: this.now(),
    };
  }

  /** Applies one action; returns what went wrong, or undefined. */
  private async apply(docker: Docker, action: RecoveryAction): Promise<string | undefined> {
    const container = docker.getContainer(action.containerId);
    try {
      if (action.kind === 'remove') {
        this.deps.expectStop(action.containerId, this.now() + STOP_GRACE_MS);
        await container.remove({ force: true, v: false });
      } else if (action.kind === 'rename-back') await container.rename({ name: action.name });
      else await container.start();
      return undefined;
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if ((action.kind === 'remove' && status === 404) || (action.kind === 'start' && status === 304)) return undefined;
      return `${describe(action)}: ${(err as Error).message}`;
    }
  }
}

/** A container's inspect as recovery sees it. */
function recovered(info: Docker.ContainerInspectInfo, settleMs: number, now: number): RecoveredContainer {
  const verdict = readiness(info, 0, settleMs, now);
  const at = (s: string | undefined) => {
    const ms = Date.parse(s ?? '');
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  };
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    running: info.State.Running,
    readiness: verdict.status,
    ...(verdict.status !== 'ready' && { why: verdict.why }),
    createdAt: at(info.Created),
    finishedAt: at(info.State.FinishedAt),
    stopTimeoutMs: ((info.Config as { StopTimeout?: number }).StopTimeout ?? 10) * 1000,
  };
}

function describe(a: RecoveryAction): string {
  const id = a.containerId.slice(0, 12);
  if (a.kind === 'remove') return `removed the ${a.which} container ${id}`;
  if (a.kind === 'rename-back') return `renamed ${id} back to ${a.name}`;
  return `started the ${a.which} container ${id}`;
}
