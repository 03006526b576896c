import { versionDifferences, type ContainerVersion } from '../revisions/revisionDiff';
import type { LastRun, Revision } from '../revisions/revisionStore';
import { ActionError } from './actionError';

/** The revision a rollback goes to, and why it went past the newer ones (a plain rollback). */
export type RollbackTarget = { target: Revision; skipped: { revision: number; why: string }[] };

/**
 * How the containers of a revision's image and config last ran: the latest verdict among the revisions that are the
 * same version (a config that failed as revision 4 failed for revision 2 too).
 */
export function lastRunOf(revision: Revision, all: readonly Revision[]): LastRun | undefined {
  let latest: LastRun | undefined;
  for (const r of all) {
    if (!r.lastRun || (latest && r.lastRun.at <= latest.at)) continue;
    if (r === revision || versionDifferences(r, revision).length === 0) latest = r.lastRun;
  }
  return latest;
}

/**
 * Picks the revision to roll back to (pure). With `wanted`, that kept revision, unless it is what runs now. Without,
 * the newest kept revision older than the current one that is not the current image and config and whose last run
 * did not fail; `skipped` says why each newer one was passed over. `kept` is newest first; `all` every revision of the
 * name (for the last-run verdicts).
 */
export function chooseRollbackTarget(
  name: string,
  current: { revision?: number; version: ContainerVersion },
  kept: readonly Revision[],
  all: readonly Revision[],
  wanted?: number,
): RollbackTarget {
  const numbers = kept.map((r) => r.revision).join(', ') || 'none';
  const same = (r: Revision) => versionDifferences(r, current.version).length === 0;
  if (wanted !== undefined) {
    const target = kept.find((r) => r.revision === wanted);
    if (!target) throw new ActionError('no-revision', `${name} has no revision ${wanted} (kept revisions: ${numbers})`);
    if (same(target)) {
      throw new ActionError('conflict', `${name} already runs the image and config of revision ${target.revision}`);
    }
    return { target, skipped: [] };
  }
  const skipped: RollbackTarget['skipped'] = [];
  for (const r of kept) {
    if (current.revision !== undefined && r.revision >= current.revision) continue;
    if (same(r)) {
      skipped.push({ revision: r.revision, why: 'the same image and config as the current one' });
      continue;
    }
    const run = lastRunOf(r, all);
    if (run?.verdict === 'failed') {
      skipped.push({ revision: r.revision, why: `its last run failed (${run.detail ?? 'unhealthy'})` });
      continue;
    }
    return { target: r, skipped };
  }
  const before = current.revision === undefined ? '' : ` before ${current.revision}`;
  const reasons = skipped.map((s) => `${s.revision}: ${s.why}`).join('; ');
  throw new ActionError(
    'no-revision',
    `${name} has no revision${before} to go back to${reasons ? ` (${reasons})` : ''} (kept revisions: ${numbers})`,
  );
}

/** The sentence saying which revision a plain rollback picked and what it passed over. */
export function describeChoice(choice: RollbackTarget): string {
  const { target, skipped } = choice;
  const passed = skipped.map((s) => `${s.revision}, ${s.why}`).join('; ');
  return `revision ${target.revision} (${target.imageRef}): the newest earlier one with another image or config whose last run did not fail${passed ? `; passed over ${passed}` : ''}`;
}
