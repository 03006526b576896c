import { randomBytes } from 'node:crypto';
import type { ContainerInspectInfo } from 'dockerode';
import type { ActionAuditEntry, RollbackProgress } from '../../agent/actions/containerActions';
import { createSpecFromInspect } from '../../agent/revisions/createSpec';
import { versionDifferences } from '../../agent/revisions/revisionDiff';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { removeTestContainers, TEST_IMAGE_V1, TEST_IMAGE_V2, testDocker, waitFor } from '../support/engine';
import { docker, dockerRun } from '../support/dockerRun';
import { removeKeepTags } from '../support/keepTags';

const unique = () => randomBytes(3).toString('hex');
const inspect = (name: string) => testDocker().getContainer(name).inspect();
const version = (info: ContainerInspectInfo) => ({ imageId: info.Image, spec: createSpecFromInspect(info) });

describe('revisions and rollback on the real engine', () => {
  let agent: TestAgent;
  const suffix = unique();
  const volume = `dwtest-rb-vol-${suffix}`;
  const network = `dwtest-rb-net-${suffix}`;
  const names: string[] = [];
  const audit: ActionAuditEntry[] = [];

  beforeAll(async () => {
    await docker('volume', 'create', volume);
    await docker('network', 'create', network);
    agent = await startTestAgent(
      [
        'alerts:',
        '  groupWait: 100ms',
        '  rules:',
        '    - { name: stopped, kind: event, event: unexpected-stop }',
      ].join('\n'),
    );
    agent.agent.actions.onAudit((entry) => audit.push(entry));
  }, 30_000);

  afterAll(async () => {
    await agent?.stop();
    await removeTestContainers();
    await removeKeepTags(names);
    await docker('network', 'rm', network).catch(() => undefined);
    await docker('volume', 'rm', volume).catch(() => undefined);
  });

  const revisionOf = (name: string, revision: number) =>
    waitFor(
      async () =>
        agent.agent.revisions.latest(name)?.revision === revision &&
        (revision === 1 || agent.agent.revisions.get(name, revision - 1)?.keepTag !== undefined),
      { what: `revision ${revision} of ${name}, the one before it tagged` },
    );

  it('records v1 and v2, then rolls back to v1 with the same config and the volume data intact', async () => {
    const name = `dwtest-rb-app-${suffix}`;
    names.push(name);
    const options = [
      ...['-e', 'GREETING=hello', '-e', 'API_TOKEN=s3cret'],
      ...['-p', '127.0.0.1::8080', '-v', `${volume}:/data`, '--label', 'app=demo'],
      ...['--network', network, '--network-alias', 'web', '--restart', 'unless-stopped', '--memory', '32m'],
      ...['--stop-timeout', '1'],
    ];
    const cmd = ['sh', '-c', 'cat /VERSION >> /data/boots; exec sleep 3600'];
    await dockerRun(name, TEST_IMAGE_V1, options, cmd);
    await revisionOf(name, 1);
    const v1 = await inspect(name);

    await docker('rm', '-f', name);
    await dockerRun(name, TEST_IMAGE_V2, options, cmd);
    await revisionOf(name, 2);
    const history = await agent.agent.actions.history(name);
    expect(history.map((h) => [h.revision, h.current, h.changes, h.kept])).toEqual([
      [2, true, ['Image'], true],
      [1, false, [], true],
    ]);

    const progress: RollbackProgress[] = [];
    const result = await agent.agent.actions.rollback(name, {
      requestedBy: 'alice',
      onProgress: (p) => progress.push(p),
    });

    expect(result).toMatchObject({ outcome: 'rolled-back', fromRevision: 2, toRevision: 1, newRevision: 3 });
    expect(progress.filter((p) => p.status === 'done').map((p) => p.step)).toEqual([
      'choose',
      'stop',
      'rename',
      'create',
      'start',
      'wait',
      'remove-old',
    ]);
    expect(progress[0]?.detail).toMatch(/^revision 1 \(dockwatch-test\/busybox:1\): the newest earlier one/);
    const now = await inspect(name);
    expect(now.Id).toBe(result.containerId);
    expect(now.Image).toBe(v1.Image);
    expect(versionDifferences(version(v1), version(now))).toEqual([]);
    expect(now.Config.Env).toEqual(expect.arrayContaining(['GREETING=hello', 'API_TOKEN=s3cret']));
    expect(now.Config.Labels.app).toBe('demo');
    expect(now.NetworkSettings.Networks[network]?.Aliases).toContain('web');
    expect(now.NetworkSettings.Ports['8080/tcp']?.[0]?.HostIp).toBe('127.0.0.1');
    expect(await docker('exec', name, 'cat', '/VERSION', '/data/boots')).toBe('1\n1\n2\n1');
    expect(await docker('ps', '-a', '--filter', `name=${name}-dockwatch-old`, '--format', '{{.Names}}')).toBe('');
    await revisionOf(name, 3);
    expect(agent.agent.revisions.latest(name)?.note).toBe('rollback to revision 1');

    expect(audit.filter((a) => a.container === name).map((a) => [a.action, a.phase, a.requestedBy])).toEqual([
      ['rollback', 'started', 'alice'],
      ['rollback', 'succeeded', 'alice'],
    ]);
    expect(JSON.stringify([audit, progress, result])).not.toContain('s3cret');
  });

  it('restores the replaced container when the rolled-back revision fails its healthcheck', async () => {
    const name = `dwtest-rb-health-${suffix}`;
    names.push(name);
    const options = ['--health-cmd', 'grep -q 2 /VERSION', '--health-interval', '1s', '--health-retries', '1'];
    options.push('--stop-timeout', '1');
    await dockerRun(name, TEST_IMAGE_V1, options, ['sleep', '3600']);
    await revisionOf(name, 1);
    await docker('rm', '-f', name);
    const v2Id = await dockerRun(name, TEST_IMAGE_V2, options, ['sleep', '3600']);
    await revisionOf(name, 2);

    const progress: RollbackProgress[] = [];
    const result = await agent.agent.actions.rollback(name, {
      toRevision: 1,
      timeoutMs: 30_000,
      onProgress: (p) => progress.push(p),
    });

    expect(result.outcome).toBe('restored');
    expect(result.message).toMatch(
      /failed at wait: the health check failed \(unhealthy\); the previous container is back/,
    );
    expect(progress.filter((p) => p.status !== 'started').map((p) => `${p.step}:${p.status}`)).toEqual([
      'stop:done',
      'rename:done',
      'create:done',
      'start:done',
      'wait:failed',
      'remove-new:done',
      'rename-back:done',
      'start-old:done',
    ]);
    const back = await inspect(name);
    expect(back.Id).toBe(v2Id);
    expect(back.State.Running).toBe(true);
    expect(await docker('ps', '-a', '--filter', `name=${name}`, '--format', '{{.Names}}')).toBe(name);
    expect(agent.agent.revisions.latest(name)?.revision).toBe(2);
    expect(audit.filter((a) => a.container === name).map((a) => a.phase)).toEqual(['started', 'failed']);
  });

  it('stops and starts through the actions without an unexpected-stop alert, unlike docker stop', async () => {
    const mine = `dwtest-rb-stop-${suffix}`;
    const other = `dwtest-rb-other-${suffix}`;
    const mineId = await dockerRun(mine, TEST_IMAGE_V1, [], ['sleep', '3600']);
    await dockerRun(other, TEST_IMAGE_V1, [], ['sleep', '3600']);
    await waitFor(async () => agent.agent.inventory.get(mineId), { what: 'the container in the inventory' });

    const stopped = await agent.agent.actions.stop(mine, { timeoutSeconds: 1 });
    expect(stopped.state).toBe('exited');
    await docker('stop', '-t', '1', other);
    const firing = () => agent.agent.alerts.engine.alerts().filter((a) => a.rule === 'stopped');
    await waitFor(async () => firing().some((a) => a.labels.container === other), { what: 'the docker stop alert' });
    expect(firing().map((a) => a.labels.container)).not.toContain(mine);

    expect((await agent.agent.actions.start(mine)).state).toBe('running');
    await expect(agent.agent.actions.restart(`${mine}; rm -rf /`)).rejects.toThrow(/no container named/);
  });
});
