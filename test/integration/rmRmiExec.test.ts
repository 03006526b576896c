import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunningAgent } from '../../app/agent';
import type { ActionAuditEntry } from '../../agent/actions/containerActions';
import { createLogger } from '../../shared/logger';
import { keepTag } from '../../agent/revisions/keepTags';
import { buildCommandCore } from '../../bot';
import { AuditLog } from '../../bot/core/audit';
import type { CommandCore } from '../../bot/core/commandCore';
import type { Identity } from '../../bot/core/identity';
import { RemoteAgentClient } from '../../bot/remoteAgentClient';
import { StaticFleet } from '../../bot/staticFleet';
import type { Config } from '../../config/schema';
import {
  removeTestContainers,
  runTestContainer,
  TEST_IMAGE_V1,
  TEST_LABEL,
  TEST_RUN_LABEL,
  testDocker,
  testRunId,
  waitFor,
} from '../support/engine';
import { startAgentWithCore } from '../support/consoleCore';
import { removeKeepTags } from '../support/keepTags';

const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/cli.js');
const suffix = randomBytes(3).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-rm-'));
const configFile = join(dir, 'dockwatch.yaml');
const logger = createLogger({ level: 'warn', format: 'text', silent: !process.env.DOCKWATCH_TEST_LOG });

writeFileSync(
  configFile,
  `agent:
  listen: 127.0.0.1:0
  dataDir: ${JSON.stringify(join(dir, 'data'))}
  hostName: rm-host
containers:
  include: { labels: { ${TEST_RUN_LABEL}: "${testRunId}" } }
stats:
  interval: 1s
alerts:
  rules:
    - { name: stopped, kind: event, event: unexpected-stop }
bot:
  execTimeout: 2s
  rateLimit: { commands: 200, per: 1m }
  roles:
    operator:
      commands: [ps, rm, rmi, exec, history]
      exec: ['cat /etc/*.conf', 'sleep 300', 'ps']
    forcer: { commands: [rm, rmi], force: true }
    admin: { commands: ['*'] }
    imager: { commands: [rmi], containers: { names: [nobody-*] } }
  members:
    - { role: operator, consoleUsers: [alice, fred] }
    - { role: forcer, consoleUsers: [fred] }
    - { role: admin, consoleUsers: [root] }
    - { role: imager, consoleUsers: [erin] }
`,
);

const alice: Identity = { platform: 'console', userId: 'alice' };
const fred: Identity = { platform: 'console', userId: 'fred' };
const root: Identity = { platform: 'console', userId: 'root' };
const erin: Identity = { platform: 'console', userId: 'erin' };

let config: Config;
let agent: RunningAgent;
let core: CommandCore;
const actionAudit: ActionAuditEntry[] = [];
const images: string[] = [];
const volumes: string[] = [];

/** A new image with this one name only (a commit of the test image), so removing the name deletes the image. */
async function uniqueImage(repo: string): Promise<string> {
  const c = await testDocker().createContainer({
    Image: TEST_IMAGE_V1,
    Cmd: ['true'],
    Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId },
  });
  await c.commit({ repo, tag: 'v1', changes: [`LABEL dwtest=${suffix}`] });
  await c.remove();
  images.push(`${repo}:v1`);
  return `${repo}:v1`;
}

const imageId = (ref: string) =>
  testDocker()
    .getImage(ref)
    .inspect()
    .then((i) => i.Id)
    .catch(() => undefined);

const volumeExists = (name: string) =>
  testDocker()
    .getVolume(name)
    .inspect()
    .then(
      () => true,
      () => false,
    );

const handle = (identity: Identity, words: string[], confirmed = true) =>
  core.handle({ identity, text: words, confirmed });

beforeAll(async () => {
  ({ config, agent, core } = await startAgentWithCore(configFile, logger, 60_000));
  agent.actions.onAudit((entry) => actionAudit.push(entry));
});

afterAll(async () => {
  await agent.stop();
  await removeTestContainers();
  for (const ref of images)
    await testDocker()
      .getImage(ref)
      .remove({ force: true })
      .catch(() => undefined);
  for (const v of volumes)
    await testDocker()
      .getVolume(v)
      .remove()
      .catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('rm (real engine)', () => {
  const name = `dwtest-rm-${suffix}`;
  const named = `dwtest-named-${suffix}`;
  let app: string;
  let id: string;
  let anonymous: string;

  beforeAll(async () => {
    app = await uniqueImage(`dwtest-rmapp-${suffix}`);
    volumes.push(named);
    const c = await testDocker().createContainer({
      name,
      Image: app,
      Cmd: ['sleep', '600'],
      Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId },
      Volumes: { '/anon': {} },
      HostConfig: { Binds: [`${named}:/named`] },
      StopTimeout: 1,
    });
    await c.start();
    id = c.id;
    const info = await c.inspect();
    anonymous = info.Mounts.find((m) => m.Destination === '/anon')?.Name ?? '';
    expect(anonymous).toMatch(/^[0-9a-f]{64}$/);
    await waitFor(async () => agent.revisions.list(name).length === 1, { what: 'its revision', timeoutMs: 20_000 });
  });

  afterAll(() => removeKeepTags([name]));

  it('asks a confirmation, and refuses a running container without --force', async () => {
    expect(await handle(alice, ['rm', name], false)).toMatchObject({
      status: 'confirm',
      text: `rm ${name} needs a confirmation: run it again with --yes.`,
    });
    expect(await handle(alice, ['rm', name])).toMatchObject({
      status: 'failed',
      text: `${name} is running: stop it first (stop ${name}), or use rm --force`,
    });
    expect(await handle(alice, ['rm', name, '--force'])).toMatchObject({ status: 'denied' });
    expect((await testDocker().getContainer(id).inspect()).State.Running).toBe(true);
  });

  it('removes it with --force after confirmation: anonymous volume gone, named kept, revision keep-tagged, no alert', async () => {
    const reply = await handle(fred, ['rm', name, '--force', '--volumes']);
    const tag = keepTag(name, 1).ref;
    expect(reply).toMatchObject({ status: 'ok', title: `Removed ${name}` });
    expect(reply.text).toBe(
      `${name} removed (it was running: forced). Revision 1 stays in history for rollback, its image held by ${tag}. ` +
        `Anonymous volumes removed: ${anonymous.slice(0, 12)}. Named volumes are never removed: ${named}.`,
    );
    await expect(testDocker().getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await volumeExists(anonymous)).toBe(false);
    expect(await volumeExists(named)).toBe(true);
    expect(await imageId(tag)).toBe(await imageId(app));
    expect(agent.revisions.list(name)).toMatchObject([{ revision: 1, keepTag: tag, imageRef: app }]);
    expect(actionAudit.filter((e) => e.action === 'rm').map((e) => `${e.phase} ${e.container} ${e.detail}`)).toEqual([
      `started ${name} undefined`,
      `failed ${name} ${name} is running: stop it first (stop ${name}), or use rm --force`,
      `started ${name} --force --volumes`,
      `succeeded ${name} ${reply.text}`,
    ]);
    const killed = await runTestContainer({ name: 'killed', cmd: ['sleep', '600'] });
    await testDocker().getContainer(killed.id).kill();
    await waitFor(async () => agent.alerts.engine.alerts().some((a) => a.labels.container === killed.name), {
      what: 'the unexpected-stop alert of a container killed behind dockwatch (the rule works)',
      timeoutMs: 15_000,
    });
    expect(agent.alerts.engine.alerts().filter((a) => a.labels.container === name)).toEqual([]);
  });

  it('rm --force on a stopped container needs no role with force (nothing is forced) and is passed on without it', async () => {
    const stopped = await runTestContainer({ name: 'rm-stopped', cmd: ['true'] });
    await waitFor(async () => agent.inventory.all().some((r) => r.id === stopped.id && r.state === 'exited'), {
      what: 'the container to exit',
    });
    const reply = await handle(alice, ['rm', stopped.name, '--force']);
    expect(reply).toMatchObject({ status: 'ok', title: `Removed ${stopped.name}` });
    expect(reply.text).toMatch(new RegExp(`^${stopped.name} removed\\.`));
    await expect(testDocker().getContainer(stopped.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const audited = actionAudit.filter((e) => e.action === 'rm' && e.container === stopped.name);
    expect(audited.map((e) => `${e.phase} ${e.detail}`)[0]).toBe('started undefined');
  });

  it('rmi of the app tag only untags it: the keep tag holds the image, and says so', async () => {
    const before = await imageId(app);
    const reply = await handle(alice, ['rmi', app]);
    expect(reply).toMatchObject({ status: 'ok' });
    expect(reply.text).toBe(
      `Untagged ${app}; image ${before?.slice(7, 19)} stays, held by the keep tag of revision 1 of ${name} ` +
        `(${keepTag(name, 1).ref}).`,
    );
    expect(await imageId(app)).toBeUndefined();
    expect(await imageId(keepTag(name, 1).ref)).toBe(before);
  });

  it('rmi of the keep tag itself is refused (rollback needs it) unless forced by a role with force', async () => {
    const tag = keepTag(name, 1).ref;
    expect(await handle(alice, ['rmi', tag])).toMatchObject({
      status: 'failed',
      text:
        `${tag} is the keep tag of revision 1 of ${name}: rollback to that revision needs it, so it is not ` +
        'removed; use --force (a role with force: true may)',
    });
    expect(await handle(alice, ['rmi', tag, '--force'])).toMatchObject({
      status: 'denied',
      text: expect.stringContaining('--force is not allowed to you') as string,
    });
    const forced = await handle(fred, ['rmi', tag, '--force']);
    expect(forced).toMatchObject({ status: 'ok' });
    expect(forced.text).toContain(
      `removed the keep tag of revision 1 of ${name} (${tag}): rollback to it is no longer possible`,
    );
    expect(await imageId(tag)).toBeUndefined();
    expect(agent.revisions.list(name)[0]?.keepTag).toBeUndefined();
  });
});

describe('rm from ctl while the agent runs on the same data dir', () => {
  const name = `dwtest-rmctl-${suffix}`;

  afterAll(() => removeKeepTags([name]));

  it('ctl removes it; the agent (the revisions writer) keep-tags the revision when it sees it destroyed', async () => {
    const image = await uniqueImage(`dwtest-rmctlapp-${suffix}`);
    const c = await testDocker().createContainer({
      name,
      Image: image,
      Cmd: ['sleep', '600'],
      Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId },
      StopTimeout: 1,
    });
    await c.start();
    await waitFor(async () => agent.revisions.list(name).length === 1, { what: 'its revision', timeoutMs: 20_000 });
    const { stdout } = await run(
      'node',
      [CLI, '--config', configFile, 'ctl', '--as', 'fred', '--yes', 'rm', name, '--force'],
      { timeout: 60_000 },
    );
    expect(stdout).toContain(`${name} removed (it was running: forced). Revision 1 stays in history for rollback`);
    const tag = keepTag(name, 1).ref;
    await waitFor(async () => agent.revisions.list(name)[0]?.keepTag === tag, { what: 'the keep tag in the store' });
    expect(await imageId(tag)).toBe(await imageId(image));
  });
});

describe('rmi (real engine)', () => {
  it('refuses an image in use, naming only the containers the roles cover, and removes it once unused', async () => {
    const image = await uniqueImage(`dwtest-rmi-${suffix}`);
    const user = await runTestContainer({ name: 'rmi-user', cmd: ['sleep', '600'], image: image as never });
    // Not watched by this agent (another run's label over the one the image inherited): counted, never named.
    const other = await testDocker().createContainer({
      Image: image,
      Cmd: ['true'],
      Labels: { [TEST_LABEL]: '1', [TEST_RUN_LABEL]: `${testRunId}-other` },
    });
    await waitFor(async () => agent.inventory.all().some((r) => r.id === user.id), { what: 'the inventory' });
    const hint = 'or use --force (a role with force: true may)';
    expect(await handle(alice, ['rmi', image])).toMatchObject({
      status: 'failed',
      text: `${image} is used by containers ${user.name} and 1 other: remove them first (rm), ${hint}`,
    });
    // erin's rmi role covers no container: neither is named, over the in-process agent and the control API alike.
    const refused = { status: 'failed', text: `${image} is used by 2 containers: remove them first (rm), ${hint}` };
    expect(await handle(erin, ['rmi', image])).toMatchObject(refused);
    const remote = new RemoteAgentClient({ url: `http://127.0.0.1:${agent.address.port}`, name: 'rm-host' });
    try {
      const remoteCore = buildCommandCore({
        bot: config.bot,
        fleet: new StaticFleet([remote]),
        store: agent.store,
        logger,
        actionTimeoutMs: 60_000,
      });
      expect(await remoteCore.handle({ identity: erin, text: ['rmi', image], confirmed: true })).toMatchObject(refused);
      expect(await remoteCore.handle({ identity: alice, text: ['rmi', image], confirmed: true })).toMatchObject({
        text: `${image} is used by containers ${user.name} and 1 other: remove them first (rm), ${hint}`,
      });
    } finally {
      remote.close();
    }
    expect(await imageId(image)).toBeDefined();
    await other.remove({ force: true });
    await testDocker().getContainer(user.id).remove({ force: true });
    const reply = await handle(alice, ['rmi', image]);
    expect(reply).toMatchObject({ status: 'ok' });
    expect(reply.text).toMatch(new RegExp(`^Deleted image [0-9a-f]{12} \\(${image}\\)\\.$`));
    expect(await imageId(image)).toBeUndefined();
    expect(await handle(alice, ['rmi', 'Bad:Ref;rm'])).toMatchObject({ status: 'invalid' });
    expect(await handle(alice, ['rmi', `dwtest-none-${suffix}:v9`])).toMatchObject({
      status: 'failed',
      text: `no image "dwtest-none-${suffix}:v9" on this host`,
    });
  });
});

describe('exec (real engine)', () => {
  let box: { id: string; name: string };

  beforeAll(async () => {
    box = await runTestContainer({
      name: 'exec',
      cmd: ['sh', '-c', 'mkdir -p /etc && echo "listen 80" > /etc/app.conf && exec sleep 600'],
    });
    await waitFor(
      async () =>
        (await testDocker().getContainer(box.id).top()).Processes.some((p: string[]) => p.join(' ').includes('600')),
      { what: 'the container to run', timeoutMs: 10_000 },
    );
    await waitFor(async () => agent.inventory.all().some((r) => r.id === box.id), { what: 'the inventory' });
  });

  it('runs an allowed pattern: output (stdout and stderr) and exit code, audited with its argv', async () => {
    const ok = await handle(alice, ['exec', box.name, '--', 'cat', '/etc/app.conf']);
    expect(ok).toMatchObject({
      status: 'ok',
      title: `exec ["cat","/etc/app.conf"] in ${box.name}: exit code 0`,
      code: { text: 'listen 80\n' },
    });
    const missing = await handle(alice, ['exec', box.name, '--', 'cat', '/etc/none.conf']);
    expect(missing).toMatchObject({
      title: `exec ["cat","/etc/none.conf"] in ${box.name}: exit code 1`,
      code: { text: "cat: can't open '/etc/none.conf': No such file or directory\n" },
    });
    const bot = new AuditLog(agent.store, logger, Date.now).last(100);
    expect(bot.filter((e) => e.event === 'succeeded' && e.command.startsWith('exec')).map((e) => e.detail)).toEqual([
      `exec ["cat","/etc/app.conf"] in ${box.name}: exit code 0`,
      `exec ["cat","/etc/none.conf"] in ${box.name}: exit code 1`,
    ]);
    expect(actionAudit.filter((e) => e.action === 'exec' && e.phase === 'succeeded').map((e) => e.detail)).toEqual([
      '["cat","/etc/app.conf"]: exit 0, 10 bytes of output',
      '["cat","/etc/none.conf"]: exit 1, 60 bytes of output',
    ]);
  });

  it('refuses ;, $( ), backticks and -- tricks with the patterns; nothing reaches the engine', async () => {
    const before = actionAudit.length;
    for (const words of [
      ['ps;', 'rm', '-rf', '/'],
      ['cat', '/etc/app.conf;id'],
      ['cat', '$(id).conf'],
      ['cat', '/etc/`id`/x.conf'],
      ['--', 'ps'],
      ['-c', 'ps'],
      ['ps', '&&', 'id'],
    ]) {
      const reply = await handle(alice, ['exec', box.name, '--', ...words]);
      expect({ words, status: reply.status }).toEqual({ words, status: 'denied' });
    }
    const refused = await handle(alice, ['exec', box.name, '--', 'sh', '-c', 'id']);
    expect(refused.text).toBe(
      'exec of ["sh","-c","id"] matches none of your exec patterns; you may run: `cat /etc/*.conf`, `sleep 300`, `ps`',
    );
    expect(actionAudit.length).toBe(before);
  });

  it('kills the process at bot.execTimeout: it is gone from the container afterwards', async () => {
    const reply = await handle(alice, ['exec', box.name, '--', 'sleep', '300']);
    expect(reply).toMatchObject({ status: 'ok', title: `exec ["sleep","300"] in ${box.name}: killed` });
    expect(reply.text).toMatch(
      /killed after 2s \(bot\.execTimeout\): SIGKILL to host PID \d+ from the agent; exit code 137/,
    );
    const top = await testDocker().getContainer(box.id).top();
    expect(top.Processes.filter((p: string[]) => p.join(' ').includes('sleep 300'))).toEqual([]);
  });

  it("denies a role without exec patterns even with commands: ['*']", async () => {
    expect(await handle(root, ['exec', box.name, '--', 'ps'])).toMatchObject({
      status: 'denied',
      text: 'no role of console:root (admin) lists exec patterns (roles.<role>.exec); exec needs them',
    });
  });

  it('runs over the control API too (RemoteAgentClient), with the body validated', async () => {
    const remote = new RemoteAgentClient({ url: `http://127.0.0.1:${agent.address.port}`, name: 'rm-host' });
    try {
      const signal = new AbortController().signal;
      const outcome = await remote.exec(box.id, ['cat', '/etc/app.conf'], { by: 'test', signal, timeoutMs: 5000 });
      expect(outcome).toMatchObject({ exitCode: 0, output: 'listen 80\n', timedOut: false });
      await expect(remote.exec(box.id, ['-x'], { by: 'test', signal, timeoutMs: 5000 })).rejects.toThrow(
        'argv: the program "-x" must not be empty or start with "-"',
      );
      await expect(remote.removeImage('Bad;Ref', { by: 'test', signal, force: false, nameable: [] })).rejects.toThrow(
        /image: invalid image reference "Bad;Ref"/,
      );
      await expect(
        remote.removeImage('app:v1', { by: 'test', signal, force: false, nameable: ['web'] }),
      ).rejects.toThrow('nameable: a list of at most 10000 full container IDs (64 hex digits)');
    } finally {
      remote.close();
    }
  });

  it('on the console, everything after -- is the command (built CLI)', async () => {
    const { stdout } = await run(
      'node',
      [CLI, '--config', configFile, 'ctl', '--as', 'alice', 'exec', box.name, '--', 'cat', '/etc/app.conf'],
      { timeout: 60_000 },
    );
    expect(stdout).toContain('listen 80');
    expect(stdout).toContain('exit code 0');
  });
});
