import type Docker from 'dockerode';
import type { ContainerRecord } from '../inventory/containerRecord';
import type { Revision } from '../revisions/revisionStore';
import { ActionError } from './actionError';
import type { RemoveOptions, RemoveResult } from './removeTypes';

/** What `rm` works with: the engine, the revisions' keep (writer records and tags), the alert engine's expectStop. */
export type RemoveContainerDeps = {
  docker: Docker;
  keepForRemoval: (containerId: string) => Promise<Revision | undefined>;
  expectStop: (containerId: string, until: number) => void;
  now: () => number;
};

const ANONYMOUS = /^[0-9a-f]{64}$/;
const EXPECT_REMOVAL_MS = 60_000;

/**
 * `rm`: refuses a running (restarting, paused) container without `force`; keeps the revision of the container (its
 * image keep-tagged, so rollback can bring it back); tells the alert engine the stop is expected; removes it with
 * the engine's `v` when `volumes` (which removes anonymous volumes only, never named ones); says which volumes went.
 */
export async function removeContainer(
  deps: RemoveContainerDeps,
  record: ContainerRecord,
  options: RemoveOptions,
): Promise<RemoveResult> {
  const container = deps.docker.getContainer(record.id);
  const info = await container.inspect();
  const state = info.State;
  const wasRunning = state.Running || state.Restarting || state.Paused;
  if (wasRunning && !options.force) {
    throw new ActionError(
      'conflict',
      `${record.name} is ${state.Status}: stop it first (stop ${record.name}), or use rm --force`,
    );
  }
  const volumes = (info.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name);
  const anonymous = volumes.filter((m) => ANONYMOUS.test(m.Name as string)).map((m) => m.Name as string);
  const namedVolumes = volumes.filter((m) => !ANONYMOUS.test(m.Name as string)).map((m) => m.Name as string);
  const kept = await deps.keepForRemoval(record.id);
  if (wasRunning) deps.expectStop(record.id, deps.now() + EXPECT_REMOVAL_MS);
  await container.remove({ force: options.force === true, v: options.volumes === true });
  const removedVolumes: string[] = [];
  const keptAnonymousVolumes: string[] = [];
  for (const name of anonymous) {
    const exists = await deps.docker
      .getVolume(name)
      .inspect()
      .then(
        () => true,
        (err: { statusCode?: number }) => err.statusCode !== 404,
      );
    (exists ? keptAnonymousVolumes : removedVolumes).push(name);
  }
  const result: RemoveResult = {
    container: record.name,
    containerId: record.id,
    wasRunning,
    ...(kept && { kept: { revision: kept.revision, ...(kept.keepTag && { keepTag: kept.keepTag }) } }),
    removedVolumes,
    keptAnonymousVolumes,
    namedVolumes,
    detail: '',
  };
  result.detail = describeRemoval(result, options.volumes === true);
  return result;
}

/** `rm`'s reply in one paragraph: what was removed, the revision kept, the volumes. */
export function describeRemoval(r: RemoveResult, volumesAsked: boolean): string {
  const parts = [`${r.container} removed${r.wasRunning ? ' (it was running: forced)' : ''}.`];
  if (r.kept) {
    const held = r.kept.keepTag ? `, its image held by ${r.kept.keepTag}` : '';
    parts.push(`Revision ${r.kept.revision} stays in history for rollback${held}.`);
  }
  const short = (names: readonly string[]) => names.map((n) => n.slice(0, 12)).join(', ');
  if (r.removedVolumes.length) parts.push(`Anonymous volumes removed: ${short(r.removedVolumes)}.`);
  if (r.keptAnonymousVolumes.length) {
    const why = volumesAsked ? 'still used by another container' : 'add --volumes to remove them';
    parts.push(`Anonymous volumes kept (${why}): ${short(r.keptAnonymousVolumes)}.`);
  }
  if (r.namedVolumes.length) parts.push(`Named volumes are never removed: ${r.namedVolumes.join(', ')}.`);
  return parts.join(' ');
}
