import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerInspectInfo } from 'dockerode';
import type { RunningAgent } from '../../app/agent';
import { createLogger } from '../../shared/logger';
import { createSpecFromInspect } from '../../agent/revisions/createSpec';
import { versionDifferences } from '../../agent/revisions/revisionDiff';
import type { CommandCore } from '../../bot/core/commandCore';
import type { Identity } from '../../bot/core/identity';
import { RemoteAgentClient } from '../../bot/remoteAgentClient';
import {
  removeTestContainers,
  TEST_IMAGE_V1,
  TEST_IMAGE_V2,
  TEST_RUN_LABEL,
  testDocker,
  testRunId,
  waitFor,
} from '../support/engine';
import { startAgentWithCore } from '../support/consoleCore';
import { docker, dockerRun } from '../support/dockerRun';
import { removeKeepTags } from '../support/keepTags';

const suffix = randomBytes(3).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-rr-'));
const configFile = join(dir, 'dockwatch.yaml');
const logger = createLogger({ level: 'warn', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG });
const inspect = (name: string) => testDocker().getContainer(name).inspect();
const version = (info: ContainerInspectInfo) => ({ imageId: info.Image, spec: createSpecFromInspect(info) });
const imageId = (ref: string) =>
  testDocker()
    .getImage(ref)
    .inspect()
    .then((i) => i.Id);

writeFileSync(
  configFile,
  `agent:
  listen: 127.0.0.1:0
  dataDir: ${JSON.stringify(join(dir, 'data'))}
  hostName: rr-host
containers:
  include: { labels: { ${TEST_RUN_LABEL}: "${testRunId}" } }
revisions:
  rollbackTimeout: 8s
bot:
  rateLimit: { commands: 200, per: 1m }
  roles:
    apps: { commands: [history, rollback, rm], containers: { names: ['dwtest-rr-*'] } }
    others: { commands: [history, rollback], containers: { names: ['other-*'] } }
    admin: { commands: ['*'], force: true }
  members:
    - { role: apps, consoleUsers: [alice] }
    - { role: others, consoleUsers: [bob] }
    - { role: admin, consoleUsers: [root] }
`,
);

const alice: Identity = { platform: 'console', userId: 'alice' };
const bob: Identity = { platform: 'console', userId: 'bob' };
const root: Identity = { platform: 'console', userId: 'root' };

let agent: RunningAgent;
let core: CommandCore;
let remote: RemoteAgentClient;
const names: string[] = [];

const handle = (identity: Identity, words: string[], confirmed = true) =>
  core.handle({ identity, text: words, confirmed });

const revisionOf = (name: string, revision: number) =>
  waitFor(async () => agent.revisions.latest(name)?.revision === revision, {
    what: `revision ${revision} of ${name}`,
    timeoutMs: 20_000,
  });

beforeAll(async () => {
  ({ agent, core } = await startAgentWithCore(configFile, logger, 60_000));
  remote = new RemoteAgentClient({ url: `http://127.0.0.1:${agent.address.port}` });
}, 30_000);

afterAll(async () => {
  remote?.close();
  await agent?.stop();
  await removeTestContainers();
  await removeKeepTags(names);
  rmSync(dir, { recursive: true, force: true });
});

describe('history and rollback of a removed container (real engine)', () => {
  const name = `dwtest-rr-app-${suffix}`;
  const options = [...['-e', 'GREETING=hello', '-p', '127.0.0.1::8080', '--label', 'app=demo', '--stop-timeout', '1']];
  const cmd = ['sleep', '3600'];
  let v2: ContainerInspectInfo;

  beforeAll(async () => {
    names.push(name);
    await dockerRun(name, TEST_IMAGE_V1, options, cmd);
    await revisionOf(name, 1);
    await docker('rm', '-f', name);
    await dockerRun(name, TEST_IMAGE_V2, options, cmd);
    await revisionOf(name, 2);
    v2 = await inspect(name);
    const removed = await handle(root, ['rm', name, '--force']);
    expect(removed).toMatchObject({ status: 'ok', title: `Removed ${name}` });
    await expect(inspect(name)).rejects.toMatchObject({ statusCode: 404 });
  }, 60_000);

  it('history lists both revisions, none current, in chat and over the control API', async () => {
    const reply = await handle(alice, ['history', name]);
    expect(reply).toMatchObject({
      status: 'ok',
      title: `Revisions of ${name} (removed: no container carries the name)`,
    });
    expect(reply.table?.rows.map((r) => [r[0], r[2]?.split(' ')[0]])).toEqual([
      ['2', TEST_IMAGE_V2],
      ['1', TEST_IMAGE_V1],
    ]);
    const signal = AbortSignal.timeout(10_000);
    const listed = (await remote.removedNames(signal)).find((r) => r.name === name);
    expect(listed).toMatchObject({
      revisions: [
        { revision: 2, imageRef: TEST_IMAGE_V2, labels: { app: 'demo' } },
        { revision: 1, imageRef: TEST_IMAGE_V1 },
      ],
      rollback: { revision: 2 },
    });
    expect((await remote.removedHistory(name, signal)).map((r) => [r.revision, r.current])).toEqual([
      [2, false],
      [1, false],
    ]);
    await expect(remote.removedHistory(`${name}x`, signal)).rejects.toThrow(
      `no container or recorded revisions named "${name}x" on rr-host`,
    );
    await expect(remote.removedHistory('../etc', signal)).rejects.toThrow('"../etc" is not a container name');
  });

  it('a role scoped to other containers is denied; an unknown name gets a suggestion', async () => {
    for (const words of [
      ['history', name],
      ['rollback', name],
    ]) {
      expect(await handle(bob, words)).toMatchObject({
        status: 'denied',
        text: expect.stringContaining(`on ${name} is outside the containers of console:bob`),
      });
    }
    expect(await handle(alice, ['history', name.replace('app', 'apq')])).toMatchObject({
      status: 'invalid',
      text: expect.stringContaining(`no container or recorded revisions named "${name.replace('app', 'apq')}"`),
    });
    await expect(inspect(name)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('rollback (confirmed) recreates the last revision with its recorded config; history shows it current', async () => {
    expect(await handle(alice, ['rollback', name], false)).toMatchObject({
      status: 'confirm',
      text: `rollback ${name} (removed) needs a confirmation: run it again with --yes.`,
    });
    const reply = await handle(alice, ['rollback', name]);
    expect(reply).toMatchObject({
      status: 'ok',
      title: `Recreated ${name}`,
      text: `${name} recreated from revision 2 (${TEST_IMAGE_V2}) and running`,
    });
    expect(reply.code?.text.split('\n').map((l) => l.split(' (')[0])).toEqual([
      'choose: done',
      'create: started',
      'create: done',
      'start: started',
      'start: done',
      'wait: started',
      'wait: done',
    ]);
    const now = await inspect(name);
    expect(now.State.Running).toBe(true);
    expect(now.Image).toBe(await imageId(TEST_IMAGE_V2));
    expect(versionDifferences(version(v2), version(now))).toEqual([]);
    expect(now.Config.Env).toContain('GREETING=hello');
    expect(now.Config.Labels.app).toBe('demo');
    expect(now.NetworkSettings.Ports['8080/tcp']?.[0]?.HostIp).toBe('127.0.0.1');
    await waitFor(async () => agent.revisions.get(name, 2)?.containerId === now.Id, {
      what: 'revision 2 to be the recreated container',
      timeoutMs: 20_000,
    });
    const history = await handle(alice, ['history', name]);
    expect(history.title).toBe(`Revisions of ${name}`);
    expect(history.table?.rows.map((r) => r[0])).toEqual(['2 (current)', '1']);
    expect(agent.revisions.list(name).map((r) => r.revision)).toEqual([2, 1]);
    expect((await remote.removedNames(AbortSignal.timeout(10_000))).map((r) => r.name)).not.toContain(name);
  }, 60_000);

  it('rollback --to 1 afterwards is a normal rollback', async () => {
    const reply = await handle(alice, ['rollback', name, '--to', '1']);
    expect(reply).toMatchObject({ status: 'ok', title: `Rolled back ${name}` });
    const now = await inspect(name);
    expect(now.Image).toBe(await imageId(TEST_IMAGE_V1));
    await revisionOf(name, 3);
    expect(agent.revisions.latest(name)?.note).toBe('rollback to revision 1');
  }, 60_000);
});

describe('a recreate that does not come up (real engine)', () => {
  const name = `dwtest-rr-sick-${suffix}`;
  const flags = mkdtempSync(join(tmpdir(), 'dockwatch-rr-flag-'));

  afterAll(() => rmSync(flags, { recursive: true, force: true }));

  it('removes the new container again and says why; the revision is noted as failed', async () => {
    names.push(name);
    writeFileSync(join(flags, 'ok'), '1');
    const options = ['-v', `${flags}:/flag`, '--health-cmd', 'test -f /flag/ok', '--health-interval', '1s'];
    options.push('--health-retries', '1', '--stop-timeout', '1');
    await dockerRun(name, TEST_IMAGE_V1, options, ['sh', '-c', 'echo private-detail-7; sleep 3600']);
    await revisionOf(name, 1);
    await waitFor(async () => agent.revisions.get(name, 1)?.lastRun?.verdict === 'healthy', {
      what: 'the revision noted healthy',
      timeoutMs: 20_000,
    });
    expect(await handle(root, ['rm', name, '--force'])).toMatchObject({ status: 'ok' });
    // rm answers once the inventory shows the removal, or after 5 s at most: under a loaded CI run the rollback below
    // could still find the container instead of the removed name. What is tested here is the failed recreate.
    await waitFor(async () => (await remote.removedNames(AbortSignal.timeout(10_000))).some((r) => r.name === name), {
      what: `${name} to be listed as a removed name`,
      timeoutMs: 20_000,
    });
    unlinkSync(join(flags, 'ok'));

    const reply = await handle(alice, ['rollback', name]);
    // Status and text in one string, so a failure shows the reply's text too.
    expect(`${reply.status}: ${reply.text}`).toMatch(/^failed: /);
    expect(reply.text).toMatch(new RegExp(`^recreating ${name} from revision 1 failed at wait: `));
    expect(reply.text).toContain(`the new container was removed again (${name} had no container to restore)`);
    // Its log lines are for roles with `logs`: the reply only says where they are.
    expect(reply.text).toContain("its last log lines are in the agent's log");
    expect(reply.text).not.toContain('private-detail-7');
    await expect(inspect(name)).rejects.toMatchObject({ statusCode: 404 });
    await waitFor(async () => agent.revisions.get(name, 1)?.lastRun?.verdict === 'failed', {
      what: 'the revision noted failed',
      timeoutMs: 20_000,
    });
    expect(await handle(alice, ['rollback', name])).toMatchObject({
      status: 'invalid',
      text: expect.stringContaining(`${name} has no revision to recreate`),
    });
    expect((await handle(alice, ['history', name])).table?.rows.map((r) => [r[0], r[4]])).toEqual([['1', 'failed']]);
  }, 60_000);
});
