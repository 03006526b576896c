/** How far a pull has come: layers done of those announced so far, and their bytes (0 when the registry gives none). */
export type PullProgress = {
  layersDone: number;
  layersTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** The engine's last status line, e.g. `Downloading` or `Digest: sha256:…`. */
  status: string;
};

/** What a finished pull left on the host. */
export type PullResult = {
  /** The reference as pulled, normalised (`127.0.0.1:5000/app:v2`, `docker.io/library/nginx:1.27`). */
  ref: string;
  /** The local image ID (sha256 of its config). */
  imageId: string;
  /** The manifest digest the registry served for the reference, when the engine reported one. */
  digest?: string;
  /** True when the engine already had this exact image (`Image is up to date`). */
  upToDate: boolean;
};

/**
 * Pulls an image through the engine, with the credentials the config or Docker's config.json hold for its
 * registry. Rejects with an ActionError naming the problem: unknown image, access denied, registry unreachable.
 */
export type ImagePuller = (
  ref: string,
  options: { signal?: AbortSignal; onProgress?: (progress: PullProgress) => void },
) => Promise<PullResult>;
