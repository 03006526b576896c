import { KEEP_REPOSITORY } from '../revisions/keepTags';

/** A revision a keep tag holds, as the revision store knows it. */
export type KeepTagOwner = { name: string; revision: number };

/** The containers using an image: the names the asking user may see, the rest only counted. */
export type ImageUsers = { names: readonly string[]; others: number };

/** The containers using an image in words: `containers web, api and 2 others`, or `3 containers` (none named). */
export function describeImageUsers(users: ImageUsers): string {
  const { names, others } = users;
  const total = names.length + others;
  if (names.length === 0) return `${others} container${others === 1 ? '' : 's'}`;
  const more = others ? ` and ${others} other${others === 1 ? '' : 's'}` : '';
  return `container${total === 1 ? '' : 's'} ${names.join(', ')}${more}`;
}

/** What `rmi` is about: the image as the engine has it, who uses it, and which keep tags are dockwatch's. */
export type ImageRemovalInput = {
  /** What the user named: one of the image's names (as in `tags`), or its ID. */
  requested: { kind: 'tag'; tag: string } | { kind: 'id'; id: string };
  imageId: string;
  /** The image's names (`RepoTags`), as the engine lists them. */
  tags: readonly string[];
  /** Containers (any state) created from this image: those that may be named, and how many others (counted). */
  usedBy: ImageUsers;
  /** Keep tags known to the revision store, by tag. */
  keepTags: ReadonlyMap<string, KeepTagOwner>;
  force: boolean;
};

/**
 * What to ask the engine: untag one name (the image stays: it has other names), or delete the image (its last name,
 * or by ID); or a refusal for the user. `heldBy` describes the keep tags that still hold the image afterwards,
 * `removedKeepTags` those that go with it (`removedKeepTagRefs`: the same, as tags).
 */
export type ImageRemovalPlan =
  | {
      ok: true;
      outcome: 'untagged' | 'deleted';
      engineRef: string;
      engineForce: boolean;
      heldBy: string[];
      removedKeepTags: string[];
      removedKeepTagRefs: string[];
    }
  | { ok: false; reason: string };

const FORCE_HINT = 'use --force (a role with force: true may)';

/** Whether a name is a dockwatch keep tag (`dockwatch-keep/<name>:rev-<n>`). */
export function isKeepTag(tag: string): boolean {
  return new RegExp(`^${KEEP_REPOSITORY}/[^:]+:rev-\\d+$`).test(tag);
}

/** A keep tag in words: `revision 3 of web (dockwatch-keep/web:rev-3)`. */
export function describeKeepTag(tag: string, owner: KeepTagOwner | undefined): string {
  return owner ? `revision ${owner.revision} of ${owner.name} (${tag})` : `a revision (${tag})`;
}

/**
 * Decides what `rmi` does (pure), as docker would plus dockwatch's keep tags: a name of an image with other names is
 * untagged (the image stays, and the plan says which keep tags hold it); the last name or the ID deletes the image,
 * refused while containers use it, while keep tags hold it (by ID) or while it has several names (by ID) unless
 * `force`. A keep tag itself is only removed with `force`: rollback to its revision needs it.
 */
export function planImageRemoval(input: ImageRemovalInput): ImageRemovalPlan {
  const { requested, tags, usedBy, keepTags, force } = input;
  const keep = (tag: string) => describeKeepTag(tag, keepTags.get(tag));
  const shown = requested.kind === 'tag' ? requested.tag : `image ${shortId(input.imageId)}`;
  if (requested.kind === 'tag' && isKeepTag(requested.tag) && !force) {
    return {
      ok: false,
      reason:
        `${requested.tag} is the keep tag of ${keep(requested.tag).replace(/ \(.*\)$/, '')}: rollback to that ` +
        `revision needs it, so it is not removed; ${FORCE_HINT}`,
    };
  }
  const others = requested.kind === 'tag' ? tags.filter((t) => t !== requested.tag) : [...tags];
  const heldBy = others.filter(isKeepTag).map(keep);
  if (requested.kind === 'tag' && others.length > 0) {
    return {
      ok: true,
      outcome: 'untagged',
      engineRef: requested.tag,
      engineForce: false,
      heldBy,
      removedKeepTags: isKeepTag(requested.tag) ? [keep(requested.tag)] : [],
      removedKeepTagRefs: isKeepTag(requested.tag) ? [requested.tag] : [],
    };
  }
  const users = usedBy.names.length + usedBy.others;
  if (users > 0 && !force) {
    return {
      ok: false,
      reason:
        `${shown} is used by ${describeImageUsers(usedBy)}: remove ${users === 1 ? 'it' : 'them'} first (rm), or ` +
        FORCE_HINT,
    };
  }
  if (heldBy.length > 0 && !force) {
    return {
      ok: false,
      reason: `${shown} is held by the keep tag of ${heldBy.join(', ')}: rollback needs it; ${FORCE_HINT}`,
    };
  }
  if (others.length > 1 && !force) {
    return {
      ok: false,
      reason: `${shown} has several names (${others.join(', ')}): remove them one by one, or ${FORCE_HINT}`,
    };
  }
  const removed = (requested.kind === 'tag' ? [requested.tag, ...others] : others).filter(isKeepTag);
  return {
    ok: true,
    outcome: 'deleted',
    engineRef: requested.kind === 'tag' ? requested.tag : input.imageId,
    engineForce: force,
    heldBy: [],
    removedKeepTags: removed.map(keep),
    removedKeepTagRefs: removed,
  };
}

/** An image ID as docker shows it: 12 hex digits, without `sha256:`. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
