import { deploySpec, type ImageDefaults } from '../../../agent/actions/deploySpec';
import { createSpecFromInspect, type CreateSpec } from '../../../agent/revisions/createSpec';
import { inspectFixture } from '../revisions/inspectFixture';

const S = 1_000_000_000;

/** An image like app:v1: env defaults, a CMD, a healthcheck, labels, an exposed port and a volume. */
const oldImage: ImageDefaults = {
  Env: ['PATH=/usr/bin:/bin', 'APP_VERSION=1', 'MODE=prod'],
  Cmd: ['serve', '--port', '8080'],
  Entrypoint: null,
  Healthcheck: { Test: ['CMD', 'check'], Interval: 2 * S, Retries: 3 },
  User: 'app',
  WorkingDir: '/srv',
  StopSignal: 'SIGTERM',
  Labels: { 'org.opencontainers.image.version': '1', maintainer: 'team' },
  ExposedPorts: { '8080/tcp': {} },
  Volumes: { '/cache': {} },
};

/** What inspect shows for `docker run` of that image with no options beyond `--name`. */
function inherited(extra: Record<string, unknown> = {}, hostConfig: Record<string, unknown> = {}): CreateSpec {
  return {
    config: {
      Env: [...(oldImage.Env ?? [])],
      Cmd: oldImage.Cmd,
      Healthcheck: oldImage.Healthcheck,
      User: 'app',
      WorkingDir: '/srv',
      StopSignal: 'SIGTERM',
      Labels: { ...oldImage.Labels },
      ExposedPorts: { '8080/tcp': {} },
      Volumes: { '/cache': {} },
      ...extra,
    },
    hostConfig: { NetworkMode: 'bridge', ...hostConfig },
    networks: { bridge: {} },
  };
}

describe('deploySpec: what a deploy keeps and what the new image gives', () => {
  it('leaves everything that came from the old image unset, so the new image decides', () => {
    expect(deploySpec(inherited(), oldImage).config).toEqual({});
  });

  it('keeps env the user set: a new key, or another value than the image default; drops equal defaults', () => {
    const spec = inherited({ Env: ['PATH=/usr/bin:/bin', 'APP_VERSION=1', 'MODE=dev', 'API_TOKEN=s3cret'] });
    expect(deploySpec(spec, oldImage).config.Env).toEqual(['MODE=dev', 'API_TOKEN=s3cret']);
  });

  it('keeps a Cmd the user gave and drops one equal to the image', () => {
    expect(deploySpec(inherited({ Cmd: ['sh', '-c', 'run'] }), oldImage).config.Cmd).toEqual(['sh', '-c', 'run']);
    expect(deploySpec(inherited(), oldImage).config).not.toHaveProperty('Cmd');
  });

  it('keeps an explicit entrypoint and then its Cmd too (the engine takes no image Cmd with an entrypoint)', () => {
    const spec = inherited({ Entrypoint: ['/bin/sh', '-c'], Cmd: oldImage.Cmd });
    const { config } = deploySpec(spec, oldImage);
    expect(config.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(config.Cmd).toEqual(oldImage.Cmd);
  });

  it('drops an entrypoint equal to the old image one', () => {
    const image = { ...oldImage, Entrypoint: ['/entry.sh'] };
    const spec = inherited({ Entrypoint: ['/entry.sh'], Cmd: ['other'] });
    expect(deploySpec(spec, image).config).toMatchObject({ Cmd: ['other'] });
    expect(deploySpec(spec, image).config).not.toHaveProperty('Entrypoint');
  });

  it('keeps healthcheck fields the user set and unsets those equal to the image, one by one', () => {
    const own = { Test: ['CMD-SHELL', 'curl -f localhost'], Interval: 5 * S, Retries: 3 };
    expect(deploySpec(inherited({ Healthcheck: own }), oldImage).config.Healthcheck).toEqual({
      Test: ['CMD-SHELL', 'curl -f localhost'],
      Interval: 5 * S,
    });
    const onlyInterval = { ...oldImage.Healthcheck, Interval: 1 * S };
    expect(deploySpec(inherited({ Healthcheck: onlyInterval }), oldImage).config.Healthcheck).toEqual({
      Interval: 1 * S,
    });
  });

  it('keeps --no-healthcheck', () => {
    const spec = inherited({ Healthcheck: { Test: ['NONE'] } });
    expect(deploySpec(spec, oldImage).config.Healthcheck).toEqual({ Test: ['NONE'] });
  });

  it('keeps a healthcheck the user added to an image without one', () => {
    const spec = inherited({ Healthcheck: { Test: ['CMD', 'true'], Interval: S } });
    expect(deploySpec(spec, { ...oldImage, Healthcheck: null }).config.Healthcheck).toEqual({
      Test: ['CMD', 'true'],
      Interval: S,
    });
  });

  it('keeps user, workdir and stop signal the user changed', () => {
    const spec = inherited({ User: '1000:1000', WorkingDir: '/data', StopSignal: 'SIGINT' });
    expect(deploySpec(spec, oldImage).config).toEqual({ User: '1000:1000', WorkingDir: '/data', StopSignal: 'SIGINT' });
  });

  it('keeps labels the user set or changed and drops the image labels', () => {
    const labels = { ...oldImage.Labels, maintainer: 'me', app: 'web', 'dockwatch.test': '1' };
    expect(deploySpec(inherited({ Labels: labels }), oldImage).config.Labels).toEqual({
      maintainer: 'me',
      app: 'web',
      'dockwatch.test': '1',
    });
  });

  it('keeps exposed ports the user added or published and volumes the user declared', () => {
    const spec = inherited(
      { ExposedPorts: { '8080/tcp': {}, '9090/tcp': {}, '53/udp': {} }, Volumes: { '/cache': {}, '/scratch': {} } },
      { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    );
    const { config } = deploySpec(spec, oldImage);
    expect(config.ExposedPorts).toEqual({ '8080/tcp': {}, '9090/tcp': {}, '53/udp': {} });
    expect(config.Volumes).toEqual({ '/scratch': {} });
  });

  it('keeps every run-time setting: host config, networks, hostname, tty, stop timeout', () => {
    const hostConfig = {
      Binds: ['data:/data'],
      PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] },
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      Memory: 33554432,
    };
    const spec = inherited({ Hostname: 'web-1', Tty: true, StopTimeout: 3 }, hostConfig);
    spec.networks = {
      front: { aliases: ['web'] },
      back: { aliases: ['api'], ipamConfig: { IPv4Address: '10.9.0.5' } },
    };
    const out = deploySpec(spec, oldImage);
    expect(out.config).toEqual({ Hostname: 'web-1', Tty: true, StopTimeout: 3, ExposedPorts: { '8080/tcp': {} } });
    expect(out.hostConfig).toEqual({ NetworkMode: 'bridge', ...hostConfig });
    expect(out.networks).toEqual(spec.networks);
  });

  it('treats an image with no config at all as giving nothing: everything is the user own', () => {
    const spec = inherited();
    expect(deploySpec(spec, {}).config).toEqual(spec.config);
  });

  it('does not change the spec it is given', () => {
    const spec = inherited({ Env: ['APP_VERSION=1', 'X=1'] });
    const copy = structuredClone(spec);
    deploySpec(spec, oldImage);
    expect(spec).toEqual(copy);
  });

  it('on a captured docker run payload: its explicit options are all kept against an empty busybox image', () => {
    const spec = createSpecFromInspect(inspectFixture('inspect-cli-run.json'));
    const out = deploySpec(spec, { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] });
    expect(out.config).toEqual({ ...spec.config, Env: ['SECRET_TOKEN=hunter2', 'FOO=bar'] });
    expect(out.hostConfig).toBe(spec.hostConfig);
  });
});
