import type Docker from 'dockerode';
import type { Logger } from '../../shared/logger';
import { addKeepTag, removeKeepTag } from './keepTags';
import type { Revision, RevisionStore } from './revisionStore';

/** Gives a revision's image its keep tag and stores it; a failure is logged, not thrown (the next record tries again). */
export async function tagRevision(
  docker: Docker,
  store: RevisionStore,
  revision: Revision,
  logger: Logger,
): Promise<void> {
  try {
    const ref = await addKeepTag(docker, revision.imageId, revision.name, revision.revision);
    store.setKeepTag(revision.name, revision.revision, ref);
  } catch (err) {
    const context = { container: revision.name, revision: revision.revision, error: (err as Error).message };
    logger.warn('revision image not tagged', context);
  }
}

/**
 * Forgets a name's revisions outside its newest `keep`, oldest first, each once its keep tag is gone; a tag the
 * engine keeps (its image is in use) keeps its revision for a later attempt.
 */
export async function untagOutsideWindow(
  docker: Docker,
  store: RevisionStore,
  name: string,
  keep: number,
  logger: Logger,
): Promise<void> {
  for (const old of store.outsideWindow(name, keep)) {
    const outcome = old.keepTag ? await removeKeepTag(docker, old.keepTag).catch(() => 'failed' as const) : 'gone';
    if (outcome === 'removed' || outcome === 'gone') store.delete(name, old.revision);
    else logger.debug('keep tag kept for now', { container: name, revision: old.revision, outcome });
  }
}
