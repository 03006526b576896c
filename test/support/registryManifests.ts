import type { RunningRegistry } from './registry';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** One manifest as the registry serves it: digest, media type, size and body. */
export type ManifestInfo = { digest: string; mediaType: string; size: number; body: Buffer };

function authHeaders(registry: RunningRegistry): Record<string, string> {
  if (!registry.auth) return {};
  const { username, password } = registry.auth;
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

/** GETs a manifest by tag or digest over the registry's HTTP API (as the test's own client, not dockwatch's). */
export async function getManifest(registry: RunningRegistry, repo: string, reference: string): Promise<ManifestInfo> {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${reference}`, {
    headers: { accept: ACCEPT, ...authHeaders(registry) },
  });
  if (!res.ok) throw new Error(`GET ${repo}:${reference} on ${registry.host}: HTTP ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  return {
    digest: res.headers.get('docker-content-digest') ?? '',
    mediaType: (res.headers.get('content-type') ?? '').split(';')[0] ?? '',
    size: body.length,
    body,
  };
}

/** PUTs a manifest under a tag; returns the digest the registry answered with. */
export async function putManifest(
  registry: RunningRegistry,
  repo: string,
  tag: string,
  body: Buffer | string,
  mediaType: string,
): Promise<string> {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType, ...authHeaders(registry) },
    body,
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`PUT ${repo}:${tag} on ${registry.host}: HTTP ${res.status} ${text}`);
  return res.headers.get('docker-content-digest') ?? '';
}

/** Moves `repo:to` to the manifest `repo:from` points at, over the HTTP API (nothing changes on the engine). */
export async function retag(registry: RunningRegistry, repo: string, from: string, to: string): Promise<string> {
  const m = await getManifest(registry, repo, from);
  return putManifest(registry, repo, to, m.body, m.mediaType);
}

/** Pushes an OCI image index under `tag` listing the given manifests of `repo`, one per platform. */
export async function putIndex(
  registry: RunningRegistry,
  repo: string,
  tag: string,
  entries: { reference: string; platform: { os: string; architecture: string; variant?: string } }[],
): Promise<string> {
  const manifests = [];
  for (const e of entries) {
    const m = await getManifest(registry, repo, e.reference);
    manifests.push({ mediaType: m.mediaType, digest: m.digest, size: m.size, platform: e.platform });
  }
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  return putManifest(registry, repo, tag, JSON.stringify({ schemaVersion: 2, mediaType, manifests }), mediaType);
}
