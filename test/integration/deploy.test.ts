import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerInspectInfo } from 'dockerode';
import type { ActionAuditEntry, DeployProgress } from '../../agent/actions/containerActions';
import { createLogger } from '../../shared/logger';
import { openStore } from '../../agent/store/database';
import { buildCommandCore } from '../../bot';
import { AuditLog } from '../../bot/core/audit';
import { RemoteAgentClient } from '../../bot/remoteAgentClient';
import { StaticFleet } from '../../bot/staticFleet';
import { loadConfig } from '../../config/load';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { runCtl } from '../support/ctlProcess';
import { removeTestContainers, TEST_LABEL, TEST_RUN_LABEL, testDocker, testRunId, waitFor } from '../support/engine';
import { docker, dockerRun } from '../support/dockerRun';
import { removeKeepTags } from '../support/keepTags';
import {
  pushTestApp,
  pushTestAppAs,
  startRegistry,
  type PushedTestApp,
  type RunningRegistry,
} from '../support/registry';

const inspect = (name: string) => testDocker().getContainer(name).inspect();
const suffix = randomBytes(3).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'dockwatch-deploy-'));
const configFile = join(dir, 'ctl.yaml');
const dataDir = join(dir, 'data');

/** `dockwatch ctl --as USER ...` (the built CLI) on the agent's data dir. */
function ctl(user: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return ctlWith(configFile, user, ...args);
}

/** `dockwatch ctl --as USER ...` with another config file, its stdout and stderr as one text. */
async function ctlWith(file: string, user: string, ...args: string[]): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await runCtl(file, user, ...args);
  return { code, out: stdout + stderr };
}

/**
 * Every field of inspect that neither identifies this container instance (ids, paths, times, state, the engine's
 * hostname) nor follows from the image (Cmd and so Path/Args, healthcheck, env and labels, compared apart).
 */
function ownSettings(info: ContainerInspectInfo): Record<string, unknown> {
  const copy = structuredClone(info) as unknown as Record<string, unknown> & {
    Config: Record<string, unknown>;
    NetworkSettings: { Networks: Record<string, Record<string, unknown>> };
  };
  for (const key of [
    'Id',
    'Created',
    'Path',
    'Args',
    'State',
    'Image',
    'ResolvConfPath',
    'HostnamePath',
    'HostsPath',
  ]) {
    delete copy[key];
  }
  for (const key of ['LogPath', 'GraphDriver', 'RestartCount', 'ExecIDs']) delete copy[key];
  for (const key of ['Hostname', 'Image', 'Cmd', 'Healthcheck', 'Env', 'Labels']) delete copy.Config[key];
  const networks: Record<string, unknown> = {};
  for (const [name, n] of Object.entries(copy.NetworkSettings.Networks)) {
    const aliases = ((n.Aliases as string[] | null) ?? []).filter((a) => a !== info.Id.slice(0, 12)).sort();
    // An IPAMConfig without addresses ({} after `docker network connect`, null after an API create) asks for nothing.
    const ipam = n.IPAMConfig as Record<string, unknown> | null;
    const requested = ipam && Object.values(ipam).some((v) => v !== '' && v !== null) ? ipam : null;
    networks[name] = { aliases, ipam: requested, ...(requested ? { ip: n.IPAddress } : {}) };
  }
  copy.NetworkSettings = { Networks: networks } as never;
  return copy;
}

describe('deploy with a health gate (real engine, real registry)', () => {
  let registry: RunningRegistry;
  let app: PushedTestApp;
  let agent: TestAgent;
  const repo = `dwtest/deploy-${suffix}`;
  const web = `dwtest-deploy-web-${suffix}`;
  const api = `dwtest-deploy-api-${suffix}`;
  const front = `dwtest-deploy-front-${suffix}`;
  const back = `dwtest-deploy-back-${suffix}`;
  const volume = `dwtest-deploy-vol-${suffix}`;
  const subnet = `10.214.${randomBytes(1)[0] ?? 9}.0/24`;
  const staticIp = subnet.replace(/0\/24$/, '42');
  const audit: ActionAuditEntry[] = [];
  const anonymous: string[] = [];
  let deployedId = '';

  beforeAll(async () => {
    registry = await startRegistry();
    app = await pushTestApp(registry, repo);
    await docker('network', 'create', '--subnet', subnet, front);
    await docker('network', 'create', back);
    await docker('volume', 'create', volume);
    agent = await startTestAgent(
      [
        'agent:',
        `  dataDir: ${JSON.stringify(dataDir)}`,
        'revisions: { rollbackTimeout: 30s }',
        'containers:',
        `  include: { labels: { ${TEST_RUN_LABEL}: "${testRunId}" } }`,
      ].join('\n'),
    );
    agent.agent.actions.onAudit((entry) => audit.push(entry));
    writeFileSync(
      configFile,
      [
        'agent:',
        `  dataDir: ${JSON.stringify(dataDir)}`,
        '  hostName: deploy-host',
        'containers:',
        `  include: { labels: { ${TEST_RUN_LABEL}: "${testRunId}" } }`,
        'revisions: { rollbackTimeout: 30s }',
        'bot:',
        '  roles:',
        '    deployer: { commands: [ps, history, deploy] }',
        '    operator: { commands: [ps, history, restart, rollback] }',
        '  members:',
        '    - { role: deployer, consoleUsers: [alice] }',
        '    - { role: operator, consoleUsers: [bob] }',
      ].join('\n'),
    );
  }, 180_000);

  afterAll(async () => {
    await agent?.stop();
    await removeTestContainers();
    await removeKeepTags([web, api]);
    for (const n of [front, back]) await docker('network', 'rm', n).catch(() => undefined);
    for (const v of [volume, ...anonymous]) await docker('volume', 'rm', v).catch(() => undefined);
    const refs = Object.values(app?.versions ?? {}).map((v) => v.ref);
    await docker('rmi', '--no-prune', ...refs, `${app?.name}:stable`).catch(() => undefined);
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploys v1 → v2: its own settings kept, the rest from v2, the volume data intact', async () => {
    const options = [
      ...['-e', 'GREETING=hello', '-e', 'API_TOKEN=s3cret', '-e', 'APP_MODE=custom'],
      ...['-p', '127.0.0.1::8080', '-v', `${volume}:/data`, '--label', 'app=demo'],
      ...['--network', front, '--network-alias', 'web', '--ip', staticIp],
      ...['--restart', 'unless-stopped', '--memory', '32m', '--stop-timeout', '1'],
    ];
    await dockerRun(web, app.versions.v1.ref, options);
    await docker('network', 'connect', '--alias', 'web-back', back, web);
    await docker('exec', web, 'sh', '-c', 'echo kept > /data/file');
    const v1 = await inspect(web);
    expect(v1.Config.Env).toEqual(expect.arrayContaining(['APP_VERSION=1', 'APP_MODE=custom']));

    const progress: DeployProgress[] = [];
    const result = await agent.agent.actions.deploy(web, {
      image: app.versions.v2.ref,
      requestedBy: 'alice',
      onProgress: (p) => progress.push(p),
    });

    expect(result).toMatchObject({ outcome: 'deployed', fromRevision: 1, newRevision: 2, image: app.versions.v2.ref });
    expect(result.steps.filter((p) => p.status === 'done').map((p) => p.step)).toEqual([
      'pull',
      'record',
      'stop',
      'rename',
      'create',
      'start',
      'wait',
      'remove-old',
    ]);
    expect(progress.find((p) => p.step === 'wait' && p.status === 'done')?.detail).toBe('running and healthy');
    const v2 = await inspect(web);
    deployedId = v2.Id;
    expect(v2.Id).toBe(result.containerId);
    expect(v2.Image).toBe(app.versions.v2.imageId);
    expect(v2.Config.Image).toBe(app.versions.v2.ref);
    expect(ownSettings(v2)).toEqual(ownSettings(v1));
    expect(v2.Config.Cmd).toEqual(['sh', '-c', 'echo v2 up; sleep 3600']);
    expect(v2.Config.Healthcheck?.Test).toEqual(['CMD-SHELL', 'true']);
    expect(v2.State.Health?.Status).toBe('healthy');
    expect([...(v2.Config.Env ?? [])].sort()).toEqual(
      ['API_TOKEN=s3cret', 'APP_MODE=custom', 'APP_VERSION=2', 'GREETING=hello', ...pathOf(v2)].sort(),
    );
    expect(v2.Config.Labels).toEqual({
      [TEST_LABEL]: '1',
      [TEST_RUN_LABEL]: testRunId,
      app: 'demo',
      'app.version': '2',
      'app.only-v2': 'yes',
      'dockwatch.test.image': '1',
    });
    expect(v2.NetworkSettings.Networks[front]?.IPAddress).toBe(staticIp);
    expect(v2.NetworkSettings.Networks[back]?.Aliases).toContain('web-back');
    expect(v2.HostConfig.Memory).toBe(32 * 1024 * 1024);
    expect(v2.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(await docker('exec', web, 'cat', '/data/file', '/app/version')).toBe('kept\nv2');
    expect(await docker('ps', '-a', '--filter', `name=${web}-dockwatch-old`, '--format', '{{.Names}}')).toBe('');

    await waitFor(async () => agent.agent.revisions.latest(web)?.revision === 2, { what: 'revision 2 recorded' });
    const history = await agent.agent.actions.history(web);
    expect(history.map((h) => [h.revision, h.current, h.imageRef])).toEqual([
      [2, true, app.versions.v2.ref],
      [1, false, app.versions.v1.ref],
    ]);
    expect(agent.agent.revisions.latest(web)?.note).toBe(`deploy of ${app.versions.v2.ref}`);
    expect(audit.filter((a) => a.container === web).map((a) => [a.action, a.phase, a.requestedBy])).toEqual([
      ['deploy', 'started', 'alice'],
      ['deploy', 'succeeded', 'alice'],
    ]);
    expect(JSON.stringify([audit, progress, result])).not.toContain('s3cret');
  });

  it('deploys v3, whose healthcheck fails: v2 comes back by itself with the reason, and no v3 revision', async () => {
    const result = await agent.agent.actions.deploy(web, { image: app.versions.v3.ref, timeoutMs: 30_000 });

    expect(result.outcome).toBe('restored');
    expect(result.reason).toMatchObject({ step: 'wait', message: 'the health check failed (unhealthy)' });
    expect(result.reason?.health).toBe('v3 not ready');
    expect(result.reason?.logs).toContain('v3 starting');
    expect(result.message).toMatch(/failed at wait: the health check failed \(unhealthy\); revision 2 is back$/);
    expect(result.steps.filter((p) => p.status !== 'started').map((p) => `${p.step}:${p.status}`)).toEqual([
      'pull:done',
      'record:done',
      'stop:done',
      'rename:done',
      'create:done',
      'start:done',
      'wait:failed',
      'remove-new:done',
      'rename-back:done',
      'start-old:done',
    ]);
    const back = await inspect(web);
    expect(back.Id).toBe(deployedId);
    expect(back.State.Running).toBe(true);
    expect(await docker('ps', '-a', '--filter', `name=${web}`, '--format', '{{.Names}}')).toBe(web);
    expect(agent.agent.revisions.list(web).map((r) => [r.revision, r.imageRef])).toEqual([
      [2, app.versions.v2.ref],
      [1, app.versions.v1.ref],
    ]);
    expect((await agent.agent.actions.history(web))[0]).toMatchObject({ revision: 2, current: true });
  });

  it('on the console: needs --yes, denies a role without deploy, says up to date, then deploys the moved tag (its anonymous volume kept)', async () => {
    const stable = `${app.name}:stable`;
    await pushTestAppAs(registry, repo, 'v1', 'stable');
    await dockerRun(api, stable, ['-e', 'APP_VERSION=7', '-v', '/cache', '--stop-timeout', '1']);
    const before = await inspect(api);
    const cache = before.Mounts.find((m) => m.Destination === '/cache')?.Name ?? '';
    anonymous.push(cache);
    await docker('exec', api, 'sh', '-c', 'echo cached > /cache/file');
    await waitFor(async () => agent.agent.revisions.latest(api)?.revision === 1, { what: 'revision 1 of api' });

    const unconfirmed = await ctl('alice', 'deploy', api);
    expect(unconfirmed.out).toContain(`deploy ${api} needs a confirmation: run it again with --yes.`);
    const denied = await ctl('bob', '--yes', 'deploy', api, app.versions.v2.ref);
    expect(denied.code).toBe(3);
    expect(denied.out).toContain('no role of console:bob (operator) allows deploy');
    expect((await inspect(api)).Id).toBe(before.Id);

    const same = await ctl('alice', '--yes', 'deploy', api);
    expect(same).toMatchObject({ code: 0 });
    expect(same.out).toContain(`${api} is up to date: ${stable} still names the image it runs`);
    expect((await inspect(api)).Id).toBe(before.Id);

    await pushTestAppAs(registry, repo, 'v2', 'stable');
    const moved = await ctl('alice', '--yes', 'deploy', api);
    expect(moved).toMatchObject({ code: 0 });
    expect(moved.out).toContain(`Deployed ${api}`);
    expect(moved.out).toContain(`${api} now runs ${stable}`);
    const after = await inspect(api);
    expect(after.Id).not.toBe(before.Id);
    expect(after.Image).toBe(app.versions.v2.imageId);
    expect(after.Config.Image).toBe(stable);
    expect(after.Config.Env).toContain('APP_VERSION=7');
    expect(after.State.Health?.Status).toBe('healthy');
    expect(after.Mounts.find((m) => m.Destination === '/cache')?.Name).toBe(cache);
    expect(await docker('exec', api, 'cat', '/cache/file')).toBe('cached');
    await waitFor(async () => agent.agent.revisions.latest(api)?.revision === 2, {
      what: 'the agent to record the deploy ctl made',
    });
    expect(agent.agent.revisions.latest(api)?.note).toBe(`deploy of ${stable}`);
  });
});

describe('a failed deploy shows its log lines only to a role that may read logs (real engine, real registry)', () => {
  it('over ctl (in process) and over the control API (RemoteAgentClient), with deploy but not logs, and with both', async () => {
    const web = `dwtest-deploy-gate-${suffix}`;
    const gateDir = mkdtempSync(join(tmpdir(), 'dockwatch-deploy-gate-'));
    const gateConfig = join(gateDir, 'ctl.yaml');
    const agentYaml = [
      'agent:',
      `  dataDir: ${JSON.stringify(join(gateDir, 'data'))}`,
      '  hostName: gate-host',
      'containers:',
      `  include: { labels: { ${TEST_RUN_LABEL}: "${testRunId}" } }`,
    ];
    writeFileSync(
      gateConfig,
      [
        ...agentYaml,
        'bot:',
        '  roles:',
        '    deployer: { commands: [ps, deploy] }',
        '    reader: { commands: [logs] }',
        '  members:',
        '    - { role: deployer, consoleUsers: [alice, carol] }',
        '    - { role: reader, consoleUsers: [carol] }',
      ].join('\n'),
    );
    const registry = await startRegistry();
    const store = openStore(':memory:');
    const agent = await startTestAgent(agentYaml.join('\n'));
    try {
      const app = await pushTestApp(registry, `dwtest/gate-${suffix}`);
      await dockerRun(web, app.versions.v2.ref, ['--stop-timeout', '1']);
      await waitFor(async () => agent.agent.revisions.latest(web)?.revision === 1, { what: 'revision 1 recorded' });
      const failed = `failed at wait: the health check failed (unhealthy); revision 1 is back`;
      const left = `The failed container's last log lines are left out: your roles do not allow logs on ${web}.`;

      const viaCtl = await ctlWith(
        gateConfig,
        'alice',
        '--yes',
        'deploy',
        web,
        app.versions.v3.ref,
        '--timeout',
        '30s',
      );
      expect(viaCtl.code).not.toBe(0);
      expect(viaCtl.out).toContain(failed);
      expect(viaCtl.out).toContain('last health check: v3 not ready');
      expect(viaCtl.out).toContain(left);
      expect(viaCtl.out).not.toContain('v3 starting');

      const config = loadConfig({ file: gateConfig, env: {} });
      const remote = new RemoteAgentClient({ url: agent.url });
      const logger = createLogger({ level: 'error', format: 'text', silent: true });
      const core = buildCommandCore({ bot: config.bot, fleet: new StaticFleet([remote]), store, logger });
      try {
        await waitFor(async () => (await remote.containers()).some((r) => r.name === web), { what: 'web listed' });
        const deploy = (userId: string) =>
          core.handle({
            identity: { platform: 'console', userId },
            text: ['deploy', web, app.versions.v3.ref, '--timeout', '30s'],
            confirmed: true,
          });
        const alice = await deploy('alice');
        expect(alice.status).toBe('failed');
        expect(alice.text).toContain(failed);
        expect(alice.text).toContain('last health check: v3 not ready');
        expect(alice.text).toContain(left);
        expect(alice.text).not.toContain('v3 starting');
        const carol = await deploy('carol');
        expect(carol.status).toBe('failed');
        expect(carol.text).toContain(failed);
        expect(carol.text).toMatch(/last health check: v3 not ready; last log lines:\n(.*\n)*v3 starting/);
        expect(carol.text).not.toContain('left out');
        const audited = new AuditLog(store, logger, Date.now).last(20).filter((e) => e.event === 'failed');
        expect(audited.map((e) => [e.userId, e.detail.includes('v3 starting')])).toEqual([
          ['alice', false],
          ['carol', true],
        ]);
      } finally {
        remote.close();
      }
      expect((await inspect(web)).Config.Image).toBe(app.versions.v2.ref);
      await docker('rmi', '--no-prune', ...Object.values(app.versions).map((v) => v.ref)).catch(() => undefined);
    } finally {
      await agent.stop();
      await removeTestContainers();
      await removeKeepTags([web]);
      store.close();
      await registry.stop();
      rmSync(gateDir, { recursive: true, force: true });
    }
  }, 180_000);
});

/** The PATH the image gives (busybox-based test images may have none). */
function pathOf(info: ContainerInspectInfo): string[] {
  return (info.Config.Env ?? []).filter((e) => e.startsWith('PATH='));
}
