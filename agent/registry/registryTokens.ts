/** How a registry asked to be authenticated, remembered so the next request sends credentials up front. */
export type RegistryAuthScheme = { scheme: 'bearer'; realm: string; service?: string } | { scheme: 'basic' };

/** Tokens live this long when the token server gives no `expires_in` (the distribution spec's default). */
export const DEFAULT_TOKEN_SECONDS = 60;
/** A token is dropped this long before it expires, so a request never goes out with one about to lapse. */
const EXPIRY_MARGIN_MS = 5_000;

type Cached = { token: string; expiresAt: number };

/**
 * Bearer tokens per (realm, service, scope, user), kept until they expire; and the auth scheme each registry asked for.
 * The clock is injected, so expiry is tested without waiting.
 */
export class RegistryTokens {
  private readonly tokens = new Map<string, Cached>();
  private readonly schemes = new Map<string, RegistryAuthScheme>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The scheme a registry asked for in its last 401. */
  scheme(registry: string): RegistryAuthScheme | undefined {
    return this.schemes.get(registry);
  }

  /** Remembers the scheme of a registry's 401. */
  setScheme(registry: string, scheme: RegistryAuthScheme): void {
    this.schemes.set(registry, scheme);
  }

  /** A cached, unexpired token. */
  get(key: string): string | undefined {
    const cached = this.tokens.get(key);
    if (!cached) return undefined;
    if (this.now() >= cached.expiresAt) {
      this.tokens.delete(key);
      return undefined;
    }
    return cached.token;
  }

  /**
   * Caches a token for `expiresInSeconds` from now, less a small margin (the local clock, not the token's `issued_at`,
   * so a token server whose clock is off does not make every token look expired).
   */
  set(key: string, token: string, expiresInSeconds = DEFAULT_TOKEN_SECONDS): void {
    const now = this.now();
    const lifetime = Math.max(0, expiresInSeconds * 1000 - EXPIRY_MARGIN_MS);
    if (lifetime > 0) this.tokens.set(key, { token, expiresAt: now + lifetime });
    for (const [k, c] of this.tokens) if (now >= c.expiresAt) this.tokens.delete(k);
  }

  /** Forgets a token the registry refused. */
  drop(key: string): void {
    this.tokens.delete(key);
  }
}

/** The cache key of a token. */
export function tokenKey(realm: string, service: string | undefined, scope: string, user: string | undefined): string {
  return JSON.stringify([realm, service ?? '', scope, user ?? '']);
}

/** The pull scope of a repository, as registries name it in their challenges. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}
