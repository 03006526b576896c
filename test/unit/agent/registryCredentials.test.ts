import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { loadConfig } from '../../../config/load';
import { renderEffectiveConfig } from '../../../config/redact';
import {
  dockerConfigPath,
  normalizeRegistryHost,
  parseDockerConfig,
  RegistryCredentials,
} from '../../../agent/registry/registryCredentials';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('normalizeRegistryHost', () => {
  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['http://127.0.0.1:5000', '127.0.0.1:5000'],
    ['https://GHCR.io/v2/', 'ghcr.io'],
    ['ghcr.io', 'ghcr.io'],
    ['[::1]:5000', '[::1]:5000'],
  ])('%s → %s', (key, host) => {
    expect(normalizeRegistryHost(key)).toBe(host);
  });
});

describe('dockerConfigPath', () => {
  it('uses DOCKER_CONFIG when set, else ~/.docker', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/etc/dc' }, '/home/u')).toBe('/etc/dc/config.json');
    expect(dockerConfigPath({}, '/home/u')).toBe('/home/u/.docker/config.json');
  });
});

describe('parseDockerConfig', () => {
  it('reads auth (base64 user:pass, a colon in the password kept) and username/password, keys as URLs', () => {
    const parsed = parseDockerConfig(
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
          'http://127.0.0.1:5000': { username: 'u', password: 'p' },
          'ghcr.io': {},
          'bad.io': { auth: b64('nocolon') },
        },
        credsStore: 'desktop',
      }),
      '/x/config.json',
    );
    expect([...parsed.logins]).toEqual([
      ['docker.io', { username: 'hubuser', password: 'hub:pass' }],
      ['127.0.0.1:5000', { username: 'u', password: 'p' }],
    ]);
    expect(parsed.warnings).toEqual([
      '/x/config.json names a credential helper; dockwatch does not run helpers (use registries: in the config)',
      '/x/config.json: the login for "bad.io" has no usable auth or username/password',
    ]);
  });

  it('says when the file is not JSON, without echoing its content', () => {
    const parsed = parseDockerConfig('{"auths": {"x": {"auth": "c2VjcmV0"', '/x/config.json');
    expect(parsed.logins.size).toBe(0);
    expect(parsed.warnings).toEqual(['/x/config.json is not valid JSON; its registry logins are not used']);
  });
});

describe('RegistryCredentials', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dockwatch-creds-'));
    file = join(dir, 'config.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeAuths = (auths: Record<string, unknown>): void => writeFileSync(file, JSON.stringify({ auths }));

  it('prefers the config over config.json, per host', () => {
    writeAuths({ 'ghcr.io': { auth: b64('file:one') }, 'quay.io': { auth: b64('file:two') } });
    const creds = new RegistryCredentials([{ host: 'GHCR.io', username: 'cfg', password: 'cfgpass' }], file);
    expect(creds.for('ghcr.io')).toEqual({ username: 'cfg', password: 'cfgpass' });
    expect(creds.for('quay.io')).toEqual({ username: 'file', password: 'two' });
    expect(creds.for('docker.io')).toBeUndefined();
    expect(creds.sourceOf('ghcr.io')).toBe('config');
    expect(creds.sourceOf('quay.io')).toBe('docker-config');
    expect(creds.describeSource('quay.io')).toBe(`credentials for quay.io from ${file}`);
    expect(creds.describeSource('example.com')).toBe('no credentials configured for example.com');
  });

  it('gives the engine auth with Docker Hub as the CLI names it', () => {
    const creds = new RegistryCredentials(
      [
        { host: 'docker.io', username: 'hub', password: 'h' },
        { host: '127.0.0.1:5000', username: 'u', password: 'p' },
      ],
      undefined,
    );
    expect(creds.engineAuth('index.docker.io')).toEqual({
      username: 'hub',
      password: 'h',
      serveraddress: 'https://index.docker.io/v1/',
    });
    expect(creds.engineAuth('127.0.0.1:5000')).toEqual({
      username: 'u',
      password: 'p',
      serveraddress: '127.0.0.1:5000',
    });
    expect(creds.engineAuth('127.0.0.1:5001')).toBeUndefined();
  });

  it('sees a later docker login (the file re-read when it changes) and a removed file', () => {
    const creds = new RegistryCredentials([], file);
    expect(creds.for('quay.io')).toBeUndefined();
    writeAuths({ 'quay.io': { username: 'a', password: 'b' } });
    expect(creds.for('quay.io')).toEqual({ username: 'a', password: 'b' });
    writeAuths({ 'quay.io': { username: 'a', password: 'changed-and-longer' } });
    expect(creds.for('quay.io')).toEqual({ username: 'a', password: 'changed-and-longer' });
    rmSync(file);
    expect(creds.for('quay.io')).toBeUndefined();
  });

  it('never shows a password when logged', () => {
    writeAuths({ 'quay.io': { username: 'a', password: 'file-secret-123' } });
    const creds = new RegistryCredentials([{ host: 'ghcr.io', username: 'cfg', password: 'cfg-secret-456' }], file);
    for (const text of [JSON.stringify(creds), inspect(creds), `${JSON.stringify({ creds })}`]) {
      expect(text).not.toContain('secret-');
      expect(text).toContain('ghcr.io');
    }
  });

  it('the config loader prints registry passwords as <secret>', () => {
    const yaml = join(dir, 'dockwatch.yaml');
    writeFileSync(yaml, 'registries:\n  - host: 127.0.0.1:5000\n    username: alice\n    password: s3cr3t-pw\n');
    const text = renderEffectiveConfig(loadConfig({ file: yaml, env: {} }));
    expect(text).not.toContain('s3cr3t-pw');
    expect(text).toContain('password: <secret>');
  });
});
