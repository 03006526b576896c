import type { RemovedName } from '../../agent/actions/removedName';
import type { SelectableContainer } from '../../config/containerSelector';
import type { Fleet } from '../fleet';
import type { CommandSpec, ParsedCommand } from './commandSpec';
import { acrossHosts, answered } from './hostScope';

/**
 * A removed name as the core resolves a container word against it, beside the containers: its name, the labels its
 * newest kept revision recorded (for suggestions only; authorization uses the revision acted on), its host.
 */
export type RemovedCandidate = SelectableContainer & { id: ''; host: string; removed: RemovedName };

/** What authorizing a removed name needs: the revision the command acts on and the labels its spec recorded. */
export type RemovedSubject =
  { ok: true; revision: number; container: SelectableContainer } | { ok: false; error: string };

/** The removed names on `hosts` (an agent that does not answer, or cannot list them, adds none). */
export async function removedCandidates(fleet: Fleet, hosts: readonly string[]): Promise<RemovedCandidate[]> {
  const lists = answered(await acrossHosts(fleet, hosts, (agent) => agent.removedNames(AbortSignal.timeout(15_000))));
  return lists.flatMap(({ host, value }) =>
    value.map((removed) => ({
      name: removed.name,
      labels: removed.revisions[0]?.labels ?? {},
      id: '' as const,
      host,
      removed,
    })),
  );
}

/** Whether a resolved candidate is a removed name rather than a container. */
export function isRemoved<T extends object>(c: T | RemovedCandidate): c is RemovedCandidate {
  return 'removed' in c;
}

/**
 * The revision a command acts on for a removed name, and the name with that revision's recorded labels as roles see
 * it (pure); an error when the command names no kept revision or a plain rollback has none to pick.
 */
export function removedSubject(spec: CommandSpec, command: ParsedCommand, removed: RemovedName): RemovedSubject {
  const choice = spec.removedRevision?.(command, removed) ?? { error: `${command.name} takes only containers` };
  if ('error' in choice) return { ok: false, error: choice.error };
  const revision = removed.revisions.find((r) => r.revision === choice.revision);
  if (!revision) {
    const kept = removed.revisions.map((r) => r.revision).join(', ') || 'none';
    return { ok: false, error: `${removed.name} has no revision ${choice.revision} (kept revisions: ${kept})` };
  }
  return { ok: true, revision: revision.revision, container: { name: removed.name, labels: revision.labels } };
}
