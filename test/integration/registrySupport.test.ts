import { existsSync } from 'node:fs';
import {
  dockerCli,
  pushTestApp,
  pushTestAppAs,
  registryDigest,
  startRegistry,
  type RunningRegistry,
} from '../support/registry';

describe('test registry support', () => {
  let open: RunningRegistry;
  let auth: RunningRegistry;
  beforeAll(async () => {
    [open, auth] = await Promise.all([
      startRegistry(),
      startRegistry({ auth: { username: 'alice', password: 'wonder-land-1' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), auth?.stop()]);
  });

  it('serves /v2/ anonymously, and only with the password when started with auth', async () => {
    expect((await fetch(`${open.url}/v2/`)).status).toBe(200);
    expect((await fetch(`${auth.url}/v2/`)).status).toBe(401);
    const basic = (user: string, pass: string): RequestInit => ({
      headers: { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` },
    });
    expect((await fetch(`${auth.url}/v2/`, basic('alice', 'wonder-land-1'))).status).toBe(200);
    expect((await fetch(`${auth.url}/v2/`, basic('alice', 'wrong'))).status).toBe(401);
  });

  it('pushes v1, v2, v3 with their settings, and moves a tag', async () => {
    const app = await pushTestApp(open, 'team/app');
    expect(app.name).toBe(`${open.host}/team/app`);
    const digests = Object.values(app.versions).map((v) => v.digest);
    expect(new Set(digests).size).toBe(3);
    expect(await registryDigest(open, 'team/app', 'v2')).toBe(app.versions.v2.digest);
    expect(await registryDigest(open, 'team/app', 'nope')).toBeUndefined();

    const moved = await pushTestAppAs(open, 'team/app', 'v3', 'v2');
    expect(moved.digest).toBe(app.versions.v3.digest);
    expect(await registryDigest(open, 'team/app', 'v2')).toBe(app.versions.v3.digest);

    await dockerCli(['pull', '-q', app.versions.v1.ref]);
    try {
      const inspect = JSON.parse(await dockerCli(['image', 'inspect', app.versions.v1.ref])) as Array<{
        Config: { Env: string[]; Labels: Record<string, string>; Cmd: string[]; Healthcheck?: unknown };
      }>;
      const config = inspect[0]!.Config;
      expect(config.Env).toEqual(expect.arrayContaining(['APP_VERSION=1', 'APP_MODE=default']));
      expect(config.Labels['app.version']).toBe('1');
      expect(config.Cmd).toEqual(['sh', '-c', 'echo v1 up; sleep 3600']);
      expect(config.Healthcheck).toBeUndefined();
    } finally {
      await dockerCli(['rmi', '--no-prune', app.versions.v1.ref]);
    }
  });

  it('pushes to an auth registry with its login, and stop removes everything', async () => {
    const app = await pushTestApp(auth, 'app');
    expect(await registryDigest(auth, 'app', 'v3')).toBe(app.versions.v3.digest);
    const extra = await startRegistry();
    const dir = extra.dockerConfigDir.replace(/\/docker-cli$/, '');
    expect(existsSync(dir)).toBe(true);
    await extra.stop();
    await extra.stop();
    expect(existsSync(dir)).toBe(false);
    await expect(fetch(`${extra.url}/v2/`)).rejects.toThrow();
  });
});
