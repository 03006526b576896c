import type { ActionOptions } from './containerActions';

/** `rm`: `force` removes a running container (its stop is expected), `volumes` its anonymous volumes too. */
export type RemoveOptions = ActionOptions & { force?: boolean; volumes?: boolean };

/** What `rm` did: the revision kept for rollback, and which volumes went or stayed. */
export type RemoveResult = {
  container: string;
  containerId: string;
  /** It was running and was removed with `force`. */
  wasRunning: boolean;
  /** The name's revision of this container, kept for rollback (with its keep tag once the writer placed it). */
  kept?: { revision: number; keepTag?: string };
  /** Anonymous volumes removed with it (`volumes`). */
  removedVolumes: string[];
  /** Anonymous volumes that stay: without `volumes`, or kept by the engine (another container uses them). */
  keptAnonymousVolumes: string[];
  /** Named volumes it mounted: never removed. */
  namedVolumes: string[];
  detail: string;
};

/**
 * `rmi`: `force` removes an image in use or held by a keep tag (the caller checked that the user may); `nameable`:
 * the IDs of the containers whose names the answer may show (the bot's choice: those the user's roles cover), the
 * others are counted; without it, every watched container is named.
 */
export type RemoveImageOptions = ActionOptions & { force?: boolean; nameable?: readonly string[] };

/** What `rmi` did: untagged one name or deleted the image, what still holds it, keep tags it took along. */
export type RemoveImageResult = {
  image: string;
  imageId: string;
  outcome: 'untagged' | 'deleted';
  /** Keep tags that still hold the image, as `revision N of NAME (dockwatch-keep/NAME:rev-N)`. */
  heldBy: string[];
  /** Keep tags removed with it (forced): those revisions can no longer be rolled back to. */
  removedKeepTags: string[];
  detail: string;
};
