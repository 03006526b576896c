import type { Revision } from '../revisions/revisionStore';
import { ActionError } from './actionError';
import { lastRunOf, type RollbackTarget } from './rollbackTarget';

/** One kept revision of a removed name: the labels its recorded spec gives a container (roles select on them). */
export type RemovedRevision = { revision: number; imageRef: string; labels: Record<string, string> };

/**
 * A name with kept revisions that no watched container carries now (its container was removed): its revisions,
 * newest first, and what a plain `rollback NAME` recreates (a revision and why, or why there is none).
 */
export type RemovedName = {
  name: string;
  revisions: RemovedRevision[];
  rollback: { revision: number; why: string } | { error: string };
};

/** Docker's container name grammar (without the leading slash), so no other word reaches the engine. */
export const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;

/**
 * The revision a rollback of a removed name recreates (pure). With `wanted`, that kept revision. Without, the newest
 * kept one whose last run did not fail (usually the last one before the removal); `skipped` says why each newer one
 * was passed over. No container runs, so no revision is excluded as "the current one". `kept` is newest first; `all`
 * every revision of the name (for the last-run verdicts).
 */
export function chooseRemovedTarget(
  name: string,
  kept: readonly Revision[],
  all: readonly Revision[],
  wanted?: number,
): RollbackTarget {
  const numbers = kept.map((r) => r.revision).join(', ') || 'none';
  if (wanted !== undefined) {
    const target = kept.find((r) => r.revision === wanted);
    if (!target) throw new ActionError('no-revision', `${name} has no revision ${wanted} (kept revisions: ${numbers})`);
    return { target, skipped: [] };
  }
  const skipped: RollbackTarget['skipped'] = [];
  for (const r of kept) {
    const run = lastRunOf(r, all);
    if (run?.verdict !== 'failed') return { target: r, skipped };
    skipped.push({ revision: r.revision, why: `its last run failed (${run.detail ?? 'unhealthy'})` });
  }
  const reasons = skipped.map((s) => `${s.revision}: ${s.why}`).join('; ');
  throw new ActionError(
    'no-revision',
    `${name} has no revision to recreate${reasons ? ` (${reasons})` : ''} (kept revisions: ${numbers}); name one with --to`,
  );
}

/** The sentence saying which revision a plain rollback of a removed name picked and what it passed over. */
export function describeRemovedChoice(choice: RollbackTarget): string {
  const { target, skipped } = choice;
  const passed = skipped.map((s) => `${s.revision}, ${s.why}`).join('; ');
  const which = skipped.length ? 'the newest kept one whose last run did not fail' : 'the last one before removal';
  return `revision ${target.revision} (${target.imageRef}): ${which}${passed ? `; passed over ${passed}` : ''}`;
}

/** The labels a revision's recorded spec gives its container. */
export function labelsOf(revision: Revision): Record<string, string> {
  const labels = revision.spec.config.Labels;
  if (typeof labels !== 'object' || labels === null) return {};
  return Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * The removed names among `names` (pure): those no container in `present` carries, with kept revisions. `revisions`
 * gives every revision of a name, newest first; `keep` is `revisions.keep`.
 */
export function removedNames(
  names: readonly string[],
  present: ReadonlySet<string>,
  revisions: (name: string) => readonly Revision[],
  keep: number,
): RemovedName[] {
  const out: RemovedName[] = [];
  for (const name of [...names].sort()) {
    if (present.has(name)) continue;
    const all = revisions(name);
    const kept = all.slice(0, keep);
    if (!kept.length) continue;
    let rollback: RemovedName['rollback'];
    try {
      const choice = chooseRemovedTarget(name, kept, all);
      rollback = { revision: choice.target.revision, why: describeRemovedChoice(choice) };
    } catch (err) {
      rollback = { error: (err as Error).message };
    }
    const listed = kept.map((r) => ({ revision: r.revision, imageRef: r.imageRef, labels: labelsOf(r) }));
    out.push({ name, revisions: listed, rollback });
  }
  return out;
}
