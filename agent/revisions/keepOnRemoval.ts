import type Docker from 'dockerode';
import type { Logger } from '../../shared/logger';
import { tagRevision } from './keepTagWindow';
import type { Revision, RevisionStore } from './revisionStore';

/**
 * Keeps the image of a removed (or about to be removed) container's revision: the container held it, so once it is
 * gone only a keep tag stops `docker image prune` from taking it. Tags the revision recorded for the container when
 * it is among the name's newest `keep` and has no keep tag yet; returns that revision (tagged when that worked).
 */
export async function keepRemovedRevision(
  docker: Docker,
  store: RevisionStore,
  containerId: string,
  keep: number,
  logger: Logger,
): Promise<Revision | undefined> {
  const revision = store.byContainer(containerId);
  if (!revision) return undefined;
  const inWindow = store.list(revision.name, keep).some((r) => r.revision === revision.revision);
  if (!inWindow || revision.keepTag) return revision;
  await tagRevision(docker, store, revision, logger);
  return store.get(revision.name, revision.revision) ?? revision;
}
