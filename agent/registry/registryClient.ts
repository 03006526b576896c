import { createHash } from 'node:crypto';
import type { RegistryLogin } from './registryCredentials';
import { MANIFEST_ACCEPT, mediaTypeOf, parseManifest, type Manifest } from './manifests';
import type { RegistryEndpoints } from './registryEndpoint';
import { RegistryError, discardBody, errorCodes, readBody, sendRequest, type FetchLike } from './registryHttp';
import { RegistryTokens, pullScope, tokenKey, type RegistryAuthScheme } from './registryTokens';
import { parseWwwAuthenticate } from './wwwAuthenticate';

/** Called before every request to a registry (manifests and tokens); throws to refuse it (a spent budget). */
export type RequestGate = (registry: string) => void;

/** Per-call options: the budget gate and an abort signal. */
export type RegistryCallOptions = { gate?: RequestGate; signal?: AbortSignal };

/** What the client needs: where registries are, their credentials, a timeout; the clock and fetch for tests. */
export type RegistryClientOptions = {
  endpoints: () => RegistryEndpoints;
  credentials: (registry: string) => RegistryLogin | undefined;
  /** Per request; default 15 s. */
  timeoutMs?: number;
  now?: () => number;
  fetch?: FetchLike;
};

/** A manifest as fetched: its digest (the registry's, checked against the body) and its parsed content. */
export type FetchedManifest = { digest: string; mediaType?: string; manifest: Manifest };

type Auth = { header?: string; key?: string };

const DEFAULT_TIMEOUT_MS = 15_000;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Reads manifests from registries over the distribution HTTP API, never pulling: `HEAD` for the digest a tag points to
 * and `GET` for a manifest's content. Authenticates as registries ask in their 401's `WWW-Authenticate`: Bearer (a
 * token from the realm, with Basic credentials when configured, cached until it expires) or Basic.
 */
export class RegistryClient {
  readonly tokens: RegistryTokens;
  private readonly fetchFn: FetchLike;
  private readonly timeoutMs: number;

  constructor(private readonly options: RegistryClientOptions) {
    this.tokens = new RegistryTokens(options.now);
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The digest `reference` (a tag or digest) points to now, from `Docker-Content-Digest` (a GET when it is absent). */
  async headManifest(
    registry: string,
    repository: string,
    reference: string,
    call: RegistryCallOptions = {},
  ): Promise<string> {
    const res = await this.manifestRequest('HEAD', registry, repository, reference, call);
    const digest = res.headers.get('docker-content-digest')?.trim();
    await discardBody(res);
    if (digest && DIGEST.test(digest)) return digest;
    return (await this.getManifest(registry, repository, reference, call)).digest;
  }

  /** A manifest's content, its digest checked (sha256 of the body) when the reference is a digest. */
  async getManifest(
    registry: string,
    repository: string,
    reference: string,
    call: RegistryCallOptions = {},
  ): Promise<FetchedManifest> {
    const res = await this.manifestRequest('GET', registry, repository, reference, call);
    const body = await readBody(registry, res);
    const computed = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (DIGEST.test(reference) && reference !== computed) {
      throw new RegistryError(
        registry,
        `registry ${registry} sent a manifest for ${repository}@${reference} whose digest is ${computed}`,
      );
    }
    const contentType = res.headers.get('content-type') ?? undefined;
    const mediaType = mediaTypeOf(contentType);
    try {
      const manifest = parseManifest(body.toString('utf8'), contentType);
      return { digest: computed, ...(mediaType && { mediaType }), manifest };
    } catch (err) {
      throw new RegistryError(registry, `${registry}/${repository}@${reference}: ${(err as Error).message}`);
    }
  }

  private async manifestRequest(
    method: 'HEAD' | 'GET',
    registry: string,
    repository: string,
    reference: string,
    call: RegistryCallOptions,
  ): Promise<Response> {
    const url = `${this.options.endpoints().endpoint(registry).baseUrl}/v2/${repository}/manifests/${reference}`;
    const what = `${registry}/${repository}:${reference}`;
    let auth = await this.upFront(registry, repository, call);
    for (let attempt = 0; ; attempt++) {
      call.gate?.(registry);
      const headers: Record<string, string> = { accept: MANIFEST_ACCEPT };
      if (auth.header) headers.authorization = auth.header;
      const res = await sendRequest(this.fetchFn, registry, url, {
        method,
        headers,
        timeoutMs: this.timeoutMs,
        signal: call.signal,
      });
      if (res.status === 401 && attempt === 0) {
        await discardBody(res);
        if (auth.key) this.tokens.drop(auth.key);
        auth = await this.answerChallenge(registry, repository, res.headers.get('www-authenticate'), call);
        continue;
      }
      if (res.ok) return res;
      const codes = method === 'GET' ? await errorCodes(registry, res) : (await discardBody(res), '');
      const detail = codes ? ` (${codes})` : '';
      if (res.status === 401 || res.status === 403) {
        const login = this.options.credentials(registry) ? 'with the configured credentials' : 'without credentials';
        throw new RegistryError(
          registry,
          `registry ${registry} denied access to ${what} ${login}${detail}`,
          res.status,
        );
      }
      if (res.status === 404) throw new RegistryError(registry, `${what} was not found in the registry${detail}`, 404);
      if (res.status === 429) throw new RegistryError(registry, `registry ${registry} is rate limiting requests`, 429);
      throw new RegistryError(registry, `registry ${registry} answered ${res.status} for ${what}${detail}`, res.status);
    }
  }

  /** Credentials for a registry whose scheme is known: a cached token, a new one, or Basic. */
  private async upFront(registry: string, repository: string, call: RegistryCallOptions): Promise<Auth> {
    const scheme = this.tokens.scheme(registry);
    if (!scheme) return {};
    return this.authorize(registry, scheme, pullScope(repository), call);
  }

  private async answerChallenge(
    registry: string,
    repository: string,
    header: string | null,
    call: RegistryCallOptions,
  ): Promise<Auth> {
    const challenges = parseWwwAuthenticate(header ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    const basic = challenges.find((c) => c.scheme === 'basic');
    let scheme: RegistryAuthScheme;
    if (bearer) {
      const { realm, service } = bearer.params as { realm: string; service?: string };
      scheme = { scheme: 'bearer', realm, ...(service !== undefined && { service }) };
    } else if (basic) {
      scheme = { scheme: 'basic' };
    } else {
      throw new RegistryError(
        registry,
        `registry ${registry} asked for authentication dockwatch does not speak (${
          challenges.map((c) => c.scheme).join(', ') || 'no WWW-Authenticate challenge'
        })`,
        401,
      );
    }
    this.tokens.setScheme(registry, scheme);
    const scope = bearer?.params.scope || pullScope(repository);
    return this.authorize(registry, scheme, scope, call, true);
  }

  private async authorize(
    registry: string,
    scheme: RegistryAuthScheme,
    scope: string,
    call: RegistryCallOptions,
    needed = false,
  ): Promise<Auth> {
    const login = this.options.credentials(registry);
    if (scheme.scheme === 'basic') {
      if (!login) {
        if (!needed) return {};
        throw new RegistryError(
          registry,
          `registry ${registry} asks for a user name and password; none is configured for it in registries`,
          401,
        );
      }
      const basic = Buffer.from(`${login.username}:${login.password}`).toString('base64');
      return { header: `Basic ${basic}` };
    }
    const key = tokenKey(scheme.realm, scheme.service, scope, login?.username);
    const cached = this.tokens.get(key);
    if (cached) return { header: `Bearer ${cached}`, key };
    const token = await this.fetchToken(registry, scheme, scope, login, key, call);
    return { header: `Bearer ${token}`, key };
  }

  private async fetchToken(
    registry: string,
    scheme: { realm: string; service?: string },
    scope: string,
    login: RegistryLogin | undefined,
    key: string,
    call: RegistryCallOptions,
  ): Promise<string> {
    let url: URL;
    try {
      url = new URL(scheme.realm);
    } catch {
      throw new RegistryError(registry, `registry ${registry} named a token realm that is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new RegistryError(registry, `registry ${registry} named a token realm that is not http(s)`);
    }
    const plainHttpOk = this.options.endpoints().isInsecure(url.host) || this.options.endpoints().isInsecure(registry);
    if (url.protocol === 'http:' && login && !plainHttpOk) {
      throw new RegistryError(
        registry,
        `registry ${registry} asked to send its credentials to a plain-http token realm; refused`,
      );
    }
    if (scheme.service !== undefined) url.searchParams.set('service', scheme.service);
    for (const s of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (login) headers.authorization = `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
    call.gate?.(registry);
    const res = await sendRequest(this.fetchFn, registry, url.toString(), {
      method: 'GET',
      headers,
      timeoutMs: this.timeoutMs,
      signal: call.signal,
    });
    if (!res.ok) {
      await discardBody(res);
      const why = res.status === 401 || res.status === 403 ? 'refused the credentials' : `answered ${res.status}`;
      throw new RegistryError(registry, `the token server of registry ${registry} ${why}`, res.status);
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse((await readBody(registry, res)).toString('utf8')) as typeof body;
    } catch {
      throw new RegistryError(registry, `the token server of registry ${registry} sent no JSON`);
    }
    const token = typeof body.token === 'string' && body.token ? body.token : body.access_token;
    if (typeof token !== 'string' || !token) {
      throw new RegistryError(registry, `the token server of registry ${registry} sent no token`);
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : undefined;
    this.tokens.set(key, token, expiresIn);
    return token;
  }
}
