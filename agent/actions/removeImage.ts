import type Docker from 'dockerode';
import { ImageRefError, parseImageRef } from '../registry/imageRef';
import type { RevisionStore } from '../revisions/revisionStore';
import { ActionError } from './actionError';
import {
  describeImageUsers,
  planImageRemoval,
  shortId,
  type ImageRemovalInput,
  type ImageUsers,
  type KeepTagOwner,
} from './imageRemovalPlan';
import type { RemoveImageResult } from './removeTypes';

const IMAGE_ID = /^(?:sha256:)?[0-9a-f]{12,64}$/;

/** A user's image word, checked before it reaches the engine: an image ID (12+ hex), or a reference by Docker's grammar. */
export function checkImageWord(ref: string): { kind: 'id' } | { kind: 'ref'; familiar: string } {
  if (IMAGE_ID.test(ref)) return { kind: 'id' };
  try {
    return { kind: 'ref', familiar: parseImageRef(ref).familiar };
  } catch (err) {
    if (err instanceof ImageRefError) throw new ActionError('failed', err.message);
    throw err;
  }
}

/**
 * `rmi`: validates the reference, reads the image, the containers created from it and the keep tags the revision
 * store knows, plans as {@link planImageRemoval} (refusals are ActionError `conflict`), then untags or deletes. Keep
 * tags a forced removal took along are cleared from the store (their revisions stay in history without an image).
 * Only containers `nameable` accepts (watched ones the asking user's roles cover, as the bot decided) are named; the
 * others are only counted.
 */
export async function removeImage(
  docker: Docker,
  revisions: RevisionStore,
  ref: string,
  force: boolean,
  nameable: (containerId: string) => boolean,
): Promise<RemoveImageResult> {
  const word = checkImageWord(ref);
  const image = await docker
    .getImage(ref)
    .inspect()
    .catch((err: { statusCode?: number; message?: string }) => {
      if (err.statusCode === 404) throw new ActionError('not-found', `no image ${JSON.stringify(ref)} on this host`);
      throw err;
    });
  const tags = (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  const requested: ImageRemovalInput['requested'] =
    word.kind === 'id' ? { kind: 'id', id: image.Id } : { kind: 'tag', tag: matchingTag(tags, word.familiar) ?? ref };
  const containers = await docker.listContainers({ all: true });
  const users = containers.filter((c) => c.ImageID === image.Id);
  const names = users
    .filter((c) => nameable(c.Id))
    .map((c) => (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''))
    .sort();
  const usedBy: ImageUsers = { names, others: users.length - names.length };
  const keepTags = keepTagOwners(revisions);
  const plan = planImageRemoval({ requested, imageId: image.Id, tags, usedBy, keepTags, force });
  if (!plan.ok) throw new ActionError('conflict', plan.reason);
  await docker.getImage(plan.engineRef).remove({ force: plan.engineForce, noprune: false });
  for (const tag of plan.removedKeepTagRefs) {
    const owner = keepTags.get(tag);
    if (owner) revisions.setKeepTag(owner.name, owner.revision, undefined);
  }
  const id = shortId(image.Id);
  const stays =
    plan.outcome === 'untagged'
      ? plan.heldBy.length
        ? `; image ${id} stays, held by the keep tag of ${plan.heldBy.join(', ')}`
        : `; image ${id} stays (still named ${tags.filter((t) => t !== plan.engineRef).join(', ')})`
      : '';
  const what = plan.outcome === 'untagged' ? `Untagged ${plan.engineRef}` : `Deleted image ${id}${named(tags)}`;
  const lost = plan.removedKeepTags.length
    ? `; removed the keep tag of ${plan.removedKeepTags.join(', ')}: rollback to it is no longer possible`
    : '';
  const forced = plan.outcome === 'deleted' && users.length ? ` (forced; used by ${describeImageUsers(usedBy)})` : '';
  return {
    image: ref,
    imageId: image.Id,
    outcome: plan.outcome,
    heldBy: plan.heldBy,
    removedKeepTags: plan.removedKeepTags,
    detail: `${what}${forced}${stays}${lost}.`,
  };
}

/** Every keep tag the revision store knows, with the revision it holds. */
export function keepTagOwners(revisions: RevisionStore): Map<string, KeepTagOwner> {
  const owners = new Map<string, KeepTagOwner>();
  for (const name of revisions.names()) {
    for (const r of revisions.list(name)) if (r.keepTag) owners.set(r.keepTag, { name, revision: r.revision });
  }
  return owners;
}

function matchingTag(tags: readonly string[], familiar: string): string | undefined {
  return tags.find((t) => {
    try {
      return parseImageRef(t).familiar === familiar;
    } catch {
      return false;
    }
  });
}

function named(tags: readonly string[]): string {
  return tags.length ? ` (${tags.join(', ')})` : '';
}
