import { formatPlatform, selectPlatform, type Manifest, type Platform } from '../registry/manifests';

/** The local image a container runs, as the update check compares it. */
export type LocalImage = {
  /** The image ID (`sha256:` of its config). */
  id: string;
  /** Its manifest digests in the checked repository (from `RepoDigests`), e.g. `sha256:…`. */
  repoDigests: readonly string[];
};

/** Reads a manifest by digest (one registry request, cached per round by the caller). */
export type ManifestReader = (digest: string) => Promise<Manifest>;

/** What the check decided for one local image. */
export type UpdateDecision =
  | { available: false; reason: 'same-digest' | 'same-image' }
  | {
      available: true;
      /** The digest of the image manifest this host would pull (the platform's entry of an index). */
      digest: string;
    };

/** The tag's index has no manifest for this host's platform; nothing the host could run. */
export class PlatformMissingError extends Error {
  constructor(platform: Platform) {
    super(`the tag's index has no image for ${formatPlatform(platform)}`);
    this.name = 'PlatformMissingError';
  }
}

/**
 * Whether the tag now points at another image than `local`, given the digest its registry serves for it (`remote`,
 * from a manifest HEAD). No update when `remote` is one of the local image's repo digests; else the manifest is read
 * (for an index, the entry of the host's platform), and its config digest compared with the local image ID: equal
 * means the same image (only another platform's entry, or the index around it, changed).
 */
export async function decideUpdate(
  local: LocalImage,
  remote: string,
  read: ManifestReader,
  platform: Platform,
): Promise<UpdateDecision> {
  if (local.repoDigests.includes(remote) || local.id === remote) return { available: false, reason: 'same-digest' };
  let digest = remote;
  let manifest = await read(remote);
  if (manifest.kind === 'index') {
    const entry = selectPlatform(manifest.manifests, platform);
    if (!entry) throw new PlatformMissingError(platform);
    digest = entry.digest;
    if (local.repoDigests.includes(digest) || local.id === digest) return { available: false, reason: 'same-digest' };
    manifest = await read(digest);
    if (manifest.kind === 'index') throw new Error(`the index entry ${digest} for this platform is itself an index`);
  }
  if (manifest.configDigest === local.id) return { available: false, reason: 'same-image' };
  return { available: true, digest };
}
