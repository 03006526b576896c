import { isIP } from 'node:net';

/** An image reference split as Docker normalises it: `nginx` is `docker.io/library/nginx:latest`. */
export type ImageRef = {
  /** The registry host, with its port when given: `docker.io`, `ghcr.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  registry: string;
  /** The repository path inside the registry: `library/nginx`, `org/app`. */
  repository: string;
  /** The tag; `latest` when neither a tag nor a digest was given, absent for a digest-only reference. */
  tag?: string;
  /** The manifest digest, `sha256:<64 hex>`, when the reference pins one. */
  digest?: string;
  /** The short form `docker` prints: `nginx:latest`, `org/app:v1`, `127.0.0.1:5000/app@sha256:…`. */
  familiar: string;
};

/** A reference that is not a valid image reference; the message names it and says what is wrong. */
export class ImageRefError extends Error {
  constructor(
    readonly ref: string,
    readonly reason: string,
  ) {
    super(`invalid image reference ${JSON.stringify(ref.length > 300 ? `${ref.slice(0, 300)}…` : ref)}: ${reason}`);
    this.name = 'ImageRefError';
  }
}

/** Docker Hub's registry as references name it. */
export const DOCKER_HUB = 'docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';

/** Longest name (registry + `/` + repository) Docker accepts. */
const NAME_MAX = 255;
const REF_MAX = 1024;
const DOMAIN_COMPONENT = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** Parses an image reference by Docker's grammar; throws ImageRefError naming the reference and the problem. */
export function parseImageRef(ref: string): ImageRef {
  const fail = (reason: string): never => {
    throw new ImageRefError(ref, reason);
  };
  if (ref.length === 0) fail('it is empty');
  if (ref.length > REF_MAX) fail(`it is longer than ${REF_MAX} characters`);
  if (/\s/.test(ref)) fail('it contains white space');

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    checkDigest(digest, fail);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      fail(
        tag === ''
          ? 'the tag after ":" is empty'
          : `tag ${JSON.stringify(tag)} is not valid (letters, digits, _ . -; at most 128, not starting with . or -)`,
      );
    }
  }
  if (rest === '') fail('the repository name is empty');
  if (rest.length > NAME_MAX) fail(`the repository name is longer than ${NAME_MAX} characters`);
  if (/^[a-f0-9]{64}$/.test(rest)) fail('a 64-character hexadecimal image ID is not a repository name');

  const { registry, path } = splitRegistry(rest);
  if (registry !== DOCKER_HUB) checkRegistry(registry, fail);
  const repository = registry === DOCKER_HUB && !path.includes('/') ? `library/${path}` : path;
  for (const component of repository.split('/')) {
    if (component === '') fail('the repository path has an empty component (a leading, trailing or double "/")');
    if (component.toLowerCase() !== component) fail('the repository name must be lowercase');
    if (!PATH_COMPONENT.test(component)) {
      fail(`${JSON.stringify(component)} is not a valid repository path component (a-z, 0-9, separated by . _ __ -)`);
    }
  }
  if (`${registry}/${repository}`.length > NAME_MAX) {
    fail(`the full name ${registry}/${repository} is longer than ${NAME_MAX} characters`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  const parsed: Omit<ImageRef, 'familiar'> = {
    registry,
    repository,
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
  };
  return { ...parsed, familiar: familiarName(registry, repository) + suffix(parsed) };
}

/** Whether a reference parses; for callers that only need a yes or no. */
export function isValidImageRef(ref: string): boolean {
  try {
    parseImageRef(ref);
    return true;
  } catch {
    return false;
  }
}

/** The full normalised form: `docker.io/library/nginx:latest`, `127.0.0.1:5000/app:v1@sha256:…`. */
export function formatImageRef(ref: Pick<ImageRef, 'registry' | 'repository' | 'tag' | 'digest'>): string {
  return `${ref.registry}/${ref.repository}${suffix(ref)}`;
}

/** The name without tag or digest in its full form: `docker.io/library/nginx`. */
export function imageName(ref: Pick<ImageRef, 'registry' | 'repository'>): string {
  return `${ref.registry}/${ref.repository}`;
}

function suffix(ref: Pick<ImageRef, 'tag' | 'digest'>): string {
  return `${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

function familiarName(registry: string, repository: string): string {
  if (registry !== DOCKER_HUB) return `${registry}/${repository}`;
  return repository.startsWith('library/') && repository.split('/').length === 2
    ? repository.slice('library/'.length)
    : repository;
}

function splitRegistry(name: string): { registry: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isRegistry =
    slash >= 0 &&
    (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first || first.startsWith('['));
  if (!isRegistry) return { registry: DOCKER_HUB, path: name };
  const registry = first.toLowerCase() === LEGACY_DOCKER_HUB ? DOCKER_HUB : first;
  return { registry, path: name.slice(slash + 1) };
}

function checkRegistry(registry: string, fail: (reason: string) => never): void {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(registry);
  const host = match?.[1] ?? '';
  const port = match?.[2];
  const bad = (why: string): never => fail(`registry ${JSON.stringify(registry)} is not valid: ${why}`);
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) > 65535)) bad('the port must be 0-65535');
  if (host.startsWith('[')) {
    if (isIP(host.slice(1, -1)) !== 6) bad('the address in brackets is not an IPv6 address');
    return;
  }
  if (host === '' || !host.split('.').every((c) => DOMAIN_COMPONENT.test(c))) {
    bad('a host name is letters, digits and inner "-", separated by "."');
  }
}

function checkDigest(digest: string, fail: (reason: string) => never): void {
  const match = DIGEST.exec(digest);
  if (!match) fail(`digest ${JSON.stringify(digest)} is not ALGORITHM:HEX (e.g. sha256: and 64 hex digits)`);
  const algorithm = match?.[1] ?? '';
  const hex = match?.[2] ?? '';
  const expected = DIGEST_HEX_LENGTH[algorithm];
  if (expected === undefined) fail(`digest algorithm ${JSON.stringify(algorithm)} is not supported (use sha256)`);
  if (hex.length !== expected) fail(`a ${algorithm} digest has ${expected} hex digits, not ${hex.length}`);
  if (hex.toLowerCase() !== hex) fail('the digest must be lowercase hex');
}
