import { createHash } from 'node:crypto';
import type Docker from 'dockerode';

/** Repository under which revision images are tagged so that `docker image prune` keeps them. */
export const KEEP_REPOSITORY = 'dockwatch-keep';

const VALID_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * The keep tag of a revision: `dockwatch-keep/<name>:rev-<n>`. A name that is not a valid repository path component
 * (upper case, `..`) is lowered and cleaned, with a short hash of the original so two names never share a tag.
 */
export function keepTag(name: string, revision: number): { repo: string; tag: string; ref: string } {
  let component = name;
  if (!VALID_COMPONENT.test(name)) {
    const cleaned =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'c';
    component = `${cleaned}-${createHash('sha1').update(name).digest('hex').slice(0, 8)}`;
  }
  const repo = `${KEEP_REPOSITORY}/${component}`;
  const tag = `rev-${revision}`;
  return { repo, tag, ref: `${repo}:${tag}` };
}

/** Tags an image with a revision's keep tag. */
export async function addKeepTag(docker: Docker, imageId: string, name: string, revision: number): Promise<string> {
  const { repo, tag, ref } = keepTag(name, revision);
  await docker.getImage(imageId).tag({ repo, tag });
  return ref;
}

/** What removing a keep tag did: removed, already gone, or kept because a container still needs that image. */
export type UntagOutcome = 'removed' | 'gone' | 'in-use';

/**
 * Removes a keep tag, never forcing: the engine refuses (409) when the tag is the last name of an image a container
 * uses, and the tag then stays until a later attempt. An image whose only name it was and that nothing uses goes
 * with it, as `docker image prune` would have removed it.
 */
export async function removeKeepTag(docker: Docker, ref: string): Promise<UntagOutcome> {
  try {
    await docker.getImage(ref).remove({ noprune: true });
    return 'removed';
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404) return 'gone';
    if (status === 409) return 'in-use';
    throw err;
  }
}
