/** Docker's image manifest (schema 2). */
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
/** Docker's manifest list (multi-arch). */
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** The OCI image manifest. */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** The OCI image index (multi-arch). */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** The Accept header of manifest requests: every kind dockwatch understands, images and indexes. */
export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ');

/** An OS and CPU as image indexes name them (`linux`, `amd64`, `v8`). */
export type Platform = { os: string; architecture: string; variant?: string };

/** One entry of an index: the manifest of one platform (or an attestation, whose platform is `unknown`). */
export type IndexEntry = { digest: string; mediaType?: string; platform?: Platform };

/** A parsed manifest: an image (its config digest is the image ID) or an index of per-platform manifests. */
export type Manifest = { kind: 'image'; configDigest: string } | { kind: 'index'; manifests: IndexEntry[] };

/** A manifest that is not one of the kinds above, or is malformed; the message says what was found. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Parses a manifest body by its media type (the Content-Type, else the body's `mediaType`). */
export function parseManifest(body: string, contentType: string | undefined): Manifest {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new ManifestError('the manifest is not JSON');
  }
  if (typeof json !== 'object' || json === null) throw new ManifestError('the manifest is not a JSON object');
  const declared = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  const type = mediaTypeOf(contentType) ?? declared ?? (Array.isArray(json.manifests) ? OCI_INDEX : OCI_MANIFEST);
  if (type === OCI_INDEX || type === DOCKER_MANIFEST_LIST) {
    if (!Array.isArray(json.manifests)) throw new ManifestError(`the ${type} has no manifests list`);
    return { kind: 'index', manifests: json.manifests.flatMap(indexEntry) };
  }
  if (type === OCI_MANIFEST || type === DOCKER_MANIFEST) {
    const config = json.config as { digest?: unknown } | undefined;
    if (typeof config?.digest !== 'string' || !DIGEST.test(config.digest)) {
      throw new ManifestError(`the ${type} has no sha256 config digest`);
    }
    return { kind: 'image', configDigest: config.digest };
  }
  throw new ManifestError(`unsupported manifest type ${JSON.stringify(type)}`);
}

/** The media type of a Content-Type header without parameters; undefined for none or a generic JSON type. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type && type !== 'application/json' && type !== 'text/plain' ? type : undefined;
}

function indexEntry(raw: unknown): IndexEntry[] {
  const e = raw as { digest?: unknown; mediaType?: unknown; platform?: Record<string, unknown> } | null;
  if (typeof e?.digest !== 'string' || !DIGEST.test(e.digest)) return [];
  const p = e.platform;
  const platform =
    p && typeof p.os === 'string' && typeof p.architecture === 'string'
      ? { os: p.os, architecture: p.architecture, ...(typeof p.variant === 'string' && { variant: p.variant }) }
      : undefined;
  return [
    {
      digest: e.digest,
      ...(typeof e.mediaType === 'string' && { mediaType: e.mediaType }),
      ...(platform && { platform }),
    },
  ];
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm' };

/** A platform as containerd compares them: `x86_64` is `amd64`, `aarch64` is `arm64`, arm64's default variant `v8`. */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase();
  const architecture = ARCH_ALIASES[p.architecture.toLowerCase()] ?? p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() || undefined;
  if (architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return { os, architecture, ...(variant && { variant }) };
}

/** `linux/arm64/v8` style text of a platform. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/**
 * The index entry the engine would pull on `host`: same OS and architecture; the host's variant when one matches,
 * else an entry without a variant; attestation entries (`unknown/unknown`) never match. Undefined when none fits.
 */
export function selectPlatform(entries: readonly IndexEntry[], host: Platform): IndexEntry | undefined {
  const want = normalizePlatform(host);
  const candidates = entries.filter((e) => {
    if (!e.platform) return false;
    const p = normalizePlatform(e.platform);
    return p.os === want.os && p.architecture === want.architecture;
  });
  const variantOf = (e: IndexEntry) => (e.platform ? normalizePlatform(e.platform).variant : undefined);
  return (
    (want.variant !== undefined ? candidates.find((e) => variantOf(e) === want.variant) : undefined) ??
    candidates.find((e) => variantOf(e) === undefined) ??
    (want.variant === undefined ? candidates[0] : undefined)
  );
}
