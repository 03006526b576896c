import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError } from '../../agent/actions/actionError';
import { enginePuller } from '../../agent/images/enginePuller';
import type { PullProgress } from '../../agent/images/imagePuller';
import { RegistryCredentials } from '../../agent/registry/registryCredentials';
import { RemoteAgentClient } from '../../bot/remoteAgentClient';
import { runCtl } from '../support/ctlProcess';
import { failure } from '../support/failure';
import { testDocker } from '../support/engine';
import { freePort } from '../support/freePort';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import {
  pushFreshImage,
  pushTestApp,
  startRegistry,
  type PushedTestApp,
  type RunningRegistry,
} from '../support/registry';

const PASSWORD = 'pull-test-s3cret';
const TOKEN = 'pull-test-token-0123456789';

/** Removes every local tag of the test registries, so the engine keeps nothing of this run. */
async function removeRegistryImages(hosts: string[]): Promise<void> {
  const docker = testDocker();
  const images = await docker.listImages();
  const tags = images.flatMap((i) => i.RepoTags ?? []).filter((t) => hosts.some((h) => t.startsWith(`${h}/`)));
  const digests = images.flatMap((i) => i.RepoDigests ?? []).filter((d) => hosts.some((h) => d.startsWith(`${h}/`)));
  for (const ref of [...tags, ...digests])
    await docker
      .getImage(ref)
      .remove()
      .catch(() => undefined);
}

describe('pull against a real registry', () => {
  let open: RunningRegistry;
  let auth: RunningRegistry;
  let app: PushedTestApp;
  let agent: TestAgent;
  let dir: string;

  beforeAll(async () => {
    [open, auth] = await Promise.all([
      startRegistry(),
      startRegistry({ auth: { username: 'alice', password: PASSWORD } }),
    ]);
    app = await pushTestApp(open, 'pull/app');
    await pushFreshImage(auth, 'private/app', 'v1', 200_000);
    agent = await startTestAgent(
      [
        'agent:',
        `  token: ${TOKEN}`,
        '  hostName: pull-host',
        'registries:',
        `  - { host: "${auth.host}", username: alice, password: ${PASSWORD} }`,
      ].join('\n'),
    );
    dir = mkdtempSync(join(tmpdir(), 'dockwatch-pull-'));
  }, 120_000);

  afterAll(async () => {
    await agent?.stop();
    await removeRegistryImages([open?.host, auth?.host].filter((h): h is string => h !== undefined));
    await Promise.all([open?.stop(), auth?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const puller = (credentials = new RegistryCredentials([], undefined)) =>
    enginePuller({ docker: () => testDocker(), credentials });

  it('pulls without auth, reporting layers and bytes until all are done; again it is up to date', async () => {
    const fresh = await pushFreshImage(open, 'pull/fresh', 'a', 3_000_000);
    const seen: PullProgress[] = [];
    const result = await puller()(fresh.ref, { onProgress: (p) => seen.push(p) });
    expect(result).toEqual({ ref: fresh.ref, imageId: fresh.imageId, digest: fresh.digest, upToDate: false });
    const last = seen.at(-1);
    expect(last).toMatchObject({ layersDone: 3, layersTotal: 3 });
    expect(last?.bytesTotal).toBeGreaterThan(3_000_000);
    expect(last?.bytesDone).toBe(last?.bytesTotal);
    expect(seen.some((p) => p.bytesDone > 0 && p.bytesDone < p.bytesTotal)).toBe(true);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.layersDone).toBeGreaterThanOrEqual(seen[i - 1]!.layersDone);
      expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
    }
    expect(await puller()(fresh.ref, {})).toMatchObject({ upToDate: true, imageId: fresh.imageId });
  });

  it('pulls by digest, and a test app version with its image ID', async () => {
    const v2 = app.versions.v2;
    const byDigest = `${app.name}@${v2.digest}`;
    expect(await puller()(byDigest, {})).toMatchObject({ ref: byDigest, digest: v2.digest, imageId: v2.imageId });
    expect(await puller()(app.versions.v3.ref, {})).toMatchObject({ imageId: app.versions.v3.imageId });
  });

  it('pulls through htpasswd auth with credentials from the config, and from Docker config.json', async () => {
    const ref = `${auth.host}/private/app:v1`;
    const fromConfig = new RegistryCredentials([{ host: auth.host, username: 'alice', password: PASSWORD }], undefined);
    expect(await puller(fromConfig)(ref, {})).toMatchObject({ ref, upToDate: false });
    await testDocker().getImage(ref).remove();
    const fromDockerConfig = new RegistryCredentials([], join(auth.dockerConfigDir, 'config.json'));
    expect(fromDockerConfig.sourceOf(auth.host)).toBe('docker-config');
    expect(await puller(fromDockerConfig)(ref, {})).toMatchObject({ ref, upToDate: false });
  });

  it('says access was denied, naming the registry and the credentials, never the password', async () => {
    const ref = `${auth.host}/private/app:v1`;
    const none = await failure(puller()(ref, {}));
    expect(none).toBeInstanceOf(ActionError);
    expect(none.message).toMatch(
      new RegExp(`^access to ${ref} was denied by registry ${auth.host}: no credentials configured for ${auth.host}`),
    );
    const wrong = new RegistryCredentials([{ host: auth.host, username: 'alice', password: 'wrong-pw-77' }], undefined);
    const refused = await failure(puller(wrong)(ref, {}));
    expect(refused.message).toMatch(
      new RegExp(
        `^access to ${ref} was denied by registry ${auth.host}: the credentials for ${auth.host} from the config were refused`,
      ),
    );
    expect(refused.message).not.toContain('wrong-pw-77');
    expect(none.message).not.toContain(PASSWORD);
  });

  it('says an unknown tag or repository was not found', async () => {
    for (const ref of [`${app.name}:nope`, `${open.host}/pull/none:v1`]) {
      const error = await failure(puller()(ref, {}));
      expect(error).toMatchObject({ code: 'not-found' });
      expect(error.message).toMatch(new RegExp(`^image ${ref} was not found: registry ${open.host} has no such`));
    }
  });

  it('says an unreachable registry is unreachable, quickly', async () => {
    const ref = `127.0.0.1:${await freePort()}/app:v1`;
    const started = Date.now();
    const error = await failure(puller()(ref, {}));
    expect(error.message).toMatch(
      /^registry 127\.0\.0\.1:\d+ is unreachable for 127\.0\.0\.1:\d+\/app:v1 \[.*connection refused/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops when its signal aborts, saying it was cancelled', async () => {
    const fresh = await pushFreshImage(open, 'pull/fresh', 'cancel', 8_000_000);
    const controller = new AbortController();
    const error = await failure(
      puller()(fresh.ref, { signal: controller.signal, onProgress: () => controller.abort(new Error('stop')) }),
    );
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toBe(`the pull of ${fresh.ref} was cancelled`);
  });

  it('refuses an invalid reference before the engine sees it', async () => {
    const error = await failure(puller()('Bad/App:v1', {}));
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toBe('invalid image reference "Bad/App:v1": the repository name must be lowercase');
  });

  it('pulls through the control API with RemoteAgentClient: progress, result, errors; a bad request is a 400', async () => {
    const fresh = await pushFreshImage(auth, 'private/fresh', 'b', 1_000_000);
    const remote = new RemoteAgentClient({ url: agent.url, token: TOKEN });
    try {
      const progress: string[] = [];
      const text = await remote.pull(fresh.ref, {
        by: 'test',
        signal: AbortSignal.timeout(60_000),
        onProgress: (line) => progress.push(line),
      });
      expect(text).toMatch(
        new RegExp(`^Pulled ${fresh.ref} \\(image [0-9a-f]{12}, digest ${fresh.digest}\\): 3 layers`),
      );
      expect(progress.at(-1)).toMatch(/^layers 3\/3, 1\.0 MB \/ 1\.0 MB$/);
      const notFound = await failure(
        remote.pull(`${auth.host}/private/fresh:nope`, { by: 't', signal: AbortSignal.timeout(30_000) }),
      );
      expect(notFound.name).toBe('AgentError');
      expect(notFound.message).toMatch(/was not found/);
      const res = await fetch(`${agent.url}/api/v1/images/pull`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ref: 'nginx:latest;rm', by: 'test' }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(
        /^ref: invalid image reference "nginx:latest;rm"/,
      );
      const anonymous = await fetch(`${agent.url}/api/v1/images/pull`, { method: 'POST', body: '{}' });
      expect(anonymous.status).toBe(401);
    } finally {
      remote.close();
    }
  });

  it('answers a failure before any progress with its status, and an unreachable engine as such', async () => {
    const post = (ref: string) =>
      fetch(`${agent.url}/api/v1/images/pull`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ref, by: 'test' }),
      });
    const notFound = await post(`${app.name}:nope`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({
      error: expect.stringMatching(new RegExp(`^image ${app.name}:nope was not found`)),
      kind: 'agent',
    });
    const down = await startTestAgent(
      [`agent:\n  token: ${TOKEN}`, `docker:\n  host: unix://${join(dir, 'nobody.sock')}`].join('\n'),
    );
    const remote = new RemoteAgentClient({ url: down.url, token: TOKEN });
    try {
      const error = await failure(remote.pull(app.versions.v1.ref, { by: 't', signal: AbortSignal.timeout(30_000) }));
      expect(error.name).toBe('EngineUnavailableError');
      expect(error.message).toMatch(/^the Docker engine is unreachable \(unix:\/\/.*nobody\.sock/);
    } finally {
      remote.close();
      await down.stop();
    }
  });

  it('pulls through the console: ctl --as alice pull, denied to a role without pull', async () => {
    const configFile = join(dir, 'dockwatch.yaml');
    writeFileSync(
      configFile,
      [
        'agent:',
        `  dataDir: ${JSON.stringify(join(dir, 'data'))}`,
        'registries:',
        `  - { host: "${auth.host}", username: alice, password: ${PASSWORD} }`,
        'bot:',
        '  roles:',
        '    viewer: { commands: [ps, images] }',
        '    puller: { commands: [pull] }',
        '  members:',
        '    - { role: puller, consoleUsers: [alice] }',
        '    - { role: viewer, consoleUsers: [bob] }',
      ].join('\n'),
    );
    const ctl = (user: string, ...args: string[]) => runCtl(configFile, user, ...args);
    const fresh = await pushFreshImage(auth, 'private/fresh', 'c', 500_000);
    const ok = await ctl('alice', 'pull', fresh.ref);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain(`Pulled ${fresh.ref}`);
    expect(ok.stdout).toMatch(/layers 3\/3, 500\.\d kB \/ 500\.\d kB/);
    expect(ok.stdout + ok.stderr).not.toContain(PASSWORD);
    const denied = await ctl('bob', 'pull', fresh.ref);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('no role of console:bob (viewer) allows pull');
    const unknown = await ctl('alice', 'pull', `${auth.host}/private/none:v9`);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain(`image ${auth.host}/private/none:v9 was not found`);
  });
});
