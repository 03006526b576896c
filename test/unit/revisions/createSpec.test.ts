import { createOptions, createSpecFromInspect, secondaryNetworks } from '../../../agent/revisions/createSpec';
import { inspectFixture } from './inspectFixture';

describe('createSpecFromInspect (captured payloads)', () => {
  const info = inspectFixture('inspect-cli-run.json');
  const spec = createSpecFromInspect(info);

  it('keeps what docker run was given', () => {
    expect(spec.config).toEqual({
      User: '0',
      ExposedPorts: { '80/tcp': {} },
      Env: ['SECRET_TOKEN=hunter2', 'FOO=bar'],
      Cmd: ['sleep', '600'],
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 5_000_000_000 },
      WorkingDir: '/tmp',
      Labels: { app: 'demo', 'dockwatch.test': '1' },
      StopSignal: 'SIGINT',
      StopTimeout: 7,
    });
    expect(spec.hostConfig).toMatchObject({
      Binds: ['dwtest-fixture-vol:/data'],
      PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] },
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      NetworkMode: 'dwtest-fixture-net',
      Memory: 32 * 1024 * 1024,
      NanoCpus: 500_000_000,
      CapAdd: ['CAP_NET_ADMIN'],
      CapDrop: ['CAP_MKNOD'],
      LogConfig: { Type: 'json-file', Config: {} },
    });
  });

  it('leaves out output-only and unset fields: the engine hostname, masked paths, zeros, nulls', () => {
    expect(spec.config).not.toHaveProperty('Hostname');
    expect(spec.config).not.toHaveProperty('Image');
    for (const key of ['MaskedPaths', 'ReadonlyPaths', 'ConsoleSize', 'CpuShares', 'VolumesFrom', 'Privileged']) {
      expect(spec.hostConfig).not.toHaveProperty(key);
    }
  });

  it('keeps network aliases but not the engine-added short ID alias', () => {
    expect(spec.networks).toEqual({ 'dwtest-fixture-net': { aliases: ['web'] } });
  });

  it('builds the create body for the original name and image, on the primary network', () => {
    const body = createOptions(spec, 'app', 'dockwatch-test/busybox:1');
    expect(body).toMatchObject({
      name: 'app',
      Image: 'dockwatch-test/busybox:1',
      Env: ['SECRET_TOKEN=hunter2', 'FOO=bar'],
      HostConfig: { NetworkMode: 'dwtest-fixture-net', Binds: ['dwtest-fixture-vol:/data'] },
      NetworkingConfig: { EndpointsConfig: { 'dwtest-fixture-net': { Aliases: ['web'] } } },
    });
    expect(secondaryNetworks(spec)).toEqual([]);
  });

  it('keeps a hostname the user chose and connects extra networks after create', () => {
    const custom = structuredClone(info);
    custom.Config.Hostname = 'web-1';
    (custom.NetworkSettings.Networks as Record<string, unknown>).back = { Aliases: ['db-client'], IPAMConfig: null };
    const s = createSpecFromInspect(custom);
    expect(s.config.Hostname).toBe('web-1');
    expect(secondaryNetworks(s)).toEqual([['back', { aliases: ['db-client'] }]]);
  });

  it('records no network attachments for host networking', () => {
    const host = structuredClone(info);
    host.HostConfig.NetworkMode = 'host';
    (host.NetworkSettings as { Networks: unknown }).Networks = { host: { Aliases: null } };
    expect(createSpecFromInspect(host).networks).toEqual({});
    expect(createOptions(createSpecFromInspect(host), 'x', 'i')).not.toHaveProperty('NetworkingConfig');
  });
});
