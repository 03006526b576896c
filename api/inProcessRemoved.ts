import type { ContainerActions, RevisionSummary } from '../agent/actions/containerActions';
import { CONTAINER_NAME, type RemovedName } from '../agent/actions/removedName';
import { suggestNames } from '../agent/actions/resolveContainer';
import { isWatched, type IncludeExclude } from '../config/containerSelector';
import { AgentError, type ActionOptions, type Revision } from '../bot/agentClient';
import { rollbackThroughActions } from './inProcessRollback';

/** What the in-process removed-name calls work with: the agent's actions and its `containers` selection. */
export type RemovedNameDeps = { actions: ContainerActions; containers: IncludeExclude; hostName: string };

/** The removed names the agent watches: by the name and the labels its newest kept revision gave the container. */
export function watchedRemovedNames(deps: RemovedNameDeps): RemovedName[] {
  return deps.actions
    .removedNames()
    .filter((r) => isWatched({ name: r.name, labels: r.revisions[0]?.labels ?? {} }, deps.containers));
}

/** The removed name `name`, or an AgentError naming it, with close removed names as suggestions. */
export function removedNamed(deps: RemovedNameDeps, name: string): RemovedName {
  const shown = JSON.stringify(name.slice(0, 100));
  if (!CONTAINER_NAME.test(name)) throw new AgentError(`${shown} is not a container name`);
  const all = watchedRemovedNames(deps);
  const found = all.find((r) => r.name === name);
  if (found) return found;
  const near = suggestNames(
    all.map((r) => r.name),
    name,
  );
  const hint = near.length ? ` (did you mean ${near.join(', ')}?)` : '';
  throw new AgentError(`no container or recorded revisions named ${shown} on ${deps.hostName}${hint}`);
}

/** A revision as the AgentClient shows it. */
export function clientRevision(r: RevisionSummary): Revision {
  return {
    revision: r.revision,
    imageRef: r.imageRef,
    imageId: r.imageId,
    recordedAt: r.recordedAt,
    current: r.current,
    changes: r.changes,
    ...(r.note !== undefined && { note: r.note }),
    ...(r.lastRun !== undefined && { lastRun: r.lastRun }),
  };
}

/** `history` of a removed name: its kept revisions, none current. */
export async function removedHistory(deps: RemovedNameDeps, name: string): Promise<Revision[]> {
  const removed = removedNamed(deps, name);
  return (await deps.actions.history(removed.name)).map(clientRevision);
}

/** `rollback` of a removed name through the actions module: resolves to its message, rejects saying why it failed. */
export async function rollbackRemoved(
  deps: RemovedNameDeps,
  name: string,
  to: number | undefined,
  options: ActionOptions,
): Promise<string> {
  const removed = removedNamed(deps, name);
  return rollbackThroughActions(deps.actions, removed.name, to, options, true);
}
