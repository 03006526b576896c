/** One container as recovery sees it: where it stands and whether it is ready (`readiness` of the actions). */
export type RecoveredContainer = {
  id: string;
  name: string;
  running: boolean;
  /** Ready (healthy, or running past the settle time without a healthcheck), not yet, or failed. */
  readiness: 'ready' | 'waiting' | 'failed';
  /** Why it is not ready, in one line. */
  why?: string;
  /** When it was created and when it last stopped (ms; 0 when never). */
  createdAt: number;
  finishedAt: number;
  /** How long a stop of it may take (its StopTimeout). */
  stopTimeoutMs: number;
};

/** What recovery knows of an abandoned replacement: the marker's fields and the engine's containers. */
export type RecoveryFacts = {
  name: string;
  /** The container being replaced; '' when there was none (a removed name recreated). */
  oldContainerId: string;
  /** Whether it ran when the replacement began; undefined for markers from before this was recorded. */
  oldRunning?: boolean;
  startedAt: number;
  /** The replacement container as the marker noted it (it may have died before noting it). */
  newContainerId?: string;
  /** The container holding the name now. */
  underName?: RecoveredContainer;
  /** The old container, wherever it is (under the name or its aside name); undefined when gone. */
  old?: RecoveredContainer;
  /** The container the marker notes as the new one, when it still exists. */
  noted?: RecoveredContainer;
  /** Past the time the new container had to become ready: a container still `waiting` is not waited for. */
  final: boolean;
  now: number;
};

/** One write to the engine that finishes or undoes a replacement. */
export type RecoveryAction =
  | { kind: 'remove'; which: 'old' | 'new'; containerId: string }
  | { kind: 'rename-back'; containerId: string; name: string }
  | { kind: 'start'; which: 'old' | 'new'; containerId: string };

/**
 * What to do: wait (the new container may still become ready), finish (the new container stays; the old one goes),
 * or undo (the new one goes; the old one comes back under the name, started if it ran). `problem` says what cannot be
 * put right (the old container is gone).
 */
export type RecoveryPlan =
  { kind: 'wait'; why: string } | { kind: 'finish' | 'undo'; actions: RecoveryAction[]; why: string; problem?: string };

/** A container created this long before the marker still counts as the replacement's (clocks of two processes). */
const CLOCK_SLACK_MS = 5_000;
/** How long past its StopTimeout a stop the dead process asked for may still end the old container. */
const STOP_SLACK_MS = 2_000;

/**
 * Decides how to end a replacement whose process died (pure): a new container under the name that is ready is kept
 * and the old one removed; one that may still become ready is waited for until `final`; otherwise the new container
 * is removed and the old one renamed back and started again if it ran. A new container is never removed when the
 * old one is gone (the name would be left empty), and a container under the name created before the replacement
 * began is not the replacement's and is left alone. An old container that still runs under the name is given the time a
 * stop the dead process may have asked for takes, so that it is started again once that stop ends it.
 */
export function decideRecovery(f: RecoveryFacts): RecoveryPlan {
  const fresh = newContainerOf(f);
  const old = f.old;
  const oldGone = f.oldContainerId !== '' && !old;
  if (fresh && f.underName?.id === fresh.id) {
    if (fresh.readiness === 'ready') {
      return {
        kind: 'finish',
        actions: old ? [{ kind: 'remove', which: 'old', containerId: old.id }] : [],
        why: `the new container ${short(fresh.id)} runs and is ready`,
      };
    }
    if (oldGone) {
      return {
        kind: 'finish',
        actions: fresh.running ? [] : [{ kind: 'start', which: 'new', containerId: fresh.id }],
        why: `the old container is gone; the new one ${short(fresh.id)} stays (${fresh.why ?? fresh.readiness})`,
      };
    }
    if (fresh.readiness === 'waiting' && !f.final) return { kind: 'wait', why: fresh.why ?? 'not ready yet' };
  }
  const actions: RecoveryAction[] = [];
  if (fresh) actions.push({ kind: 'remove', which: 'new', containerId: fresh.id });
  const why = fresh
    ? `the new container ${short(fresh.id)} did not become ready (${fresh.why ?? fresh.readiness})`
    : 'no new container was made';
  if (!old) {
    const problem = oldGone ? `the old container ${short(f.oldContainerId)} is gone` : undefined;
    return { kind: 'undo', actions, why, ...(problem && { problem }) };
  }
  const stopMayBePending = f.now < f.startedAt + old.stopTimeoutMs + STOP_SLACK_MS;
  if (!fresh && old.name === f.name && old.running && wasRunning(f, old) && stopMayBePending) {
    return { kind: 'wait', why: 'a stop of the old container may still be under way' };
  }
  if (old.name !== f.name) actions.push({ kind: 'rename-back', containerId: old.id, name: f.name });
  if (wasRunning(f, old) && !old.running) actions.push({ kind: 'start', which: 'old', containerId: old.id });
  return { kind: 'undo', actions, why };
}

/** The replacement's new container: the one the marker notes, else one under the name made since it began. */
function newContainerOf(f: RecoveryFacts): RecoveredContainer | undefined {
  if (f.noted && f.noted.id !== f.oldContainerId) return f.noted;
  const under = f.underName;
  if (!under || under.id === f.oldContainerId || under.id === f.old?.id) return undefined;
  if (f.newContainerId !== undefined && under.id !== f.newContainerId) return undefined;
  return under.createdAt >= f.startedAt - CLOCK_SLACK_MS ? under : undefined;
}

/** Whether the old container ran when the replacement began (older markers: it stopped since then). */
function wasRunning(f: RecoveryFacts, old: RecoveredContainer): boolean {
  return f.oldRunning ?? old.finishedAt >= f.startedAt - CLOCK_SLACK_MS;
}

const short = (id: string) => id.slice(0, 12);
