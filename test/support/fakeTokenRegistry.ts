import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake saw. */
export type FakeRegistryRequest = { method: string; path: string; authorization?: string };

/** What the fake answers: Bearer tokens from its own realm (the distribution token protocol) or plain Basic. */
export type FakeTokenRegistryOptions = {
  auth: 'bearer' | 'basic' | 'none';
  /** Accepted user; without it the token realm hands out anonymous tokens. */
  user?: { username: string; password: string };
  /** `expires_in` of the tokens; omitted from the response when undefined. */
  expiresIn?: number;
  /** Sends no Docker-Content-Digest on HEAD (some registries do not). */
  noDigestOnHead?: boolean;
};

type Stored = { body: string; mediaType: string };

/**
 * A small local registry speaking the parts of the distribution API the update check uses (manifest HEAD/GET by tag
 * or digest) behind the token protocol: a 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…`, a token
 * realm that checks Basic credentials and issues expiring tokens for the asked scope. Debian's registry only does
 * htpasswd Basic auth, so the Bearer flow is tested against this fake.
 */
export class FakeTokenRegistry {
  readonly requests: FakeRegistryRequest[] = [];
  private readonly blobs = new Map<string, Stored>();
  private readonly tags = new Map<string, string>();
  private readonly tokens = new Map<string, { scope: string; expiresAt: number }>();
  /** Set to make the token realm refuse (status). */
  tokenStatus = 200;
  /** Set to make manifest requests fail (status). */
  manifestStatus = 200;

  private constructor(
    private readonly server: Server,
    readonly options: FakeTokenRegistryOptions,
  ) {}

  /** Starts the fake on a free loopback port. */
  static async start(options: FakeTokenRegistryOptions): Promise<FakeTokenRegistry> {
    const holder: { fake?: FakeTokenRegistry } = {};
    const server = createServer((req, res) => holder.fake?.handle(req, res));
    const fake = new FakeTokenRegistry(server, options);
    holder.fake = fake;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** `127.0.0.1:PORT`. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stores a manifest and returns its digest; with `tag`, points `repo:tag` at it. */
  put(repo: string, body: unknown, mediaType: string, tag?: string): string {
    const text = JSON.stringify(body);
    const digest = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    this.blobs.set(`${repo}@${digest}`, { body: text, mediaType });
    if (tag) this.tags.set(`${repo}:${tag}`, digest);
    return digest;
  }

  /** Requests to manifests and to the token realm. */
  count(kind: 'manifest' | 'token'): number {
    return this.requests.filter((r) =>
      kind === 'token' ? r.path.startsWith('/token') : r.path.includes('/manifests/'),
    ).length;
  }

  /** Stops the server. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
    });
    if (url.pathname === '/token') return this.token(url, req, res);
    const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (!m) return void res.writeHead(404).end();
    const [, repo, reference] = m as unknown as [string, string, string];
    if (!this.authorized(repo, req.headers.authorization)) {
      const scope = `repository:${repo}:pull`;
      const challenge =
        this.options.auth === 'bearer'
          ? `Bearer realm="http://${this.host}/token",service="fake-registry",scope="${scope}"`
          : 'Basic realm="fake"';
      res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    }
    if (this.manifestStatus !== 200) return void res.writeHead(this.manifestStatus).end();
    const digest = reference.startsWith('sha256:') ? reference : this.tags.get(`${repo}:${reference}`);
    const stored = digest && this.blobs.get(`${repo}@${digest}`);
    if (!digest || !stored) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
    }
    const headers: Record<string, string | number> = {
      'content-type': stored.mediaType,
      'content-length': Buffer.byteLength(stored.body),
    };
    if (!(req.method === 'HEAD' && this.options.noDigestOnHead)) headers['docker-content-digest'] = digest;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : stored.body);
  }

  private authorized(repo: string, header: string | undefined): boolean {
    if (this.options.auth === 'none') return true;
    if (this.options.auth === 'basic') return this.basicOk(header);
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const entry = token ? this.tokens.get(token) : undefined;
    return !!entry && entry.expiresAt > Date.now() && entry.scope.split(' ').includes(`repository:${repo}:pull`);
  }

  private basicOk(header: string | undefined): boolean {
    const user = this.options.user;
    if (!user) return true;
    const expected = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
    return header === expected;
  }

  private token(url: URL, req: IncomingMessage, res: ServerResponse): void {
    if (this.tokenStatus !== 200) return void res.writeHead(this.tokenStatus).end();
    if (this.options.user && !this.basicOk(req.headers.authorization)) return void res.writeHead(401).end();
    if (url.searchParams.get('service') !== 'fake-registry') return void res.writeHead(400).end();
    const scope = url.searchParams.getAll('scope').join(' ');
    const token = randomBytes(12).toString('hex');
    const seconds = this.options.expiresIn ?? 60;
    this.tokens.set(token, { scope, expiresAt: Date.now() + seconds * 1000 });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        token,
        ...(this.options.expiresIn !== undefined && { expires_in: this.options.expiresIn }),
        issued_at: new Date().toISOString(),
      }),
    );
  }
}
