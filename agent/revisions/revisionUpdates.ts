import type Docker from 'dockerode';
import type { Logger } from '../../shared/logger';
import { createSpecFromInspect } from './createSpec';
import type { ReplacementStore } from './replacementStore';
import { versionDifferences } from './revisionDiff';
import type { LastRun, RevisionStore } from './revisionStore';

/** What updating a recorded revision in place needs. */
export type RevisionUpdateDeps = {
  store: RevisionStore;
  replacements: ReplacementStore;
  logger: Logger;
  /** Inspects a container; undefined once it is gone. */
  inspect: (containerId: string) => Promise<Docker.ContainerInspectInfo | undefined>;
};

/**
 * The current revision follows its running container's networks (connected or disconnected after it was recorded);
 * when that makes it equal to the revision before, the two are one: the later number is dropped (never given out
 * again) and the earlier revision is the container's.
 */
export async function followNetworks(deps: RevisionUpdateDeps, containerId: string): Promise<void> {
  const { store, replacements, logger } = deps;
  const revision = store.byContainer(containerId);
  if (!revision || store.latest(revision.name)?.revision !== revision.revision) return;
  if (replacements.has(revision.name)) return;
  const info = await deps.inspect(containerId);
  if (!info?.State.Running) return;
  const spec = { ...revision.spec, networks: createSpecFromInspect(info).networks };
  const updated = { imageId: revision.imageId, spec };
  if (!versionDifferences(revision, updated).length) return;
  store.setSpec(revision.name, revision.revision, spec);
  const networks = Object.keys(spec.networks).sort();
  logger.info('revision networks updated', { container: revision.name, revision: revision.revision, networks });
  const before = store.list(revision.name, 2)[1];
  if (before && !versionDifferences(before, updated).length) {
    store.delete(revision.name, revision.revision);
    store.setContainer(revision.name, before.revision, containerId);
    logger.info('revision merged into the one before (same image and config)', {
      container: revision.name,
      revision: before.revision,
    });
  }
}

/** Notes how the revision of a container last ran (nothing for a container without a revision). */
export function noteRun(store: RevisionStore, containerId: string, run: LastRun): void {
  const revision = store.byContainer(containerId);
  if (!revision) return;
  const last = revision.lastRun;
  if (last?.verdict === run.verdict && last.detail === run.detail) return;
  store.setLastRun(revision.name, revision.revision, run);
}
