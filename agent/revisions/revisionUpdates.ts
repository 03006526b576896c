import type Docker from 'dockerode';
import type { Logger } from '../../shared/logger';
import { createSpecFromInspect } from './createSpec';
import type { ReplacementStore } from './replacementStore';
import { versionDifferences } from './revisionDiff';
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
  if (info?.State.Running) followNetworksOf(deps, revision, info);
}

/**
 * Whether a look at `info`, the container of the name's latest revision, finds only its networks changed since
 * that revision was recorded: then the revision follows them ({@link followNetworksOf}) rather than a new one being
 * recorded, whether the look or the network event comes first.
 */
export function onlyNetworksMoved(latest: Revision, info: Docker.ContainerInspectInfo): boolean {
  if (latest.containerId !== info.Id || !info.State.Running) return false;
  const differences = versionDifferences(latest, { imageId: info.Image, spec: createSpecFromInspect(info) });
  return differences.length > 0 && differences.every((d) => d.startsWith('Networks.'));
}

/**
 * Sets the networks of `revision` (the name's latest) to those `info` (its running container) has, merging it into
 * the revision before when that makes the two equal; returns the revision the container has afterwards.
 */
export function followNetworksOf(
  deps: Pick<RevisionUpdateDeps, 'store' | 'logger'>,
  revision: Revision,
  info: Docker.ContainerInspectInfo,
): Revision {
  const { store, logger } = deps;
  const spec = { ...revision.spec, networks: createSpecFromInspect(info).networks };
  const updated = { imageId: revision.imageId, spec };
  if (!versionDifferences(revision, updated).length) return revision;
  store.setSpec(revision.name, revision.revision, spec);
  const networks = Object.keys(spec.networks).sort();
  logger.info('revision networks updated', { container: revision.name, revision: revision.revision, networks });
  const before = store.list(revision.name, 2)[1];
  if (before && !versionDifferences(before, updated).length) {
    store.delete(revision.name, revision.revision);
    store.setContainer(revision.name, before.revision, info.Id);
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
