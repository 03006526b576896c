import type Docker from 'dockerode';
import type { Logger } from '../../shared/logger';
import { createSpecFromInspect, type CreateSpec } from './createSpec';
import type { ReplacementStore } from './replacementStore';
import { versionDifferences, type ContainerVersion } from './revisionDiff';
import type { LastRun, Revision, RevisionStore } from './revisionStore';

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
  const { store, replacements } = deps;
  const revision = store.byContainer(containerId);
  if (!revision || store.latest(revision.name)?.revision !== revision.revision) return;
  if (replacements.has(revision.name)) return;
  const info = await deps.inspect(containerId);
  if (info?.State.Running) followNetworksOf(deps, revision, containerId, createSpecFromInspect(info).networks);
}

/**
 * Whether `candidate` (the version of `info`) differs from `latest`, the revision of that same running container, in
 * its networks alone: then the revision follows them ({@link followNetworksOf}) rather than a new one being
 * recorded, whether the look or the network event comes first.
 */
export function onlyNetworksMoved(
  latest: Revision,
  info: Docker.ContainerInspectInfo,
  candidate: ContainerVersion,
): boolean {
  if (latest.containerId !== info.Id || !info.State.Running) return false;
  const differences = versionDifferences(latest, candidate);
  return differences.length > 0 && differences.every((d) => d.startsWith('Networks.'));
}

/**
 * Sets the networks of `revision` (the name's latest) to `networks`, those its running container `containerId` has
 * now, merging it into the revision before when that makes the two equal; returns the container's revision after.
 */
export function followNetworksOf(
  deps: Pick<RevisionUpdateDeps, 'store' | 'logger'>,
  revision: Revision,
  containerId: string,
  networks: CreateSpec['networks'],
): Revision {
  const { store, logger } = deps;
  const spec = { ...revision.spec, networks };
  const updated = { imageId: revision.imageId, spec };
  if (!versionDifferences(revision, updated).length) return revision;
  store.setSpec(revision.name, revision.revision, spec);
  const names = Object.keys(networks).sort();
  logger.info('revision networks updated', { container: revision.name, revision: revision.revision, networks: names });
  const before = store.list(revision.name, 2)[1];
  if (before && !versionDifferences(before, updated).length) {
    store.delete(revision.name, revision.revision);
    store.setContainer(revision.name, before.revision, containerId);
    logger.info('revision merged into the one before (same image and config)', {
      container: revision.name,
      revision: before.revision,
    });
    return store.get(revision.name, before.revision) ?? before;
  }
  return store.get(revision.name, revision.revision) ?? { ...revision, spec };
}

/** Notes how the revision of a container last ran (nothing for a container without a revision). */
export function noteRun(store: RevisionStore, containerId: string, run: LastRun): void {
  const revision = store.byContainer(containerId);
  if (!revision) return;
  const last = revision.lastRun;
  if (last?.verdict === run.verdict && last.detail === run.detail) return;
  store.setLastRun(revision.name, revision.revision, run);
}
