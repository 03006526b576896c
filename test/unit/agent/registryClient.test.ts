import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestBudget } from '../../../agent/images/requestBudget';
import { DOCKER_MANIFEST, OCI_INDEX } from '../../../agent/registry/manifests';
import { RegistryClient } from '../../../agent/registry/registryClient';
import { RegistryEndpoints } from '../../../agent/registry/registryEndpoint';
import { FakeTokenRegistry, type FakeTokenRegistryOptions } from '../../support/fakeTokenRegistry';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const USER = { username: 'robot', password: 's3cret-pw' };
const image = (config: string) => ({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: { digest: config } });

let fakes: FakeTokenRegistry[] = [];
afterEach(async () => {
  for (const f of fakes) await f.close();
  fakes = [];
});

async function fake(opts: FakeTokenRegistryOptions): Promise<FakeTokenRegistry> {
  const f = await FakeTokenRegistry.start(opts);
  fakes.push(f);
  return f;
}

function client(login?: { username: string; password: string }, now?: () => number, timeoutMs?: number) {
  return new RegistryClient({
    endpoints: () => new RegistryEndpoints(),
    credentials: () => login,
    ...(now && { now }),
    ...(timeoutMs && { timeoutMs }),
  });
}

describe('RegistryClient against the token protocol (local fake)', () => {
  it('answers a 401 Bearer challenge with a token from the realm (Basic credentials sent there) and caches it', async () => {
    const reg = await fake({ auth: 'bearer', user: USER, expiresIn: 300 });
    const digest = reg.put('team/app', image(d('c')), DOCKER_MANIFEST, 'latest');
    const c = client(USER);
    expect(await c.headManifest(reg.host, 'team/app', 'latest')).toBe(digest);
    expect(reg.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      'HEAD /v2/team/app/manifests/latest',
      'GET /token',
      'HEAD /v2/team/app/manifests/latest',
    ]);
    const tokenRequest = reg.requests[1]!;
    expect(tokenRequest.path).toContain('service=fake-registry');
    expect(tokenRequest.path).toContain(`scope=${encodeURIComponent('repository:team/app:pull')}`);
    expect(tokenRequest.authorization).toBe(`Basic ${Buffer.from('robot:s3cret-pw').toString('base64')}`);
    expect(reg.requests[2]!.authorization).toMatch(/^Bearer [0-9a-f]{24}$/);

    const got = await c.getManifest(reg.host, 'team/app', digest);
    expect(got).toEqual({ digest, mediaType: DOCKER_MANIFEST, manifest: { kind: 'image', configDigest: d('c') } });
    expect(reg.count('token')).toBe(1);
    expect(reg.requests.slice(3).map((r) => r.method)).toEqual(['GET']);
  });

  it('fetches a new token once the cached one expires on the injected clock, and one per repository scope', async () => {
    const reg = await fake({ auth: 'bearer', expiresIn: 60 });
    reg.put('a', image(d('1')), DOCKER_MANIFEST, 'v1');
    reg.put('b', image(d('2')), DOCKER_MANIFEST, 'v1');
    let now = 1_000_000;
    const c = client(undefined, () => now);
    await c.headManifest(reg.host, 'a', 'v1');
    await c.headManifest(reg.host, 'a', 'v1');
    expect([reg.count('token'), reg.count('manifest')]).toEqual([1, 3]);
    await c.headManifest(reg.host, 'b', 'v1');
    expect([reg.count('token'), reg.count('manifest')]).toEqual([2, 4]);
    now += 56_000;
    await c.headManifest(reg.host, 'a', 'v1');
    expect([reg.count('token'), reg.count('manifest')]).toEqual([3, 5]);
    expect(reg.requests.at(-2)?.path).toMatch(/^\/token/);
  });

  it('retries once with a fresh token when the registry refuses a cached one', async () => {
    const reg = await fake({ auth: 'bearer', expiresIn: 300 });
    reg.put('a', image(d('1')), DOCKER_MANIFEST, 'v1');
    const c = client();
    await c.headManifest(reg.host, 'a', 'v1');
    (reg as unknown as { tokens: Map<string, unknown> }).tokens.clear();
    await c.headManifest(reg.host, 'a', 'v1');
    expect(reg.requests.map((r) => r.path.split('?')[0])).toEqual([
      '/v2/a/manifests/v1',
      '/token',
      '/v2/a/manifests/v1',
      '/v2/a/manifests/v1',
      '/token',
      '/v2/a/manifests/v1',
    ]);
  });

  it('sends Basic credentials after a Basic challenge, and up front afterwards', async () => {
    const reg = await fake({ auth: 'basic', user: USER });
    reg.put('a', image(d('1')), DOCKER_MANIFEST, 'v1');
    const c = client(USER);
    await c.headManifest(reg.host, 'a', 'v1');
    await c.headManifest(reg.host, 'a', 'v1');
    expect(reg.requests.map((r) => r.authorization ?? 'none')).toEqual([
      'none',
      `Basic ${Buffer.from('robot:s3cret-pw').toString('base64')}`,
      `Basic ${Buffer.from('robot:s3cret-pw').toString('base64')}`,
    ]);
  });

  it('names the problem: no credentials, refused credentials, unknown tag, unreachable, timeout; never the password', async () => {
    const basic = await fake({ auth: 'basic', user: USER });
    basic.put('a', image(d('1')), DOCKER_MANIFEST, 'v1');
    await expect(client().headManifest(basic.host, 'a', 'v1')).rejects.toThrow(
      `registry ${basic.host} asks for a user name and password; none is configured for it in registries`,
    );
    const wrong = { username: 'robot', password: 'wrong-pw' };
    const denied = client(wrong).headManifest(basic.host, 'a', 'v1');
    await expect(denied).rejects.toThrow(
      `registry ${basic.host} denied access to ${basic.host}/a:v1 with the configured credentials`,
    );
    await expect(denied).rejects.not.toThrow('wrong-pw');
    await expect(client(USER).getManifest(basic.host, 'a', 'v9')).rejects.toThrow(
      `${basic.host}/a:v9 was not found in the registry (MANIFEST_UNKNOWN: manifest unknown)`,
    );
    const bearer = await fake({ auth: 'bearer', user: USER });
    await expect(client(wrong).headManifest(bearer.host, 'a', 'v1')).rejects.toThrow(
      `the token server of registry ${bearer.host} refused the credentials`,
    );
    const closed = bearer.host;
    await bearer.close();
    fakes = fakes.filter((f) => f !== bearer);
    await expect(client().headManifest(closed, 'a', 'v1')).rejects.toThrow(
      `registry ${closed} is unreachable (ECONNREFUSED)`,
    );

    const hanging: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    try {
      await expect(client(undefined, undefined, 300).headManifest(host, 'a', 'v1')).rejects.toThrow(
        `registry ${host} did not answer within 0.3s`,
      );
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  it('falls back to a GET (digest of the body) when a HEAD has no Docker-Content-Digest, and checks digests', async () => {
    const reg = await fake({ auth: 'none', noDigestOnHead: true });
    const digest = reg.put('a', image(d('1')), DOCKER_MANIFEST, 'v1');
    const index = reg.put('a', { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }, OCI_INDEX, 'multi');
    const c = client();
    expect(await c.headManifest(reg.host, 'a', 'v1')).toBe(digest);
    expect(reg.requests.map((r) => r.method)).toEqual(['HEAD', 'GET']);
    expect((await c.getManifest(reg.host, 'a', 'multi')).manifest).toEqual({ kind: 'index', manifests: [] });
    expect(index).toMatch(/^sha256:/);
  });

  it('asks the budget gate before every request, tokens included, and sends nothing once it is spent', async () => {
    const reg = await fake({ auth: 'bearer' });
    reg.put('a', image(d('1')), DOCKER_MANIFEST, 'v1');
    const budget = new RequestBudget(2);
    const c = client();
    await expect(c.headManifest(reg.host, 'a', 'v1', { gate: (r) => budget.take(r) })).rejects.toThrow(
      'request budget',
    );
    expect(reg.requests).toHaveLength(2);
    expect(budget.spent(reg.host)).toBe(2);
  });
});
