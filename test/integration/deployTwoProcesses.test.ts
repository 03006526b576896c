import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ctlHistory,
  ctlHistoryUntil,
  runCtl,
  startAgentProcess,
  writeAgentConfig,
  type AgentProcess,
  type HistoryRow,
} from '../support/ctlProcess';
import { docker, dockerRun } from '../support/dockerRun';
import { removeTestContainers, testDocker } from '../support/engine';
import { freePort } from '../support/freePort';
import { removeKeepTags } from '../support/keepTags';
import {
  pushTestApp,
  pushTestAppAs,
  startRegistry,
  type PushedTestApp,
  type RunningRegistry,
} from '../support/registry';

// The promise of docs/chat.md, from the outside: `dockwatch agent` runs, an operator deploys with `dockwatch ctl` on the
// same data dir, a bad version comes back by itself, and rollback and a re-pull of a moved tag still do what they say.

const inspect = (name: string) => testDocker().getContainer(name).inspect();

const suffix = randomBytes(3).toString('hex');
const name = `dwtest-dp-${suffix}`;
const volume = `dwtest-dp-vol-${suffix}`;
const repo = `dwtest/deploy-2p-${suffix}`;
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-dp-'));
const configFile = join(dir, 'dockwatch.yaml');

const ctl = (...args: string[]) => runCtl(configFile, 'alice', ...args);
const historyUntil = (what: string, ok: (rows: HistoryRow[]) => boolean) =>
  ctlHistoryUntil(configFile, 'alice', name, what, ok);
const envOf = async () => [...((await inspect(name)).Config.Env ?? [])].sort();

describe('deploy with dockwatch ctl while dockwatch agent runs on the same data dir', () => {
  let agent: AgentProcess | undefined;
  let registry: RunningRegistry;
  let app: PushedTestApp;
  let stable: string;

  beforeAll(async () => {
    registry = await startRegistry();
    app = await pushTestApp(registry, repo);
    stable = (await pushTestAppAs(registry, repo, 'v1', 'stable')).ref;
    await docker('volume', 'create', volume);
    const port = await freePort();
    writeAgentConfig(configFile, { dataDir: join(dir, 'store'), port }, [
      'stats: { interval: 1s }',
      'revisions: { rollbackTimeout: 15s }',
    ]);
    agent = await startAgentProcess(configFile, port);
  }, 120_000);

  afterAll(async () => {
    if (process.env.DOCKWATCH_TEST_LOG) process.stderr.write(agent?.log() ?? '');
    await agent?.stop();
    await removeTestContainers();
    await removeKeepTags([name]);
    await docker('volume', 'rm', volume).catch(() => undefined);
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploys v2, brings v2 back by itself when v3 fails, rolls back to v1, and re-pulls a moved tag', async () => {
    await dockerRun(name, stable, [
      ...['--label', 'team=web', '-e', 'GREETING=hello', '-v', `${volume}:/data`, '-p', '127.0.0.1::8080'],
      ...['--stop-timeout', '1', '--restart', 'unless-stopped'],
    ]);
    await historyUntil('v1 recorded', (h) => h.length === 1 && h[0]?.current === true);

    const v2 = await ctl('deploy', name, app.versions.v2.ref, '--yes');
    expect({ code: v2.code, stderr: v2.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const deployed = await inspect(name);
    expect(deployed.Image).toBe(app.versions.v2.imageId);
    expect(await envOf()).toEqual(expect.arrayContaining(['GREETING=hello', 'APP_VERSION=2']));
    expect(deployed.Config.Labels).toMatchObject({ team: 'web', 'app.version': '2' });
    expect(deployed.Config.Healthcheck?.Test).toEqual(['CMD-SHELL', 'true']);
    const afterV2 = await historyUntil('v2 recorded as the deploy', (h) => h[0]?.revision === 2 && h[0].current);
    expect(afterV2.map((r) => r.image)).toEqual([app.versions.v2.ref, stable]);

    const v3 = await ctl('deploy', name, app.versions.v3.ref, '--yes');
    expect(v3.code).toBe(4);
    expect(v3.stderr).toContain('v3 not ready');
    const back = await inspect(name);
    expect({ id: back.Id, running: back.State.Running }).toEqual({ id: deployed.Id, running: true });
    // Whatever the agent settles meanwhile (it looks every 2 s), the failed deploy added and evicted nothing.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect((await ctlHistory(configFile, 'alice', name)).map((r) => r.line)).toEqual(afterV2.map((r) => r.line));

    const rolled = await ctl('rollback', name, '--yes');
    expect(rolled.code).toBe(0);
    expect(rolled.stdout).toContain(`revision 1 (${stable})`);
    expect((await inspect(name)).Image).toBe(app.versions.v1.imageId);
    expect(await envOf()).toEqual(expect.arrayContaining(['GREETING=hello', 'APP_VERSION=1']));
    const afterRollback = await historyUntil('the rollback recorded', (h) => h[0]?.revision === 3 && h[0].current);
    expect(afterRollback.map((r) => r.image)).toEqual([stable, app.versions.v2.ref, stable]);

    // The tag the container runs moves to v2: a deploy without an image pulls it again and deploys it.
    await pushTestAppAs(registry, repo, 'v2', 'stable');
    const moved = await ctl('deploy', name, '--yes');
    expect(moved.code).toBe(0);
    expect((await inspect(name)).Image).toBe(app.versions.v2.imageId);
    expect(await envOf()).toEqual(expect.arrayContaining(['GREETING=hello', 'APP_VERSION=2']));
    const again = await ctl('deploy', name, '--yes');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
    const last = await historyUntil('the moved tag recorded', (h) => h[0]?.revision === 4 && h[0].current);
    expect(last.map((r) => r.revision)).toEqual([4, 3, 2, 1]);
    // The named volume went along every time.
    expect((await inspect(name)).Mounts.find((m) => m.Destination === '/data')?.Name).toBe(volume);
  }, 240_000);
});
